package commands

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// Error kinds of the application layer, besides the domain's
// (domain.ErrInvalid, ErrRejected, ErrForbidden, ErrNotFound).
var (
	// ErrConflict: the stream changed between load and append more often
	// than the handler retries. The client may retry the same command.
	ErrConflict = errors.New("concurrent modification")
	// ErrCommandIDReused: a command ID came back with a different command
	// (another use case, principal or body). Command IDs are single-use.
	ErrCommandIDReused = errors.New("command id reused for a different command")
)

// CommandID is the client-chosen identity of one command.
type CommandID uuid.UUID

// ParseCommandID parses a UUID; the nil UUID is refused.
func ParseCommandID(s string) (CommandID, error) {
	u, err := uuid.Parse(s)
	if err != nil || u == uuid.Nil {
		var p domain.Problems
		p.Add("command_id", "want a non-nil UUID")
		return CommandID{}, p.Err()
	}
	return CommandID(u), nil
}

// String renders the UUID.
func (c CommandID) String() string { return uuid.UUID(c).String() }

// IsZero reports whether c is unset.
func (c CommandID) IsZero() bool { return c == CommandID{} }

// Envelope is what an append records about the command besides its events.
type Envelope struct {
	CommandID CommandID
	// CorrelationID ties together everything one user action caused.
	CorrelationID uuid.UUID
	// Operation the events belong to, when there is one.
	Operation domain.OperationID
}

// Appended is the event log's answer to a successful append.
type Appended struct {
	// Position is the global log position of the append's last event,
	// opaque to this layer.
	Position string
	// Version is the stream's number of events after the append.
	Version uint64
}

// EventLog is the event store as the command handlers need it: streams of
// domain events, loaded from a version and appended to at a version.
// Implementations must be safe for concurrent use.
type EventLog interface {
	// Load calls fold with the events of stream from index from (an
	// aggregate's Version) on, in order, and returns the stream's version
	// after the last of them. An event of a type this build does not know
	// is folded with a nil Payload, so the aggregate counts it (Replay
	// skips it) and its Version stays the stream's. A stream without events
	// has version 0.
	Load(ctx context.Context, stream string, from uint64, fold func(domain.Event)) (version uint64, err error)
	// Append appends events to stream if it holds exactly version events,
	// durably, deriving each event's ID from env.CommandID and its index so
	// that a repeated append of the same command is answered with the first
	// result and writes nothing. A stream that moved on fails with an error
	// that Is ErrConflict.
	Append(ctx context.Context, stream string, version uint64, env Envelope, events []domain.Event) (Appended, error)
	// Find looks for the events a command appended to stream among the
	// stream's recent events: the trace of a command whose append landed
	// but whose outcome was never recorded (a crash in between). ok is
	// false when they are not there.
	Find(ctx context.Context, stream string, cmd CommandID) (f Found, ok bool, err error)
}

// Found is what the log holds of one command's append.
type Found struct {
	Appended
	// Events is how many events the command appended.
	Events int
	// LateBy is the largest lateness among them.
	LateBy time.Duration
}

// Outcome is the recorded answer to one command.
type Outcome struct {
	// Fingerprint identifies the command (use case, principal, body): a
	// command ID coming back with another fingerprint is a reuse.
	Fingerprint [32]byte
	// Accepted is set when the command was accepted.
	Accepted *Accepted
	// Refusal is set when it was refused.
	Refusal *Refusal
}

// Outcomes records the outcome of every command by its ID. Put of an ID
// already recorded keeps the first outcome. Implementations are durable and
// safe for concurrent use.
type Outcomes interface {
	Get(ctx context.Context, id CommandID) (Outcome, bool, error)
	Put(ctx context.Context, id CommandID, o Outcome) error
}

// Clock is the server's clock: recorded_at of every event.
type Clock func() time.Time

// Snapshot is the saved state of an aggregate after the first Version
// events of its stream (domain.Snapshotter's encoding).
type Snapshot struct {
	Version uint64
	Data    []byte
}

// Snapshots keeps snapshots of aggregates so that a cold aggregate is
// restored from its latest snapshot and folds only the events recorded
// after it. It is a cache: the event log stays the truth, and a snapshot
// that is missing, unreadable or not the log's is simply not used.
// Implementations are safe for concurrent use.
type Snapshots interface {
	// Load returns the latest intact snapshot of stream whose Version is at
	// most max; ok is false when there is none. A stored snapshot that no
	// longer reads back as it was saved (corruption) is passed over.
	Load(ctx context.Context, stream string, max uint64) (s Snapshot, ok bool, err error)
	// Save keeps s as a snapshot of stream, replacing one saved before at
	// the same version; s.Version is at least 1.
	Save(ctx context.Context, stream string, s Snapshot) error
}
