package state_test

import (
	"math/rand/v2"
	"testing"

	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/state"
)

// benchPoints are located reports of a border operation: half within about
// 1 km of the 5,000-vertex border, half anywhere in the two states.
func benchPoints(b *testing.B, n int) []geo.Point {
	border, _ := riverStates(b, 5000)
	rng := rand.New(rand.NewPCG(9, 9))
	pts := make([]geo.Point, n)
	for i := range pts {
		if i%2 == 0 {
			v := border[100+rng.IntN(len(border)-200)] // not by the ends, where the states stop
			pts[i] = pt(b, v[1]+(rng.Float64()*2-1)*0.01, v[0]+(rng.Float64()*2-1)*0.01)
		} else {
			pts[i] = pt(b, 47.5+rng.Float64()*2, 6+rng.Float64()*3)
		}
	}
	return pts
}

// BenchmarkLocate enriches located reports with their state and border
// distance, against territories of about 5,000 vertices each and a border
// of 5,000: through the index (what the compliance policy uses) and by
// scanning every edge (state.Locate, the baseline). reports/s is per core.
func BenchmarkLocate(b *testing.B) {
	_, states := riverStates(b, 5000)
	pts := benchPoints(b, 4096)
	b.Run("indexed", func(b *testing.B) {
		j := state.NewJurisdiction(states...)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, ok := j.Locate(pts[i%len(pts)]); !ok {
				b.Fatal("a point of the sample is in no state")
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	})
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, ok := state.Locate(pts[i%len(pts)], states...); !ok {
				b.Fatal("a point of the sample is in no state")
			}
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
	})
}

// BenchmarkCrossing detects the change of state between consecutive
// positions 200 m apart near the border (a crossing is bisected to 1 m).
func BenchmarkCrossing(b *testing.B) {
	_, states := riverStates(b, 5000)
	j := state.NewJurisdiction(states...)
	pts := benchPoints(b, 4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := pts[(i*2)%len(pts)]
		q := pt(b, p.Lat(), p.Lon()+0.0027) // about 200 m east
		j.Crossing(p, q)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkNewJurisdiction indexes two states of 5,000-vertex territories
// and their borders: paid when a state's territory or borders change.
func BenchmarkNewJurisdiction(b *testing.B) {
	_, states := riverStates(b, 5000)
	b.ReportAllocs()
	for b.Loop() {
		state.NewJurisdiction(states...)
	}
}
