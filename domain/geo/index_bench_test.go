package geo_test

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain/geo"
)

// BenchmarkIndexedContainsAndDistance is BenchmarkContainsAndDistance
// through the indexes, on points spread over the 10,000-vertex circle's
// box: the ratio between the two is the index's gain.
func BenchmarkIndexedContainsAndDistance(b *testing.B) {
	ring := circle(10_000, 1)
	m, err := geo.NewMultiPolygon(orb.MultiPolygon{{ring}})
	if err != nil {
		b.Fatal(err)
	}
	area := geo.NewAreaIndex(m)
	lines := geo.NewLineIndex([]geo.Line{mustLine(b, orb.LineString(ring))})
	rng := rand.New(rand.NewPCG(5, 5))
	pts := make([]geo.Point, 4096)
	for i := range pts {
		pts[i] = point(b, 47.5+rng.Float64()*2, 6.5+rng.Float64()*2)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		area.Contains(p)
		if _, d, ok := lines.Nearest(p); !ok || d < 0 {
			b.Fatal("no distance")
		}
		i++
	}
}
