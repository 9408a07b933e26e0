package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/jointops/jointops/domain"
)

// MaxVertices bounds the size of one geometry, so that validating an
// untrusted input stays cheap.
const MaxVertices = 100_000

// ringRef is a ring under validation and where it sits in its geometry.
type ringRef struct {
	field   string // path for problems, e.g. "polygons[1].rings[0]"
	polygon int
	index   int // 0 is the outer ring
	ring    orb.Ring
}

// checkRing records the problems of one ring taken alone: too short, open,
// repeated consecutive vertices, coordinates out of range, no area.
func checkRing(p *domain.Problems, r ringRef) bool {
	before := p.Len()
	ring := r.ring
	if len(ring) < 4 {
		p.Add(r.field, "needs at least 4 positions (a closed triangle)")
		return false
	}
	for i, pt := range ring {
		if !validLatLon(pt[1], pt[0]) {
			checkLatLon(p, domain.Index(r.field, i), pt[1], pt[0])
			return false // one bad position per ring is enough to report
		}
	}
	if ring[0] != ring[len(ring)-1] {
		p.Add(r.field, "not closed: the last position must repeat the first")
	}
	for i := 1; i < len(ring); i++ {
		if ring[i] == ring[i-1] {
			p.Addf(r.field, "position %d repeats the one before it", i)
			break
		}
	}
	if p.Len() == before && planar.Area(ring) == 0 {
		p.Add(r.field, "encloses no area")
	}
	return p.Len() == before
}

// segment is one edge of a ring.
type segment struct {
	ring       int // index into the ringRef slice
	edge       int
	a, b       orb.Point
	minX, maxX float64
	minY, maxY float64
}

// checkCrossings records the first place where two edges of the rings touch
// or cross, other than consecutive edges of one ring meeting at their shared
// vertex. It sweeps edges sorted by their leftmost x, so typical shapes cost
// O(n log n).
func checkCrossings(p *domain.Problems, rings []ringRef) bool {
	var segs []segment
	for ri, r := range rings {
		for e := 0; e+1 < len(r.ring); e++ {
			a, b := r.ring[e], r.ring[e+1]
			segs = append(segs, segment{
				ring: ri, edge: e, a: a, b: b,
				minX: math.Min(a[0], b[0]), maxX: math.Max(a[0], b[0]),
				minY: math.Min(a[1], b[1]), maxY: math.Max(a[1], b[1]),
			})
		}
	}
	slices.SortFunc(segs, func(s, t segment) int { return cmp.Compare(s.minX, t.minX) })
	for i := range segs {
		s := &segs[i]
		for j := i + 1; j < len(segs) && segs[j].minX <= s.maxX; j++ {
			t := &segs[j]
			if t.maxY < s.minY || t.minY > s.maxY {
				continue
			}
			if !edgesConflict(s, t, len(rings[s.ring].ring)-1) {
				continue
			}
			first, second := s, t
			if first.ring > second.ring || (first.ring == second.ring && first.edge > second.edge) {
				first, second = second, first
			}
			if first.ring == second.ring {
				p.Addf(rings[first.ring].field, "crosses itself: edge %d meets edge %d", first.edge, second.edge)
			} else {
				p.Addf(rings[first.ring].field, "edge %d meets edge %d of %s",
					first.edge, second.edge, rings[second.ring].field)
			}
			return false
		}
	}
	return true
}

// edgesConflict reports whether two edges meet where they must not. Edges
// of one ring that follow each other (edges is the ring's edge count, so
// the last edge follows into the first) may share their common vertex but
// must not fold back over each other.
func edgesConflict(s, t *segment, edges int) bool {
	if s.ring == t.ring {
		switch {
		case t.edge == s.edge+1 || (s.edge == edges-1 && t.edge == 0):
			return foldsBack(s.a, s.b, t.b)
		case s.edge == t.edge+1 || (t.edge == edges-1 && s.edge == 0):
			return foldsBack(t.a, t.b, s.b)
		}
	}
	return segmentsIntersect(s.a, s.b, t.a, t.b)
}

// foldsBack reports whether the path a→b→c turns back onto itself at b.
func foldsBack(a, b, c orb.Point) bool {
	if orient(a, b, c) != 0 {
		return false
	}
	return (a[0]-b[0])*(c[0]-b[0])+(a[1]-b[1])*(c[1]-b[1]) > 0
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, c orb.Point) bool {
	return math.Min(a[0], b[0]) <= c[0] && c[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= c[1] && c[1] <= math.Max(a[1], b[1])
}

// segmentsIntersect reports whether segments p1p2 and q1q2 share a point.
func segmentsIntersect(p1, p2, q1, q2 orb.Point) bool {
	d1, d2 := orient(q1, q2, p1), orient(q1, q2, p2)
	d3, d4 := orient(p1, p2, q1), orient(p1, p2, q2)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && onSegment(q1, q2, p1)) || (d2 == 0 && onSegment(q1, q2, p2)) ||
		(d3 == 0 && onSegment(p1, p2, q1)) || (d4 == 0 && onSegment(p1, p2, q2))
}

// checkNesting records holes outside their outer ring, holes inside other
// holes and polygons inside other polygons. It assumes no edges meet, so one
// vertex of a ring tells where the whole ring lies.
func checkNesting(p *domain.Problems, rings []ringRef) {
	var outer []orb.Polygon // rings come ordered by polygon, outer ring first
	for _, r := range rings {
		if r.index == 0 {
			outer = append(outer, nil)
		}
		outer[r.polygon] = append(outer[r.polygon], r.ring)
	}
	for _, r := range rings {
		v := r.ring[0]
		if r.index > 0 {
			if !planar.RingContains(outer[r.polygon][0], v) {
				p.Add(r.field, "hole lies outside the outer ring")
			}
			for _, other := range rings {
				if other.polygon == r.polygon && other.index > 0 && other.index != r.index &&
					planar.RingContains(other.ring, v) {
					p.Addf(r.field, "hole lies inside another hole (%s)", other.field)
				}
			}
			continue
		}
		for i, poly := range outer {
			if i != r.polygon && planar.PolygonContains(poly, v) {
				p.Addf(r.field, "polygon lies inside polygons[%d]", i)
			}
		}
	}
}

func vertexCount(rings []ringRef) int {
	n := 0
	for _, r := range rings {
		n += len(r.ring)
	}
	return n
}

// validateRings runs every check on the rings of a polygon or multipolygon.
func validateRings(p *domain.Problems, field string, rings []ringRef) {
	if n := vertexCount(rings); n > MaxVertices {
		p.Addf(field, "has %d positions, more than %d", n, MaxVertices)
		return
	}
	ok := true
	for _, r := range rings {
		ok = checkRing(p, r) && ok
	}
	if ok && checkCrossings(p, rings) {
		checkNesting(p, rings)
	}
}
