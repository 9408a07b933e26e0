package evidence

import (
	"fmt"
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
)

// trackPoint is one exported position report.
type trackPoint struct {
	report     domain.ReportID
	lon, lat   float64
	occurredAt time.Time
}

// tracks gathers the exported position reports per unit.
type tracks struct {
	units     map[domain.UnitID][]trackPoint
	retracted map[domain.ReportID]bool
}

func (t *tracks) add(e opEvent) {
	if t.units == nil {
		t.units, t.retracted = map[domain.UnitID][]trackPoint{}, map[domain.ReportID]bool{}
	}
	switch p := e.payload.(type) {
	case *fieldlog.PositionReported:
		t.units[p.UnitID] = append(t.units[p.UnitID], trackPoint{
			report: p.ReportID, lon: p.Point.Lon(), lat: p.Point.Lat(), occurredAt: e.occurredAt})
	case *fieldlog.ReportRetracted:
		t.retracted[p.Retracts] = true
	}
}

// geoJSON is the file of one unit's track: a FeatureCollection with one
// LineString (a Point while the unit reported once), its points in the
// order they occurred.
type geoJSON struct {
	Type     string    `json:"type"`
	Features []feature `json:"features"`
}

type feature struct {
	Type       string         `json:"type"`
	Geometry   geometry       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// write writes tracks/<unit>.geojson for every unit with a point left.
func (t *tracks) write(dir string, files map[string]string) (int, error) {
	n := 0
	for unit, pts := range t.units {
		pts = slices.DeleteFunc(pts, func(p trackPoint) bool { return t.retracted[p.report] })
		if len(pts) == 0 {
			continue
		}
		slices.SortStableFunc(pts, func(a, b trackPoint) int { return a.occurredAt.Compare(b.occurredAt) })
		coords := make([][2]float64, len(pts))
		reports, times := make([]string, len(pts)), make([]string, len(pts))
		for i, p := range pts {
			coords[i] = [2]float64{p.lon, p.lat}
			reports[i], times[i] = p.report.String(), p.occurredAt.UTC().Format(time.RFC3339Nano)
		}
		g := geometry{Type: "LineString", Coordinates: coords}
		if len(coords) == 1 {
			g = geometry{Type: "Point", Coordinates: coords[0]}
		}
		doc := geoJSON{Type: "FeatureCollection", Features: []feature{{Type: "Feature", Geometry: g,
			Properties: map[string]any{"unit": unit.String(), "reports": reports, "occurred_at": times}}}}
		if err := writeJSON(dir, fmt.Sprintf("%s/%s.geojson", TracksDir, unit), doc, files); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
