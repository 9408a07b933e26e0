package geo

import "math"

// Distance returns the distance in metres between a and b, on the same
// local projection as the other distances of this package (centred on a).
func Distance(a, b Point) float64 {
	kx := metresPerDegree * math.Cos(a.lat*math.Pi/180)
	return math.Hypot((b.lon-a.lon)*kx, (b.lat-a.lat)*metresPerDegree)
}

// Between returns the point a fraction f of the way from a to b (f in
// [0, 1]; linear in latitude and longitude, which over the few kilometres
// between two position reports is the straight path), without altitude or
// accuracy.
func Between(a, b Point, f float64) Point {
	f = min(1, max(0, f))
	return Point{lat: a.lat + f*(b.lat-a.lat), lon: a.lon + f*(b.lon-a.lon)}
}
