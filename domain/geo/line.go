package geo

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
)

// inf stands for "no distance yet" when searching a minimum.
const inf = math.MaxFloat64

// Line is a validated polyline, such as a land border between two states:
// at least two positions, all in range, no position repeating the one
// before it.
type Line struct {
	ls orb.LineString
}

// NewLine validates and copies an orb line string ([lon, lat] positions).
func NewLine(ls orb.LineString) (Line, error) {
	var p domain.Problems
	if len(ls) < 2 {
		p.Add("positions", "needs at least 2 positions")
		return Line{}, p.Err()
	}
	if len(ls) > MaxVertices {
		p.Addf("positions", "has %d positions, more than %d", len(ls), MaxVertices)
		return Line{}, p.Err()
	}
	for i, pt := range ls {
		checkLatLon(&p, domain.Index("positions", i), pt[1], pt[0])
		if i > 0 && pt == ls[i-1] {
			p.Add(domain.Index("positions", i), "repeats the position before it")
		}
	}
	if err := p.Err(); err != nil {
		return Line{}, err
	}
	return Line{ls: ls.Clone()}, nil
}

// IsZero reports whether l is unset.
func (l Line) IsZero() bool { return len(l.ls) == 0 }

// Orb returns a copy as an orb.LineString.
func (l Line) Orb() orb.LineString { return l.ls.Clone() }

// Distance returns the distance in metres from pt to the nearest point of l.
func (l Line) Distance(pt Point) float64 { return distanceToPath(pt, l.ls) }

// MarshalJSON writes a GeoJSON LineString geometry.
func (l Line) MarshalJSON() ([]byte, error) {
	return json.Marshal(geometryJSON[orb.LineString]{Type: "LineString", Coordinates: l.ls})
}

// UnmarshalJSON reads and validates a GeoJSON LineString geometry.
func (l *Line) UnmarshalJSON(b []byte) error {
	var w geometryJSON[orb.LineString]
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Type != "LineString" {
		return fmt.Errorf("geometry type %q: want LineString", w.Type)
	}
	v, err := NewLine(w.Coordinates)
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// distanceToPath returns the distance in metres from pt to the nearest
// point of the path, measured on an equirectangular projection centred on
// pt (metres east and north of it).
func distanceToPath(pt Point, path []orb.Point) float64 {
	if len(path) == 0 {
		return inf
	}
	kx := metresPerDegree * math.Cos(pt.lat*math.Pi/180)
	ax, ay := (path[0][0]-pt.lon)*kx, (path[0][1]-pt.lat)*metresPerDegree
	if len(path) == 1 {
		return math.Hypot(ax, ay)
	}
	best := inf // squared
	for _, q := range path[1:] {
		bx, by := (q[0]-pt.lon)*kx, (q[1]-pt.lat)*metresPerDegree
		best = min(best, distanceToOriginSquared(ax, ay, bx, by))
		ax, ay = bx, by
	}
	return math.Sqrt(best)
}

const metresPerDegree = math.Pi / 180 * orb.EarthRadius

// distanceToOriginSquared is the squared distance from (0, 0) to the
// segment from (ax, ay) to (bx, by).
func distanceToOriginSquared(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = min(1, max(0, -(ax*dx+ay*dy)/l))
	}
	x, y := ax+t*dx, ay+t*dy
	return x*x + y*y
}
