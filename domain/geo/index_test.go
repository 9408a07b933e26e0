package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain/geo"
)

// wiggle returns a border running north from (lon, lat0) to (lon, lat1)
// in n vertices, zigzagging irregularly up to amp degrees east and west,
// like a river border: monotonic in latitude, so it never crosses itself.
func wiggle(rng *rand.Rand, lon, lat0, lat1 float64, n int, amp float64) orb.LineString {
	ls := make(orb.LineString, n)
	x := 0.0
	for i := range n {
		x = 0.8*x + (rng.Float64()*2-1)*amp*0.6
		x = math.Max(-amp, math.Min(amp, x))
		if i == 0 || i == n-1 {
			x = 0
		}
		ls[i] = orb.Point{lon + x, lat0 + (lat1-lat0)*float64(i)/float64(n-1)}
	}
	return ls
}

// westOf closes a territory west of border (which runs north), out to
// westLon.
func westOf(border orb.LineString, westLon float64) orb.Polygon {
	ring := append(orb.Ring{}, border...)
	ring = append(ring, orb.Point{westLon, border[len(border)-1][1]}, orb.Point{westLon, border[0][1]}, border[0])
	return orb.Polygon{ring}
}

// star returns a concave ring of n spikes around (cx, cy).
func star(n int, cx, cy, r float64) orb.Ring {
	ring := make(orb.Ring, 0, 2*n+1)
	for i := range 2 * n {
		a := math.Pi * float64(i) / float64(n)
		rr := r
		if i%2 == 1 {
			rr = r * 0.35
		}
		ring = append(ring, orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)})
	}
	return append(ring, ring[0])
}

func TestAreaIndexAgreesWithContains(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	border := wiggle(rng, 7.5, 47.5, 49.5, 5000, 0.05)
	holed := orb.Polygon{square(10, 10, 11, 11), square(10.2, 10.2, 10.4, 10.4), square(10.6, 10.6, 10.8, 10.8)}
	tests := []struct {
		name string
		mp   orb.MultiPolygon
	}{
		{"a circle of 10,000 vertices", orb.MultiPolygon{{circle(10_000, 1)}}},
		{"a star of 1,000 spikes", orb.MultiPolygon{{star(1000, 7, 48, 1)}}},
		{"a territory west of a 5,000-vertex river border", orb.MultiPolygon{westOf(border, 6)}},
		{"islands and a polygon with holes", orb.MultiPolygon{holed, {square(12, 10, 12.5, 10.5)}, {star(50, 11, 12, 0.4)}}},
		{"a single triangle", orb.MultiPolygon{{{{0, 0}, {1, 0}, {0, 1}, {0, 0}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := geo.NewMultiPolygon(tt.mp)
			if err != nil {
				t.Fatal(err)
			}
			x := geo.NewAreaIndex(m)
			b := tt.mp.Bound().Pad(0.1)
			// The reference scans every edge per point: bound its work.
			var vertices []orb.Point
			for _, poly := range tt.mp {
				for _, ring := range poly {
					vertices = append(vertices, ring...)
				}
			}
			samples := max(500, min(4000, 4_000_000/len(vertices)))
			inside := 0
			for i := range samples {
				p := point(t, b.Min[1]+rng.Float64()*(b.Max[1]-b.Min[1]), b.Min[0]+rng.Float64()*(b.Max[0]-b.Min[0]))
				if i%2 == 0 { // half of them within about 10 m of the boundary
					v := vertices[rng.IntN(len(vertices))]
					p = point(t, v[1]+(rng.Float64()*2-1)*1e-4, v[0]+(rng.Float64()*2-1)*1e-4)
				}
				want := m.Contains(p)
				if got := x.Contains(p); got != want {
					t.Fatalf("Contains(%v) = %v, MultiPolygon.Contains says %v", p.Orb(), got, want)
				}
				if want {
					inside++
				}
			}
			if inside == 0 || inside == samples {
				t.Fatalf("%d of %d points inside: the sample does not test both sides", inside, samples)
			}
			// On the boundary exactly: orb counts an outer ring's boundary
			// in and a hole's out; the index must say the same.
			for i := range min(len(vertices), samples) {
				v := vertices[i*len(vertices)/min(len(vertices), samples)]
				p := point(t, v[1], v[0])
				if got, want := x.Contains(p), m.Contains(p); got != want {
					t.Fatalf("vertex %v: Contains = %v, MultiPolygon.Contains says %v", v, got, want)
				}
			}
		})
	}
}

func TestAreaIndexOfNothing(t *testing.T) {
	if geo.NewAreaIndex(geo.MultiPolygon{}).Contains(point(t, 0, 0)) {
		t.Error("an empty territory contains a point")
	}
}

func TestLineIndexAgreesWithDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	river := wiggle(rng, 7.5, 47.5, 49.5, 6000, 0.05)
	lines := []geo.Line{
		mustLine(t, river[:2001]),
		mustLine(t, river[2000:4001]),
		mustLine(t, river[4000:]),
		mustLine(t, orb.LineString{{9, 47}, {9, 50}}), // one long segment
		mustLine(t, orb.LineString{{5, 46}, {5.1, 46}}),
	}
	x := geo.NewLineIndex(lines)
	b := orb.Bound{Min: orb.Point{3, 44}, Max: orb.Point{12, 52}}
	for i := range 4000 {
		p := point(t, b.Min[1]+rng.Float64()*(b.Max[1]-b.Min[1]), b.Min[0]+rng.Float64()*(b.Max[0]-b.Min[0]))
		if i%2 == 0 { // half of them near the river, where it matters
			p = point(t, 47.5+rng.Float64()*2, 7.3+rng.Float64()*0.4)
		}
		wantLine, want := -1, math.MaxFloat64
		for i, l := range lines {
			if d := l.Distance(p); d < want {
				wantLine, want = i, d
			}
		}
		line, got, ok := x.Nearest(p)
		if !ok || line != wantLine || got != want {
			t.Fatalf("Nearest(%v) = line %d at %v m, a scan says line %d at %v m", p.Orb(), line, got, wantLine, want)
		}
	}
	if _, _, ok := geo.NewLineIndex(nil).Nearest(point(t, 0, 0)); ok {
		t.Error("an index of no lines found a line")
	}
}

func TestBetweenAndDistance(t *testing.T) {
	a, b := point(t, 49, 7), point(t, 49, 7.1)
	mid := geo.Between(a, b, 0.5)
	if mid.Lat() != 49 || math.Abs(mid.Lon()-7.05) > 1e-12 {
		t.Errorf("midpoint %v", mid.Orb())
	}
	if geo.Between(a, b, 2) != geo.Between(a, b, 1) {
		t.Error("a fraction above 1 is not clamped")
	}
	want := 0.1 * math.Pi / 180 * orb.EarthRadius * math.Cos(49*math.Pi/180)
	if d := geo.Distance(a, b); math.Abs(d-want) > 1e-6 {
		t.Errorf("distance %v, want %v", d, want)
	}
}

func point(t testing.TB, lat, lon float64) geo.Point {
	t.Helper()
	p, err := geo.NewPoint(lat, lon)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustLine(t testing.TB, ls orb.LineString) geo.Line {
	t.Helper()
	l, err := geo.NewLine(ls)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
