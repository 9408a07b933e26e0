package webui_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/webui"
)

// The world of the browser tests, laid out through the HTTP API as its
// administrators, commanders and units would: two states with a land
// border, three agencies, one active joint operation with its command
// structure, five units with tracks, a few incidents and a task.

// Agency keys of the world.
const (
	agencyDE     = "de"      // German federal police, the lead (DE)
	agencyAT     = "at"      // Austrian police (AT)
	agencyCustom = "customs" // German customs (DE)
)

// principal is one token of the world.
type principal struct {
	agency  uuid.UUID
	subject uuid.UUID
	role    string
	token   string
}

// world is what the tests act and look with.
type world struct {
	operation  uuid.UUID
	agencies   map[string]uuid.UUID
	admin      principal
	commander  map[string]principal // by agency key
	observer   map[string]principal
	units      map[string]principal // by call sign: the unit's field token
	unitAgency map[string]string    // call sign → agency key
}

// westOfBorder and eastOfBorder are hand-drawn states meeting along a
// winding border around longitude 13.
var (
	borderLine = orb.LineString{{13.02, 47.30}, {12.97, 47.48}, {13.06, 47.66}, {12.94, 47.82}, {13.01, 48.10}}
)

func territory(west bool) orb.MultiPolygon {
	ring := orb.Ring{}
	if west {
		ring = append(ring, orb.Point{12.2, 47.30})
		ring = append(ring, borderLine...)
		ring = append(ring, orb.Point{12.2, 48.10}, orb.Point{12.2, 47.30})
	} else {
		ring = append(ring, orb.Point{13.9, 48.10})
		for i := len(borderLine) - 1; i >= 0; i-- {
			ring = append(ring, borderLine[i])
		}
		ring = append(ring, orb.Point{13.9, 47.30}, orb.Point{13.9, 48.10})
	}
	return orb.MultiPolygon{{ring}}
}

// worldMap is the map source of the world's states.
func worldMap() webui.StaticMap {
	return webui.StaticMap{
		{Code: dt.State("DE"), Name: "Germany", Territory: dt.Must(geo.NewMultiPolygon(territory(true))),
			Borders: []webui.Border{{Neighbour: dt.State("AT"), Line: dt.Must(geo.NewLine(borderLine))}}},
		{Code: dt.State("AT"), Name: "Austria", Territory: dt.Must(geo.NewMultiPolygon(territory(false)))},
	}
}

// api is a client of the HTTP API.
type api struct {
	t    *testing.T
	base string
	key  ed25519.PrivateKey
	http *http.Client
}

func newAPI(t *testing.T, base string, key ed25519.PrivateKey) *api {
	return &api{t: t, base: base, key: key, http: &http.Client{Timeout: 10 * time.Second}}
}

// token issues a token as `jointops token issue` does.
func (a *api) token(agency, subject uuid.UUID, role string) principal {
	a.t.Helper()
	now := time.Now()
	tok, err := auth.Sign(a.key, auth.Claims{
		Agency: agency.String(), Subject: subject.String(), Role: auth.Role(role),
		IssuedAt: now, ExpiresAt: now.Add(2 * time.Hour), ID: uuid.NewString(),
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return principal{agency: agency, subject: subject, role: role, token: tok}
}

// post sends a command with a fresh command ID and the current time, and
// fails the test unless it is accepted; it returns the outcome.
func (a *api) post(p principal, path string, body map[string]any) map[string]any {
	a.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	body["command_id"] = uuid.NewString()
	body["occurred_at"] = time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	b, err := json.Marshal(body)
	if err != nil {
		a.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", a.base+path, bytes.NewReader(b))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := a.http.Do(req)
	if err != nil {
		a.t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusAccepted {
		a.t.Fatalf("POST %s: %d %s", path, res.StatusCode, out)
	}
	var outcome map[string]any
	if err := json.Unmarshal(out, &outcome); err != nil {
		a.t.Fatalf("POST %s: %v", path, err)
	}
	return outcome
}

// get reads a resource as p and decodes it into v.
func (a *api) get(p principal, path string, v any) int {
	a.t.Helper()
	req, err := http.NewRequest("GET", a.base+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	res, err := a.http.Do(req)
	if err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusOK && v != nil {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			a.t.Fatalf("GET %s: %v", path, err)
		}
	}
	return res.StatusCode
}

func polygon(coords ...[2]float64) map[string]any {
	ring := make([][2]float64, 0, len(coords)+1)
	ring = append(ring, coords...)
	ring = append(ring, coords[0])
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{ring}}
}

func point(lat, lon float64) map[string]any {
	return map[string]any{"lat": lat, "lon": lon, "accuracy_m": 10}
}

func markingOf(originator uuid.UUID, tlp string) map[string]any {
	return map[string]any{"originator": originator.String(), "tlp": tlp, "evaluation": "B2"}
}

// buildWorld lays the world out on the server at base.
func buildWorld(t *testing.T, a *api) *world {
	t.Helper()
	w := &world{
		operation: uuid.New(),
		agencies:  map[string]uuid.UUID{agencyDE: uuid.New(), agencyAT: uuid.New(), agencyCustom: uuid.New()},
		commander: map[string]principal{}, observer: map[string]principal{},
		units: map[string]principal{}, unitAgency: map[string]string{},
	}
	w.admin = a.token(w.agencies[agencyDE], uuid.New(), "admin")
	for _, st := range []struct {
		code, name string
		west       bool
	}{{"DE", "Germany", true}, {"AT", "Austria", false}} {
		a.post(w.admin, "/v1/states", map[string]any{
			"code": st.code, "name": st.name,
			"territory": map[string]any{"type": "MultiPolygon", "coordinates": territory(st.west)},
		})
	}
	a.post(w.admin, "/v1/states/DE/borders", map[string]any{
		"neighbour": "AT", "line": map[string]any{"type": "LineString", "coordinates": borderLine},
	})
	for _, ag := range []struct{ key, state, name, kind string }{
		{agencyDE, "DE", "Bundespolizei", "police"},
		{agencyAT, "AT", "Polizei Österreich", "police"},
		{agencyCustom, "DE", "Zoll", "customs"},
	} {
		a.post(w.admin, "/v1/agencies", map[string]any{"id": w.agencies[ag.key].String(), "state": ag.state, "name": ag.name, "kind": ag.kind})
		w.commander[ag.key] = a.token(w.agencies[ag.key], uuid.New(), "commander")
		w.observer[ag.key] = a.token(w.agencies[ag.key], uuid.New(), "observer")
	}

	op := "/v1/operations/" + w.operation.String()
	now := time.Now().UTC()
	lead := w.commander[agencyDE]
	a.post(lead, "/v1/operations", map[string]any{
		"id": w.operation.String(), "purpose": "Joint patrol of the Inn and Salzach crossings",
		"lead":         w.agencies[agencyDE].String(),
		"participants": []string{w.agencies[agencyDE].String(), w.agencies[agencyAT].String(), w.agencies[agencyCustom].String()},
		"host_states":  []string{"DE", "AT"},
		"legal_basis":  []map[string]string{{"instrument": "Prüm Decision 2008/615/JHA", "provision": "Art. 17"}, {"instrument": "CISA", "provision": "Art. 41"}},
		"area":         polygon([2]float64{12.62, 47.42}, [2]float64{13.38, 47.42}, [2]float64{13.38, 47.98}, [2]float64{12.62, 47.98}),
		"period":       map[string]string{"start": now.Add(-2 * time.Hour).Format(time.RFC3339), "end": now.Add(72 * time.Hour).Format(time.RFC3339)},
	})
	for _, k := range []string{agencyDE, agencyAT, agencyCustom} {
		a.post(w.commander[k], op+"/agree", map[string]any{"arrangement_version": 1})
	}
	a.post(lead, op+"/activate", nil)
	a.post(lead, op+"/operational-periods", map[string]any{
		"period":     map[string]string{"start": now.Add(-time.Hour).Format(time.RFC3339), "end": now.Add(11 * time.Hour).Format(time.RFC3339)},
		"objectives": []string{"Patrol the bridges at Freilassing and Braunau", "Liaison officer at the AT duty office"},
	})

	branch, north, bridges := uuid.New(), uuid.New(), uuid.New()
	a.post(lead, op+"/org-units", map[string]any{"id": branch.String(), "kind": "branch", "name": "Border branch"})
	a.post(lead, op+"/org-units", map[string]any{"id": north.String(), "parent": branch.String(), "kind": "division", "name": "Division North"})
	a.post(lead, op+"/org-units", map[string]any{"id": bridges.String(), "parent": branch.String(), "kind": "group", "name": "Bridges group"})
	for _, k := range []string{agencyDE, agencyAT} {
		seat := uuid.New()
		a.post(lead, op+"/positions", map[string]any{"id": seat.String(), "title": "Commander " + map[string]string{agencyDE: "DE", agencyAT: "AT"}[k], "command_seat_of": w.agencies[k].String()})
		a.post(lead, op+"/positions/"+seat.String()+"/fill", map[string]any{
			"holder":       map[string]string{"person": w.commander[k].subject.String(), "agency": w.agencies[k].String()},
			"effective_at": now.Add(-time.Hour).Format(time.RFC3339),
		})
	}
	supervisor := uuid.New()
	a.post(lead, op+"/positions", map[string]any{"id": supervisor.String(), "org_unit": north.String(), "title": "Division supervisor"})

	for _, u := range []struct {
		sign, agency, kind string
		crew               int
		org                uuid.UUID
	}{
		{"DE-11", agencyDE, "unit", 2, north}, {"DE-12", agencyDE, "vehicle", 3, bridges},
		{"AT-7", agencyAT, "unit", 2, bridges}, {"AT-9", agencyAT, "dog", 1, uuid.Nil},
		{"ZOLL-3", agencyCustom, "vehicle", 2, uuid.Nil},
	} {
		id := uuid.New()
		a.post(w.commander[u.agency], op+"/resources", map[string]any{
			"unit": id.String(), "agency": w.agencies[u.agency].String(), "kind": u.kind, "call_sign": u.sign, "personnel": u.crew,
		})
		if u.org != uuid.Nil {
			a.post(lead, op+"/resources/"+id.String()+"/assign", map[string]any{"org_unit": u.org.String()})
		}
		w.units[u.sign] = a.token(w.agencies[u.agency], id, "field_unit")
		w.unitAgency[u.sign] = u.agency
	}
	return w
}

// populate gives the units tracks, files a few incidents and issues a task,
// so that the board has something to show.
func populate(t *testing.T, a *api, w *world) {
	t.Helper()
	tracks := map[string][][2]float64{
		"DE-11":  {{47.86, 12.80}, {47.84, 12.84}, {47.82, 12.87}, {47.80, 12.92}},
		"DE-12":  {{47.60, 12.88}, {47.63, 12.93}, {47.66, 12.97}},
		"AT-7":   {{47.55, 13.25}, {47.58, 13.20}, {47.62, 13.14}, {47.66, 13.08}},
		"AT-9":   {{47.90, 13.20}, {47.88, 13.14}},
		"ZOLL-3": {{47.48, 12.72}, {47.50, 12.78}, {47.51, 12.85}},
	}
	for step := range 4 {
		for sign, pts := range tracks {
			if step >= len(pts) {
				continue
			}
			a.post(w.units[sign], w.reportPath(sign, "position"), map[string]any{
				"report_id": uuid.NewString(), "marking": markingOf(w.agencies[w.unitAgency[sign]], "GREEN"),
				"point": point(pts[step][0], pts[step][1]), "source": "gps",
			})
		}
	}
	for _, inc := range []struct {
		sign, text string
		lat, lon   float64
	}{
		{"AT-7", "Grey van with Czech plates parked at the Braunau bridge", 47.64, 13.11},
		{"DE-11", "Two people on foot crossing the fields towards the border", 47.79, 12.95},
		{"ZOLL-3", "Lorry refused inspection at the rest area, heading east", 47.52, 12.88},
	} {
		a.post(w.units[inc.sign], w.reportPath(inc.sign, "observation"), map[string]any{
			"report_id": uuid.NewString(), "marking": markingOf(w.agencies[w.unitAgency[inc.sign]], "AMBER"),
			"text": inc.text, "point": point(inc.lat, inc.lon),
		})
	}
	now := time.Now().UTC()
	a.post(w.commander[agencyDE], "/v1/operations/"+w.operation.String()+"/tasks", map[string]any{
		"id": uuid.NewString(), "unit": w.units["AT-7"].subject.String(),
		"objective": "Observe the Braunau bridge and report traffic towards DE",
		"window":    map[string]string{"start": now.Format(time.RFC3339), "end": now.Add(6 * time.Hour).Format(time.RFC3339)},
		"area":      polygon([2]float64{13.02, 47.60}, [2]float64{13.16, 47.60}, [2]float64{13.16, 47.70}, [2]float64{13.02, 47.70}),
	})
}

// demoTokens lists the world's tokens as the demo endpoint does: the lead
// agency's observer first (the page opens with it), then every agency's
// commander and observer, then the units.
func (w *world) demoTokens() webui.DemoTokens {
	names := map[string]string{agencyDE: "Bundespolizei (DE)", agencyAT: "Polizei Österreich (AT)", agencyCustom: "Zoll (DE)"}
	states := map[string]string{agencyDE: "DE", agencyAT: "AT", agencyCustom: "DE"}
	list := webui.DemoTokens{Operation: dt.Must(domain.NewOperationID(w.operation))}
	add := func(key string, p principal, label string) {
		list.Tokens = append(list.Tokens, webui.DemoToken{
			Agency: dt.Must(domain.NewAgencyID(p.agency)), AgencyName: names[key], State: dt.State(states[key]),
			Role: p.role, Subject: p.subject.String(), Label: label, Token: p.token,
		})
	}
	add(agencyDE, w.observer[agencyDE], "situation room")
	for _, k := range []string{agencyDE, agencyAT, agencyCustom} {
		add(k, w.commander[k], "commander")
		if k != agencyDE {
			add(k, w.observer[k], "situation room")
		}
	}
	for _, sign := range []string{"DE-11", "DE-12", "AT-7", "AT-9", "ZOLL-3"} {
		add(w.unitAgency[sign], w.units[sign], sign)
	}
	return list
}

// reportPath is the path of a unit's reports of a kind.
func (w *world) reportPath(sign, kind string) string {
	return fmt.Sprintf("/v1/operations/%s/units/%s/reports/%s", w.operation, w.units[sign].subject, kind)
}

// observe files an observation of unit sign marked tlp and returns its
// report ID.
func (w *world) observe(a *api, sign, tlp, text string, lat, lon float64) string {
	id := uuid.NewString()
	a.post(w.units[sign], w.reportPath(sign, "observation"), map[string]any{
		"report_id": id, "marking": markingOf(w.agencies[w.unitAgency[sign]], tlp), "text": text, "point": point(lat, lon),
	})
	return id
}

// pageURL is the board page opened with tokens in its fragment.
func (w *world) pageURL(base string, ps ...principal) string {
	u := base + "/#op=" + w.operation.String()
	for _, p := range ps {
		u += "&token=" + p.token
	}
	return u
}
