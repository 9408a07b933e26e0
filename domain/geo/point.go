package geo

import (
	"encoding/json"
	"math"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
)

// Bounds of plausible altitudes (metres above the WGS 84 ellipsoid) and
// accuracies (metres, circular error).
const (
	MinAltitude = -12_000.0
	MaxAltitude = 100_000.0
	MaxAccuracy = 10_000_000.0
)

// Point is a validated position: latitude and longitude in degrees, and
// optionally altitude (HAE, metres) and horizontal accuracy (circular error,
// metres). It maps one to one to a Cursor-on-Target point (lat, lon, hae, ce).
type Point struct {
	lat, lon    float64
	alt         float64
	accuracy    float64
	hasAlt      bool
	hasAccuracy bool
}

// PointOption sets an optional part of a point.
type PointOption func(*Point)

// Altitude sets the height above the ellipsoid in metres.
func Altitude(metres float64) PointOption {
	return func(p *Point) { p.alt, p.hasAlt = metres, true }
}

// Accuracy sets the horizontal circular error in metres.
func Accuracy(metres float64) PointOption {
	return func(p *Point) { p.accuracy, p.hasAccuracy = metres, true }
}

// NewPoint validates and builds a point. NaN and infinities are rejected
// everywhere; latitude must lie in [-90, 90], longitude in [-180, 180],
// altitude in [MinAltitude, MaxAltitude], accuracy in [0, MaxAccuracy].
func NewPoint(lat, lon float64, opts ...PointOption) (Point, error) {
	pt := Point{lat: lat, lon: lon}
	for _, o := range opts {
		o(&pt)
	}
	var p domain.Problems
	checkLatLon(&p, "", lat, lon)
	if pt.hasAlt && !inRange(pt.alt, MinAltitude, MaxAltitude) {
		p.Addf("alt_m", "must be a number in [%g, %g]", MinAltitude, MaxAltitude)
	}
	if pt.hasAccuracy && !inRange(pt.accuracy, 0, MaxAccuracy) {
		p.Addf("accuracy_m", "must be a number in [0, %g]", MaxAccuracy)
	}
	if err := p.Err(); err != nil {
		return Point{}, err
	}
	return pt, nil
}

func checkLatLon(p *domain.Problems, field string, lat, lon float64) {
	if !inRange(lat, -90, 90) {
		p.Add(domain.JoinPath(field, "lat"), "must be a number in [-90, 90]")
	}
	if !inRange(lon, -180, 180) {
		p.Add(domain.JoinPath(field, "lon"), "must be a number in [-180, 180]")
	}
}

func validLatLon(lat, lon float64) bool { return inRange(lat, -90, 90) && inRange(lon, -180, 180) }

// inRange is false for NaN and infinities, which fail every comparison or
// exceed every finite bound.
func inRange(v, lo, hi float64) bool { return v >= lo && v <= hi && !math.IsInf(v, 0) }

// Lat returns the latitude in degrees.
func (p Point) Lat() float64 { return p.lat }

// Lon returns the longitude in degrees.
func (p Point) Lon() float64 { return p.lon }

// Altitude returns the altitude in metres; ok is false when unknown.
func (p Point) Altitude() (metres float64, ok bool) { return p.alt, p.hasAlt }

// Accuracy returns the circular error in metres; ok is false when unknown.
func (p Point) Accuracy() (metres float64, ok bool) { return p.accuracy, p.hasAccuracy }

// Orb returns the point as an orb.Point ([lon, lat]).
func (p Point) Orb() orb.Point { return orb.Point{p.lon, p.lat} }

type pointJSON struct {
	Lat      float64  `json:"lat"`
	Lon      float64  `json:"lon"`
	Alt      *float64 `json:"alt_m,omitempty"`
	Accuracy *float64 `json:"accuracy_m,omitempty"`
}

// MarshalJSON writes {"lat", "lon", "alt_m"?, "accuracy_m"?}.
func (p Point) MarshalJSON() ([]byte, error) {
	w := pointJSON{Lat: p.lat, Lon: p.lon}
	if p.hasAlt {
		w.Alt = &p.alt
	}
	if p.hasAccuracy {
		w.Accuracy = &p.accuracy
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads and validates a point.
func (p *Point) UnmarshalJSON(b []byte) error {
	w := pointJSON{Lat: math.NaN(), Lon: math.NaN()}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	var opts []PointOption
	if w.Alt != nil {
		opts = append(opts, Altitude(*w.Alt))
	}
	if w.Accuracy != nil {
		opts = append(opts, Accuracy(*w.Accuracy))
	}
	v, err := NewPoint(w.Lat, w.Lon, opts...)
	if err != nil {
		return err
	}
	*p = v
	return nil
}
