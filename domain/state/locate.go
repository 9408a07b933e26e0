package state

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Location is where a located action happened, derived from the states'
// territories and land borders.
type Location struct {
	// State is the state whose territory holds the point.
	State domain.StateCode
	// Neighbour is the state across the nearest declared land border, and
	// BorderDistance its distance in metres; HasBorder is false when the
	// state declared no land border.
	Neighbour      domain.StateCode
	BorderDistance float64
	HasBorder      bool
}

// Locate finds the first of states whose territory holds pt (on a shared
// border line, the first listed wins); ok is false when none does — the
// point is at sea or outside every known state.
func Locate(pt geo.Point, states ...*State) (loc Location, ok bool) {
	for _, s := range states {
		if !s.Registered() || !s.Contains(pt) {
			continue
		}
		loc.State = s.code
		loc.Neighbour, loc.BorderDistance, loc.HasBorder = s.NearestLandBorder(pt)
		return loc, true
	}
	return Location{}, false
}
