package compliance

import (
	"encoding/json"
	"fmt"

	"github.com/jointops/jointops/projections"
)

// snapshotVersion is the format version of every snapshot of the fold. A
// change of what the fold keeps is a new version; an older snapshot is
// then refused with projections.ErrSnapshotVersion and the policy rebuilt
// from the log.
const snapshotVersion = 1

// Kinds of snapshot, so that one is never restored as another.
const (
	kindWhole     = "whole"
	kindReference = "reference"
	kindState     = "state"
)

type snapshotJSON struct {
	Version int    `json:"version"`
	Kind    string `json:"kind"`
	Data    *data  `json:"data"`
}

// MarshalBinary saves the whole fold: a versioned JSON document.
func (p *Policy) MarshalBinary() ([]byte, error) { return p.marshal(kindWhole, p.d) }

// ReferenceCount is the number of state and agreement events folded. It
// changes only when one arrives, so a runner saves the reference part —
// territories of thousands of vertices — only then.
func (p *Policy) ReferenceCount() int { return len(p.d.Refs) }

// MarshalReference saves the reference data (states and agreements).
func (p *Policy) MarshalReference() ([]byte, error) {
	return p.marshal(kindReference, &data{Refs: p.d.Refs})
}

// MarshalState saves everything but the reference data.
func (p *Policy) MarshalState() ([]byte, error) {
	d := *p.d
	d.Refs = nil
	return p.marshal(kindState, &d)
}

func (p *Policy) marshal(kind string, d *data) ([]byte, error) {
	b, err := json.Marshal(snapshotJSON{Version: snapshotVersion, Kind: kind, Data: d})
	if err != nil {
		return nil, fmt.Errorf("compliance policy: snapshot: %w", err)
	}
	return b, nil
}

// UnmarshalBinary restores a snapshot of MarshalBinary, replacing the
// fold. A snapshot of another version fails with
// projections.ErrSnapshotVersion, an unusable one with
// projections.ErrSnapshotCorrupt; the policy is then left empty.
func (p *Policy) UnmarshalBinary(b []byte) error {
	p.Reset()
	d, err := unmarshal(b, kindWhole)
	if err == nil {
		err = p.restore(d)
	}
	return err
}

// UnmarshalParts restores the parts of MarshalReference and MarshalState,
// with the errors of UnmarshalBinary.
func (p *Policy) UnmarshalParts(reference, state []byte) error {
	p.Reset()
	ref, err := unmarshal(reference, kindReference)
	if err != nil {
		return err
	}
	d, err := unmarshal(state, kindState)
	if err != nil {
		return err
	}
	d.Refs = ref.Refs
	return p.restore(d)
}

func unmarshal(b []byte, kind string) (*data, error) {
	var head struct {
		Version int             `json:"version"`
		Kind    string          `json:"kind"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("compliance policy: restore: %w: %v", projections.ErrSnapshotCorrupt, err)
	}
	if head.Version != snapshotVersion {
		return nil, fmt.Errorf("compliance policy: restore: version %d, this build reads %d: %w",
			head.Version, snapshotVersion, projections.ErrSnapshotVersion)
	}
	if head.Kind != kind {
		return nil, fmt.Errorf("compliance policy: restore: a %q snapshot, want %q: %w", head.Kind, kind, projections.ErrSnapshotCorrupt)
	}
	if len(head.Data) == 0 || string(head.Data) == "null" {
		return nil, fmt.Errorf("compliance policy: restore: no data: %w", projections.ErrSnapshotCorrupt)
	}
	d := newData()
	if err := json.Unmarshal(head.Data, d); err != nil {
		return nil, fmt.Errorf("compliance policy: restore: %w: %v", projections.ErrSnapshotCorrupt, err)
	}
	d.fillMaps()
	return d, nil
}

// restore installs d and rebuilds what is derived from it; on an error
// the policy is left empty.
func (p *Policy) restore(d *data) error {
	p.d = d
	if err := p.replayRefs(); err != nil {
		p.Reset()
		return fmt.Errorf("compliance policy: restore: %w", err)
	}
	p.recomputeNextDue()
	return nil
}
