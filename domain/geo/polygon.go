package geo

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/jointops/jointops/domain"
)

// Polygon is a validated polygon: an outer ring and optional holes, each
// closed, with at least three distinct vertices and a non-zero area, in
// range, no edge touching or crossing another, every hole inside the outer
// ring and outside the other holes. Ring orientation is not enforced
// (RFC 7946 asks parsers not to).
type Polygon struct {
	p orb.Polygon
}

// NewPolygon validates and copies an orb polygon ([lon, lat] positions).
func NewPolygon(p orb.Polygon) (Polygon, error) {
	var probs domain.Problems
	if len(p) == 0 {
		probs.Add("rings", "needs an outer ring")
		return Polygon{}, probs.Err()
	}
	validateRings(&probs, "", polygonRings("", 0, p))
	if err := probs.Err(); err != nil {
		return Polygon{}, err
	}
	return Polygon{p: p.Clone()}, nil
}

func polygonRings(field string, polygon int, p orb.Polygon) []ringRef {
	refs := make([]ringRef, len(p))
	for i, r := range p {
		refs[i] = ringRef{field: domain.Index(domain.JoinPath(field, "rings"), i), polygon: polygon, index: i, ring: r}
	}
	return refs
}

// IsZero reports whether p is unset.
func (p Polygon) IsZero() bool { return len(p.p) == 0 }

// Orb returns a copy of the polygon as an orb.Polygon.
func (p Polygon) Orb() orb.Polygon { return p.p.Clone() }

// Equal reports whether p and q have the same rings.
func (p Polygon) Equal(q Polygon) bool { return p.p.Equal(q.p) }

// Contains reports whether pt lies inside p or on its boundary, and not in a
// hole.
func (p Polygon) Contains(pt Point) bool {
	return !p.IsZero() && planar.PolygonContains(p.p, pt.Orb())
}

// DistanceToBoundary returns the distance in metres from pt to the nearest
// edge of p (outer ring or hole), whether pt lies inside or outside.
func (p Polygon) DistanceToBoundary(pt Point) float64 {
	d := inf
	for _, r := range p.p {
		d = min(d, distanceToPath(pt, r))
	}
	return d
}

type geometryJSON[C any] struct {
	Type        string `json:"type"`
	Coordinates C      `json:"coordinates"`
}

// MarshalJSON writes a GeoJSON Polygon geometry.
func (p Polygon) MarshalJSON() ([]byte, error) {
	return json.Marshal(geometryJSON[orb.Polygon]{Type: "Polygon", Coordinates: p.p})
}

// UnmarshalJSON reads and validates a GeoJSON Polygon geometry.
func (p *Polygon) UnmarshalJSON(b []byte) error {
	var w geometryJSON[orb.Polygon]
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Type != "Polygon" {
		return fmt.Errorf("geometry type %q: want Polygon", w.Type)
	}
	v, err := NewPolygon(w.Coordinates)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// MultiPolygon is a validated set of polygons, such as a state's territory
// with its islands and exclaves: each polygon valid, no edges of any two
// touching or crossing, no polygon inside another (outside its holes).
type MultiPolygon struct {
	mp orb.MultiPolygon
}

// NewMultiPolygon validates and copies an orb multipolygon.
func NewMultiPolygon(mp orb.MultiPolygon) (MultiPolygon, error) {
	var probs domain.Problems
	if len(mp) == 0 {
		probs.Add("polygons", "needs at least one polygon")
		return MultiPolygon{}, probs.Err()
	}
	var rings []ringRef
	for i, p := range mp {
		field := domain.Index("polygons", i)
		if len(p) == 0 {
			probs.Add(field, "needs an outer ring")
			continue
		}
		rings = append(rings, polygonRings(field, i, p)...)
	}
	if probs.Empty() {
		validateRings(&probs, "polygons", rings)
	}
	if err := probs.Err(); err != nil {
		return MultiPolygon{}, err
	}
	return MultiPolygon{mp: mp.Clone()}, nil
}

// IsZero reports whether m is unset.
func (m MultiPolygon) IsZero() bool { return len(m.mp) == 0 }

// Orb returns a copy as an orb.MultiPolygon.
func (m MultiPolygon) Orb() orb.MultiPolygon { return m.mp.Clone() }

// Contains reports whether pt lies in one of the polygons or on a boundary.
func (m MultiPolygon) Contains(pt Point) bool {
	return !m.IsZero() && planar.MultiPolygonContains(m.mp, pt.Orb())
}

// DistanceToBoundary returns the distance in metres from pt to the nearest
// edge of any of the polygons.
func (m MultiPolygon) DistanceToBoundary(pt Point) float64 {
	d := inf
	for _, p := range m.mp {
		d = min(d, Polygon{p: p}.DistanceToBoundary(pt))
	}
	return d
}

// MarshalJSON writes a GeoJSON MultiPolygon geometry.
func (m MultiPolygon) MarshalJSON() ([]byte, error) {
	return json.Marshal(geometryJSON[orb.MultiPolygon]{Type: "MultiPolygon", Coordinates: m.mp})
}

// UnmarshalJSON reads and validates a GeoJSON MultiPolygon geometry.
func (m *MultiPolygon) UnmarshalJSON(b []byte) error {
	var w geometryJSON[orb.MultiPolygon]
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Type != "MultiPolygon" {
		return fmt.Errorf("geometry type %q: want MultiPolygon", w.Type)
	}
	v, err := NewMultiPolygon(w.Coordinates)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
