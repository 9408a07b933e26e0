package httpapi

import (
	"encoding"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
)

// The wire forms of the domain's value objects. Request bodies are decoded
// into plain fields (strings, numbers, nested wire structs), so that unknown
// fields are refused at every depth, and then built into domain values
// through their constructors, every problem recorded under its full field
// path ("marking.releasable_to.agencies[1]") so one answer lists them all.

// Upper and lower bounds of any timestamp the API accepts. Anything outside
// is a typo or an attack; the domain's own rules (no occurred_at in the
// future, periods ending after they start) apply within.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// parseTime reads an RFC 3339 timestamp; blank is the zero time, for the
// caller to require or not.
func parseTime(p *domain.Problems, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.Add(field, "must be an RFC 3339 timestamp such as 2026-11-28T10:00:00Z")
		return time.Time{}
	}
	if t.Before(minTime) || !t.Before(maxTime) {
		p.Addf(field, "must lie between %d and %d", minTime.Year(), maxTime.Year()-1)
		return time.Time{}
	}
	return t.UTC()
}

// requireTime is parseTime for a required field.
func requireTime(p *domain.Problems, field, s string) time.Time {
	if s == "" {
		p.Add(field, "required")
	}
	return parseTime(p, field, s)
}

// textID is a typed domain ID (domain.OperationID, domain.UnitID …), which
// parses itself from the canonical UUID form and refuses the nil UUID.
type textID[T any] interface {
	*T
	encoding.TextUnmarshaler
}

// parseID reads an optional typed ID; blank is the zero ID.
func parseID[T any, PT textID[T]](p *domain.Problems, field, s string) T {
	var id T
	if s == "" {
		return id
	}
	// Only the canonical 36-character form: one ID, one spelling.
	if len(s) != 36 || PT(&id).UnmarshalText([]byte(s)) != nil {
		p.Add(field, "must be a UUID in canonical form, not the nil UUID")
		var zero T
		return zero
	}
	return id
}

// requireID is parseID for a required field.
func requireID[T any, PT textID[T]](p *domain.Problems, field, s string) T {
	if s == "" {
		p.Add(field, "required")
	}
	return parseID[T, PT](p, field, s)
}

// parseIDs reads a list of typed IDs.
func parseIDs[T any, PT textID[T]](p *domain.Problems, field string, ss []string) []T {
	if ss == nil {
		return nil
	}
	ids := make([]T, len(ss))
	for i, s := range ss {
		ids[i] = requireID[T, PT](p, domain.Index(field, i), s)
	}
	return ids
}

// parseStates reads a list of ISO 3166-1 alpha-2 codes.
func parseStates(p *domain.Problems, field string, ss []string) []domain.StateCode {
	if ss == nil {
		return nil
	}
	codes := make([]domain.StateCode, len(ss))
	for i, s := range ss {
		codes[i] = parseState(p, domain.Index(field, i), s)
	}
	return codes
}

// parseState reads one state code; blank is the zero code.
func parseState(p *domain.Problems, field, s string) domain.StateCode {
	if s == "" {
		return domain.StateCode{}
	}
	c, err := domain.ParseStateCode(s)
	if err != nil {
		p.Add(field, "must be an ISO 3166-1 alpha-2 code such as DE")
	}
	return c
}

// pointIn is a position: {"lat", "lon", "alt_m"?, "accuracy_m"?}.
type pointIn struct {
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
	Alt      *float64 `json:"alt_m,omitempty"`
	Accuracy *float64 `json:"accuracy_m,omitempty"`
}

// build returns the zero point for an absent one, for the domain to
// require.
func (w *pointIn) build(p *domain.Problems, field string) geo.Point {
	if w == nil {
		return geo.Point{}
	}
	if w.Lat == nil || w.Lon == nil {
		if w.Lat == nil {
			p.Add(domain.JoinPath(field, "lat"), "required")
		}
		if w.Lon == nil {
			p.Add(domain.JoinPath(field, "lon"), "required")
		}
		return geo.Point{}
	}
	var opts []geo.PointOption
	if w.Alt != nil {
		opts = append(opts, geo.Altitude(*w.Alt))
	}
	if w.Accuracy != nil {
		opts = append(opts, geo.Accuracy(*w.Accuracy))
	}
	pt, err := geo.NewPoint(*w.Lat, *w.Lon, opts...)
	p.Merge(field, err)
	return pt
}

// ring reads GeoJSON positions, each [lon, lat].
func ring(p *domain.Problems, field string, positions [][]float64) ([]orb.Point, bool) {
	pts := make([]orb.Point, len(positions))
	ok := true
	for i, pos := range positions {
		if len(pos) != 2 {
			p.Add(domain.Index(field, i), "must be [lon, lat]")
			ok = false
			continue
		}
		pts[i] = orb.Point{pos[0], pos[1]}
	}
	return pts, ok
}

// rings reads the rings of a GeoJSON polygon.
func rings(p *domain.Problems, field string, coords [][][]float64) (orb.Polygon, bool) {
	poly := make(orb.Polygon, len(coords))
	ok := true
	for i, r := range coords {
		pts, good := ring(p, domain.Index(field, i), r)
		poly[i], ok = orb.Ring(pts), ok && good
	}
	return poly, ok
}

// checkGeometryType records a problem unless a GeoJSON geometry is of type want.
func checkGeometryType(p *domain.Problems, field, got, want string) bool {
	if got != want {
		p.Addf(domain.JoinPath(field, "type"), "must be %q", want)
		return false
	}
	return true
}

// polygonIn is a GeoJSON Polygon geometry.
type polygonIn struct {
	Type        string        `json:"type"`
	Coordinates [][][]float64 `json:"coordinates"`
}

func (w *polygonIn) build(p *domain.Problems, field string) geo.Polygon {
	if w == nil || !checkGeometryType(p, field, w.Type, "Polygon") {
		return geo.Polygon{}
	}
	poly, ok := rings(p, domain.JoinPath(field, "coordinates"), w.Coordinates)
	if !ok {
		return geo.Polygon{}
	}
	g, err := geo.NewPolygon(poly)
	p.Merge(field, err)
	return g
}

// multiPolygonIn is a GeoJSON MultiPolygon geometry.
type multiPolygonIn struct {
	Type        string          `json:"type"`
	Coordinates [][][][]float64 `json:"coordinates"`
}

func (w *multiPolygonIn) build(p *domain.Problems, field string) geo.MultiPolygon {
	if w == nil || !checkGeometryType(p, field, w.Type, "MultiPolygon") {
		return geo.MultiPolygon{}
	}
	mp := make(orb.MultiPolygon, len(w.Coordinates))
	ok := true
	for i, c := range w.Coordinates {
		poly, good := rings(p, domain.Index(domain.JoinPath(field, "coordinates"), i), c)
		mp[i], ok = poly, ok && good
	}
	if !ok {
		return geo.MultiPolygon{}
	}
	g, err := geo.NewMultiPolygon(mp)
	p.Merge(field, err)
	return g
}

// lineIn is a GeoJSON LineString geometry.
type lineIn struct {
	Type        string      `json:"type"`
	Coordinates [][]float64 `json:"coordinates"`
}

func (w *lineIn) build(p *domain.Problems, field string) geo.Line {
	if w == nil || !checkGeometryType(p, field, w.Type, "LineString") {
		return geo.Line{}
	}
	pts, ok := ring(p, domain.JoinPath(field, "coordinates"), w.Coordinates)
	if !ok {
		return geo.Line{}
	}
	l, err := geo.NewLine(orb.LineString(pts))
	p.Merge(field, err)
	return l
}

// periodIn is {"start", "end"}.
type periodIn struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func (w *periodIn) build(p *domain.Problems, field string) domain.Period {
	if w == nil {
		return domain.Period{}
	}
	n := p.Len()
	start := requireTime(p, domain.JoinPath(field, "start"), w.Start)
	end := requireTime(p, domain.JoinPath(field, "end"), w.End)
	if p.Len() > n {
		return domain.Period{}
	}
	period, err := domain.NewPeriod(start, end)
	p.Merge(field, err)
	return period
}

// legalRefIn is {"instrument", "provision"?}.
type legalRefIn struct {
	Instrument string `json:"instrument"`
	Provision  string `json:"provision,omitempty"`
}

func buildLegalRefs(p *domain.Problems, field string, ws []legalRefIn) []domain.LegalRef {
	if ws == nil {
		return nil
	}
	refs := make([]domain.LegalRef, len(ws))
	for i, w := range ws {
		r, err := domain.NewLegalRef(w.Instrument, w.Provision)
		p.Merge(domain.Index(field, i), err)
		refs[i] = r
	}
	return refs
}

// personRefIn is {"person", "agency"}.
type personRefIn struct {
	Person string `json:"person"`
	Agency string `json:"agency"`
}

func (w *personRefIn) build(p *domain.Problems, field string) domain.PersonRef {
	if w == nil {
		return domain.PersonRef{}
	}
	n := p.Len()
	person := requireID[domain.PersonID](p, domain.JoinPath(field, "person"), w.Person)
	agency := requireID[domain.AgencyID](p, domain.JoinPath(field, "agency"), w.Agency)
	if p.Len() > n {
		return domain.PersonRef{}
	}
	ref, err := domain.NewPersonRef(person, agency)
	p.Merge(field, err)
	return ref
}

// markingIn is the information-handling marking of a report.
type markingIn struct {
	Originator   string        `json:"originator"`
	TLP          string        `json:"tlp"`
	Handling     []string      `json:"handling,omitempty"`
	H3Text       string        `json:"h3_text,omitempty"`
	ReleasableTo *recipientsIn `json:"releasable_to,omitempty"`
	Evaluation   string        `json:"evaluation"`
}

// recipientsIn is an explicit releasable-to list.
type recipientsIn struct {
	Agencies []string `json:"agencies,omitempty"`
	States   []string `json:"states,omitempty"`
}

func (w *markingIn) build(p *domain.Problems, field string) marking.Marking {
	if w == nil {
		return marking.Marking{}
	}
	at := func(f string) string { return domain.JoinPath(field, f) }
	n := p.Len()
	s := marking.Spec{
		Originator: requireID[domain.AgencyID](p, at("originator"), w.Originator),
		H3Text:     w.H3Text,
	}
	if w.TLP == "" {
		p.Add(at("tlp"), "required: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	} else if t, err := marking.ParseTLP(w.TLP); err != nil {
		p.Add(at("tlp"), "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	} else {
		s.TLP = t
	}
	for i, h := range w.Handling {
		c, err := marking.ParseHandlingCode(h)
		if err != nil {
			p.Add(at(domain.Index("handling", i)), "must be a handling code H0 to H3")
			continue
		}
		s.Handling = append(s.Handling, c)
	}
	if w.Evaluation == "" {
		p.Add(at("evaluation"), "required, such as B2")
	} else if e, err := marking.ParseEvaluation(w.Evaluation); err != nil {
		p.Add(at("evaluation"), "must be reliability A, B, C or X then accuracy 1 to 4, such as B2")
	} else {
		s.Evaluation = e
	}
	if w.ReleasableTo != nil {
		rf := at("releasable_to")
		agencies := parseIDs[domain.AgencyID](p, domain.JoinPath(rf, "agencies"), w.ReleasableTo.Agencies)
		states := parseStates(p, domain.JoinPath(rf, "states"), w.ReleasableTo.States)
		r, err := marking.NewRecipients(agencies, states)
		p.Merge(rf, err)
		s.ReleasableTo = r
	}
	if p.Len() > n {
		return marking.Marking{}
	}
	m, err := marking.New(s)
	p.Merge(field, err)
	return m
}
