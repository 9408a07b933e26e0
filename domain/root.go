package domain

import "slices"

// Aggregate is what the application layer needs from every aggregate to
// load it from its stream, run a decision and append the result.
// Aggregates are not safe for concurrent use.
type Aggregate interface {
	// Stream is the name of the aggregate's stream, e.g. "operation-<id>".
	Stream() string
	// Version is the number of the stream's events folded into the
	// aggregate: replayed ones plus committed changes. Append the changes
	// expecting no stream when it is zero, else revision Version-1.
	Version() uint64
	// Replay folds one recorded event of the stream into the aggregate. It
	// never fails: unknown event types are skipped, so old code can read
	// newer streams.
	Replay(e Event)
	// Changes returns the events raised since loading or the last Commit,
	// in order.
	Changes() []Event
	// Commit marks the changes as appended, so a cached aggregate can take
	// the next command without being reloaded.
	Commit()
}

// Root is the bookkeeping every aggregate shares: its stream, how many
// events it has folded and the events raised but not yet appended. An
// aggregate keeps it in an unexported field and forwards the Aggregate
// methods, so that nothing outside can record events on its behalf.
type Root struct {
	stream  string
	version uint64
	changes []Event
}

// NewRoot returns the bookkeeping of the aggregate of stream.
func NewRoot(stream string) Root { return Root{stream: stream} }

// Stream returns the stream name.
func (r *Root) Stream() string { return r.stream }

// Version returns the number of events folded from the stream.
func (r *Root) Version() uint64 { return r.version }

// Changes returns a copy of the uncommitted events.
func (r *Root) Changes() []Event { return slices.Clone(r.changes) }

// Commit counts the changes as folded and forgets them.
func (r *Root) Commit() {
	r.version += uint64(len(r.changes))
	r.changes = nil
}

// Replayed counts one recorded event folded by Replay.
func (r *Root) Replayed() { r.version++ }

// Record keeps an event raised by a decision (already applied to state).
func (r *Root) Record(e Event) { r.changes = append(r.changes, e) }
