package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// AreaIndex answers point-in-territory questions for one multipolygon in
// about the time of a few dozen edge tests, whatever its size: a state's
// territory of several thousand vertices is asked about for every located
// field report.
//
// It is a quadtree over the multipolygon's bounding box. Each node holds
// the multipolygon clipped to the node's box (with orb's clip package), so
// building costs O(n log n). A node the boundary does not enter is wholly
// inside or wholly outside; a node with few vertices left is a leaf that
// asks orb's planar.MultiPolygonContains about its clipped piece. Boxes are
// padded a hair beyond the cell, so that the artefacts clipping leaves
// along a box's edges never meet a point assigned to the cell; results
// agree with MultiPolygon.Contains (points on the boundary are inside) up
// to floating-point rounding within a few nanodegrees of an edge.
//
// An AreaIndex is immutable and safe for concurrent use.
type AreaIndex struct {
	bound orb.Bound
	root  areaNode
}

// Tuning of the quadtree: a leaf keeps at most leafVertices vertices of
// the clipped piece, unless it is maxDepth deep.
const (
	leafVertices = 24
	maxDepth     = 16
	// boxPad widens each node's clip box beyond its cell, in degrees
	// (about 0.1 mm).
	boxPad = 1e-9
)

type areaKind uint8

const (
	areaOutside areaKind = iota
	areaInside
	areaMixed // a leaf: ask piece
	areaSplit // four children
)

type areaNode struct {
	kind     areaKind
	piece    orb.MultiPolygon // areaMixed: the territory clipped to the padded box
	mid      orb.Point        // areaSplit: where the children meet
	children *[4]areaNode     // areaSplit: SW, SE, NW, NE
}

// NewAreaIndex builds the index of m.
func NewAreaIndex(m MultiPolygon) *AreaIndex {
	x := &AreaIndex{}
	if m.IsZero() {
		return x
	}
	x.bound = m.mp.Bound()
	x.root = buildArea(x.bound, m.mp.Clone(), 0)
	return x
}

// Contains reports whether pt lies in the multipolygon or on its boundary.
func (x *AreaIndex) Contains(pt Point) bool {
	p := pt.Orb()
	if !x.bound.Contains(p) {
		return false
	}
	n := &x.root
	for n.kind == areaSplit {
		i := 0
		if p[0] >= n.mid[0] {
			i++
		}
		if p[1] >= n.mid[1] {
			i += 2
		}
		n = &n.children[i]
	}
	switch n.kind {
	case areaInside:
		return true
	case areaMixed:
		return planar.MultiPolygonContains(n.piece, p)
	}
	return false
}

// buildArea makes the node of cell, given the territory already clipped to
// a box containing the cell's padded box (mp is the node's to modify).
func buildArea(cell orb.Bound, mp orb.MultiPolygon, depth int) areaNode {
	box := pad(cell)
	piece := clip.MultiPolygon(box, mp)
	if len(piece) == 0 {
		return areaNode{kind: areaOutside}
	}
	if !boundaryEnters(box, piece) {
		// The boundary stays out of the open box: the whole cell lies on
		// one side of it, the side of its centre.
		if planar.MultiPolygonContains(piece, cell.Center()) {
			return areaNode{kind: areaInside}
		}
		return areaNode{kind: areaOutside}
	}
	if depth >= maxDepth || vertices(piece) <= leafVertices {
		return areaNode{kind: areaMixed, piece: piece}
	}
	mid := cell.Center()
	quads := [4]orb.Bound{
		{Min: cell.Min, Max: mid},
		{Min: orb.Point{mid[0], cell.Min[1]}, Max: orb.Point{cell.Max[0], mid[1]}},
		{Min: orb.Point{cell.Min[0], mid[1]}, Max: orb.Point{mid[0], cell.Max[1]}},
		{Min: mid, Max: cell.Max},
	}
	children := new([4]areaNode)
	for i, q := range quads {
		children[i] = buildArea(q, piece.Clone(), depth+1)
	}
	return areaNode{kind: areaSplit, mid: mid, children: children}
}

func pad(b orb.Bound) orb.Bound {
	return orb.Bound{
		Min: orb.Point{b.Min[0] - boxPad, b.Min[1] - boxPad},
		Max: orb.Point{b.Max[0] + boxPad, b.Max[1] + boxPad},
	}
}

// boundaryEnters reports whether an edge of the clipped rings passes
// through the open box. Clipping leaves edges along the box's sides; the
// open bound leaves those out.
func boundaryEnters(box orb.Bound, mp orb.MultiPolygon) bool {
	for _, p := range mp {
		for _, r := range p {
			if len(clip.LineString(box, orb.LineString(r).Clone(), clip.OpenBound(true))) > 0 {
				return true
			}
		}
	}
	return false
}

func vertices(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}
