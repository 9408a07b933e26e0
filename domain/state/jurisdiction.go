package state

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Jurisdiction locates points among a set of states fast enough to enrich
// every located field report: each territory and each state's land borders
// are indexed (geo.AreaIndex, geo.LineIndex), so a lookup costs microseconds
// whatever the number of vertices. It answers exactly as Locate over the
// same states, in the same order. Build it with NewJurisdiction from the
// states' current aggregates, and build a new one when one of them changes;
// it is immutable and safe for concurrent use.
type Jurisdiction struct {
	states []indexedState
}

type indexedState struct {
	code       domain.StateCode
	area       *geo.AreaIndex
	neighbours []domain.StateCode
	borders    *geo.LineIndex // the lines to neighbours, in that order
}

// NewJurisdiction indexes the registered states among states; on a shared
// border, the first listed wins, as with Locate.
func NewJurisdiction(states ...*State) *Jurisdiction {
	j := &Jurisdiction{}
	for _, s := range states {
		if !s.Registered() {
			continue
		}
		ix := indexedState{code: s.code, area: geo.NewAreaIndex(s.territory), neighbours: s.Neighbours()}
		lines := make([]geo.Line, len(ix.neighbours))
		for i, c := range ix.neighbours {
			lines[i] = s.borders[c]
		}
		ix.borders = geo.NewLineIndex(lines)
		j.states = append(j.states, ix)
	}
	return j
}

// Locate finds the state whose territory holds pt, with the nearest of its
// declared land borders; ok is false when no state's territory holds pt.
func (j *Jurisdiction) Locate(pt geo.Point) (loc Location, ok bool) {
	s := j.stateOf(pt)
	if s == nil {
		return Location{}, false
	}
	loc.State = s.code
	if i, metres, found := s.borders.Nearest(pt); found {
		loc.Neighbour, loc.BorderDistance, loc.HasBorder = s.neighbours[i], metres, true
	}
	return loc, true
}

func (j *Jurisdiction) stateOf(pt geo.Point) *indexedState {
	for i := range j.states {
		if j.states[i].area.Contains(pt) {
			return &j.states[i]
		}
	}
	return nil
}

func (j *Jurisdiction) codeOf(pt geo.Point) domain.StateCode {
	if s := j.stateOf(pt); s != nil {
		return s.code
	}
	return domain.StateCode{}
}

// Crossing is a change of state between two consecutive positions of a
// unit. A zero From or To is outside every known territory (at sea, or
// beyond the states the jurisdiction knows).
type Crossing struct {
	From, To domain.StateCode
	// At is where the path left From: a point within CrossingTolerance of
	// the boundary of From's territory, on the straight path between the
	// two positions.
	At geo.Point
}

// CrossingTolerance is how close to the boundary Crossing places the
// crossing point, in metres.
const CrossingTolerance = 0.5

// Crossing reports whether a unit that moved from prev to next changed
// state, and where. Where the straight path between them crosses borders
// more than once, At is one of the points where it leaves From.
func (j *Jurisdiction) Crossing(prev, next geo.Point) (Crossing, bool) {
	from, to := j.codeOf(prev), j.codeOf(next)
	if from == to {
		return Crossing{}, false
	}
	// Bisect the path, keeping lo in From and hi out of it.
	lo, hi := prev, next
	for range 64 {
		if geo.Distance(lo, hi) <= 2*CrossingTolerance {
			break
		}
		mid := geo.Between(lo, hi, 0.5)
		if j.codeOf(mid) == from {
			lo = mid
		} else {
			hi = mid
		}
	}
	return Crossing{From: from, To: to, At: geo.Between(lo, hi, 0.5)}, true
}
