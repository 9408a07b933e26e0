package boards

import (
	"encoding/json"
	"fmt"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/projections"
)

// directory knows the state of every registered agency, from the agency
// reference events, so that a principal's agency becomes a marking.Viewer
// (a releasable-to list may name states). It is not safe for concurrent
// use.
type directory struct {
	states map[domain.AgencyID]domain.StateCode
}

func newDirectory() *directory {
	return &directory{states: map[domain.AgencyID]domain.StateCode{}}
}

// apply folds one event and reports whether it changed the directory.
func (d *directory) apply(p domain.Payload) bool {
	r, ok := p.(*agency.Registered)
	if !ok || r.AgencyID.IsZero() {
		return false
	}
	d.states[r.AgencyID] = r.State
	return true
}

// viewer returns the viewer of agency a; an agency not (yet) registered
// has no state, so releases to states never reach it.
func (d *directory) viewer(a domain.AgencyID) marking.Viewer {
	return marking.Viewer{Agency: a, State: d.states[a]}
}

// directoryVersion is the format of the directory's checkpoint part.
const directoryVersion = 1

type directorySnapshot struct {
	Version int                                  `json:"v"`
	States  map[domain.AgencyID]domain.StateCode `json:"states"`
}

// MarshalBinary returns the directory's checkpoint part.
func (d *directory) MarshalBinary() ([]byte, error) {
	return json.Marshal(directorySnapshot{Version: directoryVersion, States: d.states})
}

// UnmarshalBinary replaces the directory with a checkpoint part's; an
// error wraps projections.ErrSnapshotVersion or ErrSnapshotCorrupt and
// leaves d unchanged.
func (d *directory) UnmarshalBinary(data []byte) error {
	var s directorySnapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("restore agency directory: %w: %w", projections.ErrSnapshotCorrupt, err)
	}
	if s.Version != directoryVersion {
		return fmt.Errorf("restore agency directory: version %d: %w", s.Version, projections.ErrSnapshotVersion)
	}
	if s.States == nil {
		s.States = map[domain.AgencyID]domain.StateCode{}
	}
	d.states = s.States
	return nil
}
