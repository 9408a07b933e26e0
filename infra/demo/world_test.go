package demo

import (
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain/geo"
)

func mustLoad(t *testing.T) *World {
	t.Helper()
	w, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWorldGeometryIsValid checks every geometry of the demo with the
// domain's own constructors, as the API will.
func TestWorldGeometryIsValid(t *testing.T) {
	w := mustLoad(t)
	if len(w.States) != 3 || len(w.Borders) != 3 {
		t.Fatalf("%d states and %d borders, want the three states of a tri-point and their borders", len(w.States), len(w.Borders))
	}
	for _, s := range w.States {
		if _, err := geo.NewMultiPolygon(s.Territory.Orb()); err != nil {
			t.Errorf("territory of %s: %v", s.Code, err)
		}
		if n := len(s.Territory.Orb()[0][0]); n < 100 {
			t.Errorf("territory of %s has %d vertices; a real-shaped border needs more", s.Code, n)
		}
	}
	for _, b := range w.Borders {
		if _, err := geo.NewLine(b.Line.Orb()); err != nil {
			t.Errorf("border %v: %v", b.States, err)
		}
	}
	if _, err := geo.NewPolygon(w.Operation.Area.Orb()); err != nil {
		t.Errorf("area of operations: %v", err)
	}
}

// TestBordersAreSharedBoundaries checks that each land border runs along
// the boundary of both its states, vertex for vertex, and that no point
// lies in two states.
func TestBordersAreSharedBoundaries(t *testing.T) {
	w := mustLoad(t)
	for _, b := range w.Borders {
		for _, code := range b.States {
			ring := w.State(code).Territory.Orb()[0][0]
			for i, v := range b.Line.Orb() {
				if !slices.Contains(ring, v) {
					t.Errorf("border %v, vertex %d %v: not a vertex of %s's territory", b.States, i, v, code)
					break
				}
			}
		}
	}
	bound := w.State("DE").Territory.Orb().Bound()
	for _, s := range w.States[1:] {
		bound = bound.Union(s.Territory.Orb().Bound())
	}
	const n = 120
	for i := range n {
		for j := range n {
			pt, err := geo.NewPoint(
				bound.Min[1]+(bound.Max[1]-bound.Min[1])*(float64(j)+0.5)/n,
				bound.Min[0]+(bound.Max[0]-bound.Min[0])*(float64(i)+0.5)/n)
			if err != nil {
				t.Fatal(err)
			}
			var in []string
			for _, s := range w.States {
				if s.Territory.Contains(pt) {
					in = append(in, s.Code)
				}
			}
			if len(in) != 1 {
				t.Fatalf("%v lies in %v; the states must tile the demo region", pt.Orb(), in)
			}
		}
	}
}

// TestPlacesLieInTheirStates checks the shapes against real places on
// both sides of each border, several within a few hundred metres of it.
func TestPlacesLieInTheirStates(t *testing.T) {
	w := mustLoad(t)
	tests := []struct {
		name     string
		lat, lon float64
		state    string
	}{
		{name: "Passau", lat: 48.5667, lon: 13.4613, state: "DE"},
		{name: "Schärding", lat: 48.4569, lon: 13.4317, state: "AT"},
		{name: "Neuhaus am Inn", lat: 48.4620, lon: 13.4210, state: "DE"},
		{name: "Obernzell", lat: 48.5547, lon: 13.6336, state: "DE"},
		{name: "Engelhartszell", lat: 48.5080, lon: 13.7230, state: "AT"},
		{name: "Wegscheid", lat: 48.6010, lon: 13.7870, state: "DE"},
		{name: "Kollerschlag", lat: 48.6060, lon: 13.8390, state: "AT"},
		{name: "Haidmühle", lat: 48.8250, lon: 13.7750, state: "DE"},
		{name: "Philippsreut", lat: 48.8634, lon: 13.6883, state: "DE"},
		{name: "Strážný", lat: 48.9035, lon: 13.7196, state: "CZ"},
		{name: "Bayerisch Eisenstein", lat: 49.1200, lon: 13.2050, state: "DE"},
		{name: "Železná Ruda", lat: 49.1380, lon: 13.2350, state: "CZ"},
		{name: "Ulrichsberg", lat: 48.6760, lon: 13.9080, state: "AT"},
		{name: "Horní Planá", lat: 48.7670, lon: 14.0320, state: "CZ"},
		{name: "Vyšší Brod", lat: 48.6200, lon: 14.3110, state: "CZ"},
		{name: "Bad Leonfelden", lat: 48.5200, lon: 14.2950, state: "AT"},
		{name: "Braunau am Inn", lat: 48.2583, lon: 13.0344, state: "AT"},
		{name: "Simbach am Inn", lat: 48.2667, lon: 13.0236, state: "DE"},
		{name: "Burghausen", lat: 48.1690, lon: 12.8300, state: "DE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt, err := geo.NewPoint(tt.lat, tt.lon)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range w.States {
				if got := s.Territory.Contains(pt); got != (s.Code == tt.state) {
					t.Errorf("in %s: %v, want %v", s.Code, got, s.Code == tt.state)
				}
			}
		})
	}
}

// TestRoadsStayInsideTheArea checks that every simulated unit moves inside
// the area of operations, with room to spare for sightings near it.
func TestRoadsStayInsideTheArea(t *testing.T) {
	w := mustLoad(t)
	area := w.Operation.Area
	for _, r := range w.Roads {
		route := newRoute(&r)
		for s := 0.0; s <= route.length(); s += 50 {
			pt := route.at(s)
			gp, err := geo.NewPoint(pt[1], pt[0])
			if err != nil {
				t.Fatal(err)
			}
			if !area.Contains(gp) || area.DistanceToBoundary(gp) < 1000 {
				t.Fatalf("road %s at %.0f m (%v): not 1 km inside the area of operations", r.Key, s, pt)
			}
		}
	}
}

// TestWorldCheckFindsDanglingReferences breaks the loaded world one
// reference at a time; check must name each problem.
func TestWorldCheckFindsDanglingReferences(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*World)
		want   string
	}{
		{name: "unit on an unknown road", mutate: func(w *World) { w.Units[0].Road = "nowhere" }, want: `no road "nowhere"`},
		{name: "unit off its road", mutate: func(w *World) { w.Units[0].StartKm = 500 }, want: "is off road"},
		{name: "unit of an outside agency", mutate: func(w *World) { w.Units[0].Agency = "interpol" }, want: `agency "interpol" does not take part`},
		{name: "position held by nobody", mutate: func(w *World) { w.Operation.Positions[0].Holder = "nobody" }, want: `no holder "nobody"`},
		{name: "seat held by another agency", mutate: func(w *World) { w.Operation.Positions[0].Holder = "pcr/commander" }, want: "takes a person of that agency"},
		{name: "org unit before its parent", mutate: func(w *World) { w.Operation.OrgUnits[2].Parent = "div-muehlviertel" }, want: "must be listed before it"},
		{name: "lead not participating", mutate: func(w *World) { w.Operation.Participants = w.Operation.Participants[1:] }, want: "must be a participating agency"},
		{name: "agency without a commander", mutate: func(w *World) { w.People[1].Role = "" }, want: `has no commander`},
		{name: "host authority of another state", mutate: func(w *World) { w.HostAuthorities["AT"] = "pcr" }, want: `host authority of "AT"`},
		{name: "two units with one key", mutate: func(w *World) { w.Units[1].Key = w.Units[0].Key }, want: "listed twice"},
		{name: "scenario without its unit", mutate: func(w *World) { w.Scenario.PursuitUnit = "ghost" }, want: `scenario: no unit "ghost"`},
		{name: "unknown marking", mutate: func(w *World) { w.Units[0].TLP = "PINK" }, want: `tlp "PINK"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := mustLoad(t)
			if err := w.check(); err != nil {
				t.Fatalf("the demo data itself: %v", err)
			}
			tt.mutate(w)
			err := w.check()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("check: %v, want an error with %q", err, tt.want)
			}
		})
	}
}
