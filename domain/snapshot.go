package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Snapshotter is an aggregate whose state can be written down and restored,
// so that loading it need not fold its whole stream: restore the latest
// snapshot, then replay the events recorded after it. A snapshot is a cache
// of a fold, never a fact: restoring a snapshot taken after v events and
// replaying the events from v on must leave the aggregate exactly as
// replaying every event does, and whatever cannot be restored is simply
// folded from the stream again.
type Snapshotter interface {
	Aggregate
	// Snapshot encodes the state of the Version() events folded so far, in
	// the aggregate's current snapshot format. It is refused while changes
	// are pending: a snapshot holds recorded events only.
	Snapshot() ([]byte, error)
	// RestoreSnapshot sets a fresh aggregate (nothing replayed, nothing
	// raised) to the state b encodes, as if version events had been
	// replayed. A snapshot of another kind, of another aggregate, of a
	// format this build does not read, or that does not parse, is refused
	// with an error that Is ErrSnapshotUnusable; the aggregate must then be
	// discarded.
	RestoreSnapshot(version uint64, b []byte) error
}

// ErrSnapshotUnusable is the kind of every refusal of RestoreSnapshot: the
// caller ignores the snapshot and folds the stream from its start.
var ErrSnapshotUnusable = errors.New("snapshot unusable")

// snapshotEnvelope is the outer form of every snapshot: which kind of
// aggregate it is of, the format of State, and State.
type snapshotEnvelope struct {
	Kind   string          `json:"kind"`
	Format uint32          `json:"format"`
	State  json.RawMessage `json:"state"`
}

// EncodeSnapshot writes state, the JSON form of an aggregate of kind in
// snapshot format number format. An aggregate bumps its format whenever
// the form of its state changes, so that no build misreads another's.
func EncodeSnapshot(kind string, format uint32, state any) ([]byte, error) {
	s, err := json.Marshal(state)
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", kind, err)
	}
	return json.Marshal(snapshotEnvelope{Kind: kind, Format: format, State: s})
}

// DecodeSnapshot reads into state a snapshot written by EncodeSnapshot for
// kind and format. Another kind or format, a field state does not have, or
// anything that does not parse is refused with an error that Is
// ErrSnapshotUnusable.
func DecodeSnapshot(b []byte, kind string, format uint32, state any) error {
	var env snapshotEnvelope
	if err := strictJSON(b, &env); err != nil {
		return fmt.Errorf("%w: %s snapshot: %w", ErrSnapshotUnusable, kind, err)
	}
	if env.Kind != kind {
		return fmt.Errorf("%w: a snapshot of %q, not of %q", ErrSnapshotUnusable, env.Kind, kind)
	}
	if env.Format != format {
		return fmt.Errorf("%w: %s snapshot format %d; this build reads format %d", ErrSnapshotUnusable, kind, env.Format, format)
	}
	if err := strictJSON(env.State, state); err != nil {
		return fmt.Errorf("%w: %s snapshot state: %w", ErrSnapshotUnusable, kind, err)
	}
	return nil
}

// strictJSON decodes exactly one JSON value of known fields.
func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

// CheckSnapshot refuses a snapshot while changes are pending.
func (r *Root) CheckSnapshot() error {
	if len(r.changes) > 0 {
		return fmt.Errorf("snapshot of %s: %d changes are pending", r.stream, len(r.changes))
	}
	return nil
}

// Restored counts version events as folded by restoring a snapshot; the
// aggregate must be fresh. Its error Is ErrSnapshotUnusable.
func (r *Root) Restored(version uint64) error {
	if r.version != 0 || len(r.changes) > 0 {
		return fmt.Errorf("%w: restore into %s, which already holds %d events and %d changes",
			ErrSnapshotUnusable, r.stream, r.version, len(r.changes))
	}
	if version == 0 {
		return fmt.Errorf("%w: a snapshot of %s after no events", ErrSnapshotUnusable, r.stream)
	}
	r.version = version
	return nil
}
