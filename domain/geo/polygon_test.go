package geo_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain/geo"
)

// square returns the closed ring of the axis-aligned square with corners
// (x0, y0) and (x1, y1), counter-clockwise.
func square(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func TestNewPolygon(t *testing.T) {
	tests := []struct {
		name string
		in   orb.Polygon
		bad  []string
	}{
		{name: "square", in: orb.Polygon{square(7, 48, 8, 49)}},
		{name: "square with a hole", in: orb.Polygon{square(0, 0, 10, 10), square(2, 2, 4, 4)}},
		{name: "clockwise ring is accepted", in: orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {0, 0}}}},
		{name: "no rings", in: orb.Polygon{}, bad: []string{"rings"}},
		{name: "too few positions", in: orb.Polygon{{{0, 0}, {1, 1}, {0, 0}}}, bad: []string{"rings[0]"}},
		{name: "not closed", in: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, bad: []string{"rings[0]"}},
		{name: "repeated vertex", in: orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 0}}}, bad: []string{"rings[0]"}},
		{name: "collinear, no area", in: orb.Polygon{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}, bad: []string{"rings[0]"}},
		{name: "bow tie crosses itself", in: orb.Polygon{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}, bad: []string{"rings[0]"}},
		{name: "spike folds back", in: orb.Polygon{{{0, 0}, {2, 0}, {2, 2}, {2, 3}, {2, 2}, {0, 2}, {0, 0}}}, bad: []string{"rings[0]"}},
		{name: "vertex touching an edge", in: orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {2, 0}, {0, 4}, {0, 0}}}, bad: []string{"rings[0]"}},
		{name: "latitude out of range", in: orb.Polygon{{{0, 0}, {1, 0}, {1, 91}, {0, 0}}}, bad: []string{"rings[0][2].lat"}},
		{name: "NaN longitude", in: orb.Polygon{{{0, 0}, {math.NaN(), 0}, {1, 1}, {0, 0}}}, bad: []string{"rings[0][1].lon"}},
		{name: "infinite longitude", in: orb.Polygon{{{0, 0}, {math.Inf(1), 0}, {1, 1}, {0, 0}}}, bad: []string{"rings[0][1].lon"}},
		{name: "hole outside the outer ring", in: orb.Polygon{square(0, 0, 1, 1), square(2, 2, 3, 3)}, bad: []string{"rings[1]"}},
		{name: "hole crossing the outer ring", in: orb.Polygon{square(0, 0, 2, 2), square(1, 1, 3, 3)}, bad: []string{"rings[0]"}},
		{name: "hole inside another hole", in: orb.Polygon{square(0, 0, 10, 10), square(1, 1, 8, 8), square(2, 2, 3, 3)}, bad: []string{"rings[2]"}},
		{name: "hole sharing an edge with the outer ring", in: orb.Polygon{square(0, 0, 4, 4), square(0, 1, 2, 2)}, bad: []string{"rings[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := geo.NewPolygon(tt.in)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("NewPolygon: %v", err)
				}
				if !p.Orb().Equal(tt.in) {
					t.Errorf("Orb() = %v, want %v", p.Orb(), tt.in)
				}
				return
			}
			assertFields(t, err, tt.bad...)
		})
	}
}

func TestNewPolygonTooManyVertices(t *testing.T) {
	n := geo.MaxVertices + 1
	ring := make(orb.Ring, 0, n)
	for i := range n - 1 {
		a := 2 * math.Pi * float64(i) / float64(n-1)
		ring = append(ring, orb.Point{math.Cos(a), math.Sin(a)})
	}
	ring = append(ring, ring[0])
	_, err := geo.NewPolygon(orb.Polygon{ring})
	assertFields(t, err, "")
}

func TestNewPolygonCopiesInput(t *testing.T) {
	in := orb.Polygon{square(0, 0, 1, 1)}
	p, err := geo.NewPolygon(in)
	if err != nil {
		t.Fatal(err)
	}
	in[0][1] = orb.Point{50, 50}
	if p.Orb()[0][1] != (orb.Point{1, 0}) {
		t.Errorf("polygon changed with its input: %v", p.Orb())
	}
	out := p.Orb()
	out[0][1] = orb.Point{60, 60}
	if p.Orb()[0][1] != (orb.Point{1, 0}) {
		t.Errorf("polygon changed with its output: %v", p.Orb())
	}
}

func TestNewMultiPolygon(t *testing.T) {
	tests := []struct {
		name string
		in   orb.MultiPolygon
		bad  []string
	}{
		{name: "mainland and island", in: orb.MultiPolygon{{square(0, 0, 2, 2)}, {square(3, 0, 4, 1)}}},
		{name: "island in a lake", in: orb.MultiPolygon{{square(0, 0, 10, 10), square(2, 2, 8, 8)}, {square(4, 4, 5, 5)}}},
		{name: "empty", in: orb.MultiPolygon{}, bad: []string{"polygons"}},
		{name: "polygon without rings", in: orb.MultiPolygon{{square(0, 0, 1, 1)}, {}}, bad: []string{"polygons[1]"}},
		{name: "overlapping edges", in: orb.MultiPolygon{{square(0, 0, 2, 2)}, {square(1, 1, 3, 3)}}, bad: []string{"polygons[0].rings[0]"}},
		{name: "nested", in: orb.MultiPolygon{{square(0, 0, 10, 10)}, {square(2, 2, 3, 3)}}, bad: []string{"polygons[1].rings[0]"}},
		{name: "bad ring inside", in: orb.MultiPolygon{{square(0, 0, 1, 1)}, {{{5, 5}, {6, 6}, {5, 5}}}}, bad: []string{"polygons[1].rings[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := geo.NewMultiPolygon(tt.in)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("NewMultiPolygon: %v", err)
				}
				return
			}
			assertFields(t, err, tt.bad...)
		})
	}
}

func TestNewLine(t *testing.T) {
	tests := []struct {
		name string
		in   orb.LineString
		bad  []string
	}{
		{name: "two positions", in: orb.LineString{{0, 0}, {1, 1}}},
		{name: "one position", in: orb.LineString{{0, 0}}, bad: []string{"positions"}},
		{name: "repeated position", in: orb.LineString{{0, 0}, {0, 0}, {1, 1}}, bad: []string{"positions[1]"}},
		{name: "out of range", in: orb.LineString{{0, 0}, {200, 1}}, bad: []string{"positions[1].lon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := geo.NewLine(tt.in)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("NewLine: %v", err)
				}
				return
			}
			assertFields(t, err, tt.bad...)
		})
	}
}

func mustPoint(t *testing.T, lat, lon float64) geo.Point {
	t.Helper()
	p, err := geo.NewPoint(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestContains(t *testing.T) {
	poly, err := geo.NewPolygon(orb.Polygon{square(0, 0, 10, 10), square(4, 4, 6, 6)})
	if err != nil {
		t.Fatal(err)
	}
	multi, err := geo.NewMultiPolygon(orb.MultiPolygon{poly.Orb(), {square(20, 0, 21, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name            string
		lat, lon        float64
		inPoly, inMulti bool
	}{
		{name: "inside", lat: 1, lon: 1, inPoly: true, inMulti: true},
		{name: "on the outer edge", lat: 0, lon: 5, inPoly: true, inMulti: true},
		{name: "in the hole", lat: 5, lon: 5},
		{name: "outside", lat: 11, lon: 1},
		{name: "on the island", lat: 0.5, lon: 20.5, inMulti: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt := mustPoint(t, tt.lat, tt.lon)
			if got := poly.Contains(pt); got != tt.inPoly {
				t.Errorf("polygon contains = %v, want %v", got, tt.inPoly)
			}
			if got := multi.Contains(pt); got != tt.inMulti {
				t.Errorf("multipolygon contains = %v, want %v", got, tt.inMulti)
			}
		})
	}
	if (geo.Polygon{}).Contains(mustPoint(t, 0, 0)) {
		t.Error("the zero polygon contains a point")
	}
}

func TestDistances(t *testing.T) {
	// One degree of latitude is about 111.2 km; at 60° north a degree of
	// longitude is half as long.
	const degree = 111_195.0
	border, err := geo.NewLine(orb.LineString{{10, 59}, {10, 61}})
	if err != nil {
		t.Fatal(err)
	}
	area, err := geo.NewPolygon(orb.Polygon{square(0, 0, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{name: "east of a north-south line at 60N", got: border.Distance(mustPoint(t, 60, 10.1)), want: 0.1 * degree / 2},
		{name: "on the line", got: border.Distance(mustPoint(t, 60, 10)), want: 0},
		{name: "beyond the line's end", got: border.Distance(mustPoint(t, 61.1, 10)), want: 0.1 * degree},
		{name: "inside, near the south edge", got: area.DistanceToBoundary(mustPoint(t, 0.01, 0.5)), want: 0.01 * degree},
		{name: "outside, west of the west edge", got: area.DistanceToBoundary(mustPoint(t, 0.5, -0.02)), want: 0.02 * degree},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Abs(tt.got-tt.want) > 0.005*tt.want+0.5 {
				t.Errorf("distance = %.1f m, want %.1f m ± 0.5%%", tt.got, tt.want)
			}
		})
	}
}

func TestGeometryJSON(t *testing.T) {
	poly, err := geo.NewPolygon(orb.Polygon{square(0, 0, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(poly)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`
	if string(b) != want {
		t.Fatalf("marshal = %s, want %s", b, want)
	}
	var back geo.Polygon
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(poly) {
		t.Fatalf("round trip = %v, %v", back.Orb(), err)
	}

	bad := []struct {
		name string
		into any
		in   string
	}{
		{name: "polygon of wrong type", into: new(geo.Polygon), in: `{"type":"LineString","coordinates":[[0,0],[1,1]]}`},
		{name: "self-crossing polygon", into: new(geo.Polygon), in: `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`},
		{name: "multipolygon of wrong type", into: new(geo.MultiPolygon), in: want},
		{name: "empty multipolygon", into: new(geo.MultiPolygon), in: `{"type":"MultiPolygon","coordinates":[]}`},
		{name: "line of one position", into: new(geo.Line), in: `{"type":"LineString","coordinates":[[0,0]]}`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if err := json.Unmarshal([]byte(tt.in), tt.into); err == nil {
				t.Errorf("Unmarshal(%s) accepted it", tt.in)
			}
		})
	}
}

// FuzzNewPolygon feeds arbitrary rings: validation must never panic, and
// whatever it accepts must survive a JSON round trip unchanged.
func FuzzNewPolygon(f *testing.F) {
	f.Add(0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0)
	f.Add(0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0)
	f.Add(math.NaN(), 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0)
	f.Fuzz(func(t *testing.T, x0, y0, x1, y1, x2, y2, x3, y3 float64) {
		ring := orb.Ring{{x0, y0}, {x1, y1}, {x2, y2}, {x3, y3}, {x0, y0}}
		p, err := geo.NewPolygon(orb.Polygon{ring})
		if err != nil {
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back geo.Polygon
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("accepted polygon %v does not unmarshal: %v", ring, err)
		}
		if !back.Equal(p) {
			t.Fatalf("round trip changed %v into %v", p.Orb(), back.Orb())
		}
	})
}
