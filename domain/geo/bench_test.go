package geo_test

import (
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain/geo"
)

// circle returns a closed ring of n vertices approximating a circle of
// radius r degrees around (7.5, 48.5).
func circle(n int, r float64) orb.Ring {
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{7.5 + r*math.Cos(a), 48.5 + r*math.Sin(a)})
	}
	return append(ring, ring[0])
}

// BenchmarkNewPolygon measures validating a territory-sized polygon of
// 10,000 vertices (the crossing sweep dominates).
func BenchmarkNewPolygon(b *testing.B) {
	p := orb.Polygon{circle(10_000, 1)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geo.NewPolygon(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContainsAndDistance measures the two derivations made for every
// located action against a 10,000-vertex territory.
func BenchmarkContainsAndDistance(b *testing.B) {
	p, err := geo.NewPolygon(orb.Polygon{circle(10_000, 1)})
	if err != nil {
		b.Fatal(err)
	}
	pt, _ := geo.NewPoint(48.6, 7.4)
	b.ReportAllocs()
	for b.Loop() {
		if !p.Contains(pt) || p.DistanceToBoundary(pt) <= 0 {
			b.Fatal("point should be inside, away from the edge")
		}
	}
}
