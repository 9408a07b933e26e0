package projections

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/marking"
)

// Directory knows the state of every registered agency, from the agency
// reference events, so that an agency becomes a marking.Viewer (a
// releasable-to list may name states). Boards use it for the live view,
// history for the view as of a past position. It is not safe for
// concurrent use.
type Directory struct {
	states map[domain.AgencyID]domain.StateCode
}

// NewDirectory returns a Directory that knows no agency yet.
func NewDirectory() *Directory {
	return &Directory{states: map[domain.AgencyID]domain.StateCode{}}
}

// IsDirectoryEvent reports whether p is an event the Directory folds.
func IsDirectoryEvent(p domain.Payload) bool {
	r, ok := p.(*agency.Registered)
	return ok && !r.AgencyID.IsZero()
}

// Apply folds one event and reports whether it changed the directory;
// events other than agency registrations are ignored.
func (d *Directory) Apply(p domain.Payload) bool {
	if !IsDirectoryEvent(p) {
		return false
	}
	r := p.(*agency.Registered)
	if old, ok := d.states[r.AgencyID]; ok && old == r.State {
		return false
	}
	d.states[r.AgencyID] = r.State
	return true
}

// Viewer returns the viewer of agency a; an agency not (yet) registered
// has no state, so releases to states never reach it.
func (d *Directory) Viewer(a domain.AgencyID) marking.Viewer {
	return marking.Viewer{Agency: a, State: d.states[a]}
}

// Len returns the number of agencies the directory knows.
func (d *Directory) Len() int { return len(d.states) }

// Clone returns an independent copy of d.
func (d *Directory) Clone() *Directory {
	return &Directory{states: maps.Clone(d.states)}
}

// directoryVersion is the format of the directory's snapshot. Version 1 is
// the format of the private directory infra/boards kept before this type:
// its checkpoints restore unchanged.
const directoryVersion = 1

type directorySnapshot struct {
	Version int                                  `json:"v"`
	States  map[domain.AgencyID]domain.StateCode `json:"states"`
}

// MarshalBinary returns the directory's snapshot.
func (d *Directory) MarshalBinary() ([]byte, error) {
	return json.Marshal(directorySnapshot{Version: directoryVersion, States: d.states})
}

// UnmarshalBinary replaces the directory with a snapshot's; an error wraps
// ErrSnapshotVersion or ErrSnapshotCorrupt and leaves d unchanged.
func (d *Directory) UnmarshalBinary(data []byte) error {
	var s directorySnapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("restore agency directory: %w: %w", ErrSnapshotCorrupt, err)
	}
	if s.Version != directoryVersion {
		return fmt.Errorf("restore agency directory: version %d: %w", s.Version, ErrSnapshotVersion)
	}
	if s.States == nil {
		s.States = map[domain.AgencyID]domain.StateCode{}
	}
	d.states = s.States
	return nil
}
