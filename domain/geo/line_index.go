package geo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// LineIndex finds the nearest of a set of lines (a state's land borders)
// to a point, in metres, visiting only the segments that can be nearest: a
// bounding-volume hierarchy over the segments, searched depth first, nearer
// box first, skipping every box farther than the best segment so far. A
// point by the border visits a handful of segments; one in the middle of a
// country a few hundred.
//
// Distances are those of Line.Distance — the same projection, the same
// arithmetic — so the index returns exactly what a scan of every line
// would, ties going to the first line as in a scan.
//
// A LineIndex is immutable and safe for concurrent use.
type LineIndex struct {
	segs  []indexedSegment
	nodes []lineNode // nodes[0] is the root
}

type indexedSegment struct {
	a, b orb.Point
	line int32
}

// lineNode is the bounding box of segs[lo:hi]: a leaf (left is 0, which
// is the root and never a child), or split into the children left and
// right.
type lineNode struct {
	bound       orb.Bound
	lo, hi      int32 // leaf: the segments
	left, right int32 // inner: the children; 0 for a leaf
}

// leafSegments is the most segments a leaf holds.
const leafSegments = 8

// NewLineIndex builds the index of lines; Nearest reports a line by its
// position in this list.
func NewLineIndex(lines []Line) *LineIndex {
	x := &LineIndex{}
	for n, l := range lines {
		for i := 1; i < len(l.ls); i++ {
			x.segs = append(x.segs, indexedSegment{a: l.ls[i-1], b: l.ls[i], line: int32(n)})
		}
	}
	if len(x.segs) > 0 {
		x.nodes = make([]lineNode, 0, 2*len(x.segs)/leafSegments+2)
		x.build(0, len(x.segs))
	}
	return x
}

// build makes the node of segs[lo:hi] and returns its index: split at the
// median of the segments' midpoints along the box's longer side.
func (x *LineIndex) build(lo, hi int) int32 {
	b := segmentBound(x.segs[lo])
	for _, s := range x.segs[lo+1 : hi] {
		b = b.Union(segmentBound(s))
	}
	i := int32(len(x.nodes))
	x.nodes = append(x.nodes, lineNode{bound: b, lo: int32(lo), hi: int32(hi)})
	if hi-lo <= leafSegments {
		return i
	}
	axis := 0
	if b.Top()-b.Bottom() > b.Right()-b.Left() {
		axis = 1
	}
	part := x.segs[lo:hi]
	slices.SortFunc(part, func(s, t indexedSegment) int {
		return cmp.Compare(s.a[axis]+s.b[axis], t.a[axis]+t.b[axis])
	})
	mid := lo + (hi-lo)/2
	left := x.build(lo, mid)
	right := x.build(mid, hi)
	x.nodes[i].left, x.nodes[i].right = left, right
	return i
}

func segmentBound(s indexedSegment) orb.Bound {
	return orb.Bound{
		Min: orb.Point{math.Min(s.a[0], s.b[0]), math.Min(s.a[1], s.b[1])},
		Max: orb.Point{math.Max(s.a[0], s.b[0]), math.Max(s.a[1], s.b[1])},
	}
}

// Nearest returns the position in the list of the line nearest to pt and
// its distance in metres; ok is false for an index of no lines.
func (x *LineIndex) Nearest(pt Point) (line int, metres float64, ok bool) {
	if len(x.segs) == 0 {
		return 0, 0, false
	}
	kx := metresPerDegree * math.Cos(pt.lat*math.Pi/180)
	ky := metresPerDegree
	// boxDist is the squared distance from pt to a node's box.
	boxDist := func(n *lineNode) float64 {
		dx := math.Max(0, math.Max(n.bound.Min[0]-pt.lon, pt.lon-n.bound.Max[0])) * kx
		dy := math.Max(0, math.Max(n.bound.Min[1]-pt.lat, pt.lat-n.bound.Max[1])) * ky
		return dx*dx + dy*dy
	}
	best, bestLine := inf, int32(-1) // best is squared
	// The tree is balanced: its depth is about log2(segments/8), and the
	// stack holds at most one pending sibling per level.
	var stack [64]int32
	top := 0
	stack[top] = 0
	top++
	for top > 0 {
		top--
		n := &x.nodes[stack[top]]
		// Only strictly farther boxes are skipped, so that ties are
		// visited and the first line wins them.
		if boxDist(n) > best {
			continue
		}
		if n.left == 0 {
			for _, seg := range x.segs[n.lo:n.hi] {
				d := distanceToOriginSquared(
					(seg.a[0]-pt.lon)*kx, (seg.a[1]-pt.lat)*ky,
					(seg.b[0]-pt.lon)*kx, (seg.b[1]-pt.lat)*ky)
				if d < best || (d == best && seg.line < bestLine) {
					best, bestLine = d, seg.line
				}
			}
			continue
		}
		near, far := n.left, n.right
		if boxDist(&x.nodes[far]) < boxDist(&x.nodes[near]) {
			near, far = far, near
		}
		stack[top], stack[top+1] = far, near // near is popped first
		top += 2
	}
	return int(bestLine), math.Sqrt(best), true
}
