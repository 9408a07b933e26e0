// Package geo holds the validated geometry of the domain: points with
// altitude and accuracy (as a field device reports them), polygons for areas
// of operations and territories, and lines for land borders; plus the pure
// functions the rules need — containment and distance to a boundary.
//
// Coordinates are WGS 84 degrees; geometry is stored as github.com/paulmach/orb
// values ([lon, lat] order, GeoJSON-compatible). Distances are in metres on a
// local equirectangular projection around the query point: within a fraction
// of a percent for the tens of kilometres that border rules care about.
// Polygons crossing the antimeridian are not supported.
//
// AreaIndex and LineIndex answer the same containment and distance
// questions for territories and borders of thousands of vertices in
// microseconds, for enriching every located report.
//
// Like all of domain/, it performs no I/O and imports nothing of the project
// but package domain.
package geo
