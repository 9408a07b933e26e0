package state_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/state"
)

func box(x0, y0, x1, y1 float64) geo.MultiPolygon {
	return dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}))
}

var (
	de       = dt.State("DE")
	fr       = dt.State("FR")
	deLand   = box(6, 47, 15, 55)
	frLand   = box(0, 43, 6, 51)
	deFrLine = dt.Must(geo.NewLine(orb.LineString{{6, 47}, {6, 51}}))
	admin    = domain.Actor{Agency: dt.Agency(99)}
)

func registered() *state.Registered {
	return &state.Registered{Code: de, Name: "Germany", Territory: deLand}
}

func TestStateDecisions(t *testing.T) {
	meta := dt.Meta(t, admin, dt.T0())
	dt.Run(t, func() *state.State { return state.New(de) }, []dt.Case[*state.State]{
		{
			Name: "register a new state",
			When: func(s *state.State) error { return s.Register(meta, "Germany", deLand) },
			Then: []domain.Payload{registered()},
		},
		{
			Name:   "register twice",
			Given:  []domain.Payload{registered()},
			When:   func(s *state.State) error { return s.Register(meta, "Germany", deLand) },
			Reject: state.CodeAlreadyRegistered, Kind: domain.ErrRejected,
		},
		{
			Name:    "register without name or territory",
			When:    func(s *state.State) error { return s.Register(meta, " ", geo.MultiPolygon{}) },
			Invalid: []string{"name", "territory"},
		},
		{
			Name:    "a zero Meta is refused",
			When:    func(s *state.State) error { return s.Register(domain.Meta{}, "Germany", deLand) },
			Invalid: []string{"meta"},
		},
		{
			Name:  "redraw the territory",
			Given: []domain.Payload{registered()},
			When:  func(s *state.State) error { return s.RedrawTerritory(meta, box(6, 47, 15, 56)) },
			Then:  []domain.Payload{&state.TerritoryRedrawn{Code: de, Territory: box(6, 47, 15, 56)}},
		},
		{
			Name:   "redraw to the same territory",
			Given:  []domain.Payload{registered()},
			When:   func(s *state.State) error { return s.RedrawTerritory(meta, deLand) },
			Reject: state.CodeTerritoryUnchanged,
		},
		{
			Name:   "redraw an unregistered state",
			When:   func(s *state.State) error { return s.RedrawTerritory(meta, deLand) },
			Reject: state.CodeNotRegistered, Kind: domain.ErrNotFound,
		},
		{
			Name:  "declare a land border",
			Given: []domain.Payload{registered()},
			When:  func(s *state.State) error { return s.DeclareLandBorder(meta, fr, deFrLine) },
			Then:  []domain.Payload{&state.LandBorderDeclared{Code: de, Neighbour: fr, Line: deFrLine}},
		},
		{
			Name:   "declare a border with itself",
			Given:  []domain.Payload{registered()},
			When:   func(s *state.State) error { return s.DeclareLandBorder(meta, de, deFrLine) },
			Reject: state.CodeBorderWithItself,
		},
		{
			Name:    "declare a border without neighbour or line",
			Given:   []domain.Payload{registered()},
			When:    func(s *state.State) error { return s.DeclareLandBorder(meta, domain.StateCode{}, geo.Line{}) },
			Invalid: []string{"neighbour", "line"},
		},
		{
			Name:   "declare a border of an unregistered state",
			When:   func(s *state.State) error { return s.DeclareLandBorder(meta, fr, deFrLine) },
			Reject: state.CodeNotRegistered,
		},
	})
}

func TestLocate(t *testing.T) {
	germany := dt.Given(t, state.New(de), registered(),
		&state.LandBorderDeclared{Code: de, Neighbour: fr, Line: deFrLine}).Aggregate()
	france := dt.Given(t, state.New(fr), &state.Registered{Code: fr, Name: "France", Territory: frLand}).Aggregate()

	pt := func(lat, lon float64) geo.Point { return dt.Must(geo.NewPoint(lat, lon)) }
	tests := []struct {
		name      string
		at        geo.Point
		want      domain.StateCode
		found     bool
		hasBorder bool
		metres    float64
	}{
		{name: "in Germany, a tenth of a degree east of the French border", at: pt(49, 6.1), want: de, found: true,
			hasBorder: true, metres: 0.1 * 111_195 * math.Cos(49*math.Pi/180)},
		{name: "in France, which declared no border", at: pt(45, 3), want: fr, found: true},
		{name: "at sea", at: pt(40, -20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, ok := state.Locate(tt.at, germany, france)
			if ok != tt.found || loc.State != tt.want || loc.HasBorder != tt.hasBorder {
				t.Fatalf("Locate = %+v, %v", loc, ok)
			}
			if tt.hasBorder && (loc.Neighbour != fr || math.Abs(loc.BorderDistance-tt.metres) > 0.005*tt.metres) {
				t.Errorf("border %s at %.0f m, want FR at %.0f m", loc.Neighbour, loc.BorderDistance, tt.metres)
			}
		})
	}
}

func TestStreamName(t *testing.T) {
	if got := state.New(de).Stream(); got != "state-DE" {
		t.Errorf("Stream() = %q", got)
	}
}
