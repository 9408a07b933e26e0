package demo

import (
	"math"

	"github.com/paulmach/orb"
)

// Geometry of movement along roads. Distances are metres on a local
// equirectangular projection, as in domain/geo: within a fraction of a
// percent over the few kilometres of one road segment.

const (
	metresPerDegreeLat = 110_540.0
	metresPerDegreeLon = 111_320.0 // at the equator; times cos(latitude)
)

// metres returns the distance between a and b.
func metres(a, b orb.Point) float64 {
	lat := (a[1] + b[1]) / 2 * math.Pi / 180
	dx := (b[0] - a[0]) * metresPerDegreeLon * math.Cos(lat)
	dy := (b[1] - a[1]) * metresPerDegreeLat
	return math.Hypot(dx, dy)
}

// pathLength returns the length of a polyline in metres.
func pathLength(path []orb.Point) float64 {
	total := 0.0
	for i := 1; i < len(path); i++ {
		total += metres(path[i-1], path[i])
	}
	return total
}

// route is a road prepared for moving along it: the distance from its
// start to each vertex.
type route struct {
	road *Road
	pts  []orb.Point
	cum  []float64 // cum[i] is the distance from pts[0] to pts[i]
}

func newRoute(r *Road) *route {
	pts := r.Line.Orb()
	cum := make([]float64, len(pts))
	for i := 1; i < len(pts); i++ {
		cum[i] = cum[i-1] + metres(pts[i-1], pts[i])
	}
	return &route{road: r, pts: pts, cum: cum}
}

// length returns the length of the route in metres.
func (r *route) length() float64 { return r.cum[len(r.cum)-1] }

// at returns the point s metres from the start, clamped to the route.
func (r *route) at(s float64) orb.Point {
	if s <= 0 {
		return r.pts[0]
	}
	for i := 1; i < len(r.pts); i++ {
		if s <= r.cum[i] {
			f := (s - r.cum[i-1]) / (r.cum[i] - r.cum[i-1])
			a, b := r.pts[i-1], r.pts[i]
			return orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
		}
	}
	return r.pts[len(r.pts)-1]
}
