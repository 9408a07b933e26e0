package httpapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestHostileInputs sends malformed, out-of-range and oversized commands
// to a real server: each gets the right status and problem type, names the
// offending fields, and appends nothing.
func TestHostileInputs(t *testing.T) {
	clock := &settableClock{t: t0}
	s := newScenario(t, newEnv(t, envOptions{now: clock.now}))
	position := s.unitReports(unit7) + "/position"

	// report returns a valid position report with some fields replaced
	// (nil deletes the field).
	report := func(changes map[string]any) string {
		b := positionReport(uuid.New(), t0, 47.6, 13.1)
		for k, v := range changes {
			if v == nil {
				delete(b, k)
				continue
			}
			b[k] = v
		}
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return string(raw)
	}
	point := func(lat, lon any) map[string]any { return map[string]any{"lat": lat, "lon": lon} }
	deep := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)

	tests := []struct {
		name   string
		path   string
		token  string
		ctype  string // "" is application/json
		body   string
		status int
		typ    string
		fields []string // fields the problem must list, in any order
		code   string
	}{
		{name: "NaN latitude as a bare word", body: strings.Replace(report(nil), `"lat":47.6`, `"lat":NaN`, 1),
			status: 400, typ: ProblemMalformed},
		{name: "NaN latitude as a string", body: report(map[string]any{"point": point("NaN", 13.1)}),
			status: 400, typ: ProblemValidation, fields: []string{"point.lat"}},
		{name: "latitude out of range", body: report(map[string]any{"point": point(91, 13.1)}),
			status: 400, typ: ProblemValidation, fields: []string{"point.lat"}},
		{name: "both coordinates out of range", body: report(map[string]any{"point": point(-90.5, 180.01)}),
			status: 400, typ: ProblemValidation, fields: []string{"point.lat", "point.lon"}},
		{name: "latitude beyond float64", body: strings.Replace(report(nil), `"lat":47.6`, `"lat":1e999`, 1),
			status: 400, typ: ProblemValidation, fields: []string{"point.lat"}},
		{name: "missing point", body: report(map[string]any{"point": nil}),
			status: 400, typ: ProblemValidation, fields: []string{"point"}},
		{name: "10 MB string", body: report(map[string]any{"source": strings.Repeat("gps", 10<<20/3)}),
			status: 413, typ: ProblemTooLarge},
		{name: "invalid UTF-8", body: strings.Replace(report(nil), `"gps"`, "\"g\xffs\"", 1),
			status: 400, typ: ProblemMalformed},
		{name: "bad command id", body: report(map[string]any{"command_id": "not-a-uuid"}),
			status: 400, typ: ProblemValidation, fields: []string{"command_id"}},
		{name: "nil command id", body: report(map[string]any{"command_id": uuid.Nil.String()}),
			status: 400, typ: ProblemValidation, fields: []string{"command_id"}},
		{name: "bad report id and marking originator", body: report(map[string]any{"report_id": "123",
			"marking": map[string]any{"originator": "{" + partnerAgency.String() + "}", "tlp": "AMBER", "evaluation": "B2"}}),
			status: 400, typ: ProblemValidation, fields: []string{"report_id", "marking.originator"}},
		{name: "bad unit id in the path", path: s.op + "/units/unit-7/reports/position", body: report(nil),
			status: 400, typ: ProblemValidation, fields: []string{"unit"}},
		{name: "occurred_at in year 9999", body: report(map[string]any{"occurred_at": "9999-12-31T23:59:59Z"}),
			status: 400, typ: ProblemValidation, fields: []string{"occurred_at"}},
		{name: "occurred_at not a timestamp", body: report(map[string]any{"occurred_at": "yesterday"}),
			status: 400, typ: ProblemValidation, fields: []string{"occurred_at"}},
		{name: "occurred_at a day ahead", body: report(map[string]any{"occurred_at": t0.Add(24 * time.Hour).Format(time.RFC3339)}),
			status: 422, typ: ProblemRuleViolation, code: "time.occurred_in_future"},
		{name: "negative task revision", path: s.op + "/tasks/" + uuid.NewString() + "/acknowledge",
			body:   `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T10:00:00Z","revision":-1}`,
			status: 400, typ: ProblemValidation, fields: []string{"revision"}},
		{name: "negative arrangement version", path: s.op + "/agree", token: s.partner,
			body:   `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T10:00:00Z","arrangement_version":-3}`,
			status: 400, typ: ProblemValidation, fields: []string{"arrangement_version"}},
		{name: "revision beyond int", path: s.op + "/tasks/" + uuid.NewString() + "/acknowledge",
			body:   `{"command_id":"` + uuid.NewString() + `","occurred_at":"2026-11-28T10:00:00Z","revision":1e30}`,
			status: 400, typ: ProblemValidation, fields: []string{"revision"}},
		{name: "unknown field", body: strings.Replace(report(nil), `{`, `{"admin":true,`, 1),
			status: 400, typ: ProblemMalformed},
		{name: "unknown nested field", body: report(map[string]any{"point": map[string]any{"lat": 1, "lon": 2, "datum": "WGS84"}}),
			status: 400, typ: ProblemMalformed},
		{name: "two objects", body: report(nil) + report(nil), status: 400, typ: ProblemMalformed},
		{name: "deep nesting", body: deep, status: 400, typ: ProblemMalformed},
		{name: "not JSON", ctype: "text/plain", body: "lat=47.6", status: 415, typ: ProblemUnsupportedMedia},
		{name: "empty body", body: "", status: 400, typ: ProblemMalformed},
		{name: "control characters in text", path: s.unitReports(unit7) + "/observation",
			body: func() string {
				b := positionReport(uuid.New(), t0, 1, 1)
				delete(b, "point")
				delete(b, "source")
				b["text"] = "white van\x00\x1b[2J"
				raw, _ := json.Marshal(b)
				return string(raw)
			}(),
			status: 400, typ: ProblemValidation, fields: []string{"text"}},
		{name: "marking of another agency", body: report(map[string]any{
			"marking": map[string]any{"originator": leadAgency.String(), "tlp": "AMBER", "evaluation": "B2"}}),
			status: 403, typ: ProblemForbidden, code: "fieldlog.originator_mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, token := tt.path, tt.token
			if path == "" {
				path = position
			}
			if token == "" {
				token = s.unit7
			}
			before := s.events(t)
			req, err := http.NewRequestWithContext(t.Context(), "POST", s.url+path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			ctype := tt.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := s.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p Problem
			err = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if err != nil || resp.Header.Get("Content-Type") != ProblemContentType {
				t.Fatalf("= %d %s, not a problem (%v)", resp.StatusCode, resp.Header.Get("Content-Type"), err)
			}
			if resp.StatusCode != tt.status || p.Type != tt.typ {
				t.Fatalf("= %d %+v, want %d %s", resp.StatusCode, p, tt.status, tt.typ)
			}
			if tt.code != "" && p.Code != tt.code {
				t.Fatalf("code = %q, want %q (%+v)", p.Code, tt.code, p)
			}
			got := map[string]bool{}
			for _, fp := range p.Errors {
				got[fp.Field] = true
			}
			for _, f := range tt.fields {
				if !got[f] {
					t.Fatalf("problem lists fields %v, want %q among them (%+v)", slices.Sorted(maps.Keys(got)), f, p)
				}
			}
			if after := s.events(t); after != before {
				t.Fatalf("hostile input appended %d events", after-before)
			}
		})
	}
}
