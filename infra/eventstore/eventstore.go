package eventstore

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Position is a place in the global log ($all). Positions are opaque and
// totally ordered: compare them only with Compare/Less. The embedded store
// uses a dense sequence (Commit == Prepare == 1, 2, 3 …); EventStoreDB uses
// transaction-file byte offsets, where the events of one append share a
// commit offset and differ in their prepare offsets.
type Position struct {
	Commit  uint64
	Prepare uint64
}

// Compare returns -1, 0 or +1 as p is before, equal to or after q.
func (p Position) Compare(q Position) int {
	switch {
	case p.Commit < q.Commit:
		return -1
	case p.Commit > q.Commit:
		return 1
	case p.Prepare < q.Prepare:
		return -1
	case p.Prepare > q.Prepare:
		return 1
	}
	return 0
}

// Less reports whether p comes before q in the log.
func (p Position) Less(q Position) bool { return p.Compare(q) < 0 }

// String renders the position as "commit/prepare"; ParsePosition reverses it.
func (p Position) String() string {
	return strconv.FormatUint(p.Commit, 10) + "/" + strconv.FormatUint(p.Prepare, 10)
}

// ParsePosition parses the "commit/prepare" form written by Position.String.
func ParsePosition(s string) (Position, error) {
	c, pr, ok := strings.Cut(s, "/")
	if !ok {
		return Position{}, fmt.Errorf("position %q: want commit/prepare", s)
	}
	commit, err := strconv.ParseUint(c, 10, 64)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: commit: %w", s, err)
	}
	prepare, err := strconv.ParseUint(pr, 10, 64)
	if err != nil {
		return Position{}, fmt.Errorf("position %q: prepare: %w", s, err)
	}
	return Position{Commit: commit, Prepare: prepare}, nil
}

// Cursor says where a read or a subscription of the global log begins.
// The zero value is Start.
type Cursor struct {
	pos  Position
	kind cursorKind
}

type cursorKind uint8

const (
	cursorStart cursorKind = iota
	cursorEnd
	cursorAt
)

// Start is the beginning of the log: a forwards read or a subscription from
// Start sees the first event.
var Start = Cursor{kind: cursorStart}

// End is the end of the log: a backwards read from End sees the last event
// first; a subscription from End sees only events appended after it began.
var End = Cursor{kind: cursorEnd}

// After is the cursor just past p in the direction of reading, exclusive of
// p itself: forwards it yields events after p, backwards events before p.
// Reading page after page is therefore After(last.Position) each time, and a
// consumer resuming from its checkpoint uses After(checkpoint).
func After(p Position) Cursor { return Cursor{pos: p, kind: cursorAt} }

// IsStart reports whether c is Start.
func (c Cursor) IsStart() bool { return c.kind == cursorStart }

// IsEnd reports whether c is End.
func (c Cursor) IsEnd() bool { return c.kind == cursorEnd }

// Position returns the position of an After cursor; ok is false for Start
// and End.
func (c Cursor) Position() (p Position, ok bool) { return c.pos, c.kind == cursorAt }

func (c Cursor) String() string {
	switch c.kind {
	case cursorStart:
		return "start"
	case cursorEnd:
		return "end"
	}
	return "after " + c.pos.String()
}

// Direction is the direction of a read.
type Direction uint8

const (
	// Forwards reads in increasing revision or position.
	Forwards Direction = iota
	// Backwards reads in decreasing revision or position.
	Backwards
)

func (d Direction) String() string {
	if d == Backwards {
		return "backwards"
	}
	return "forwards"
}

// StreamEnd, as the from revision of a backwards ReadStream, starts at the
// stream's last event.
const StreamEnd uint64 = math.MaxUint64

// ExpectedRevision is the optimistic-concurrency condition of an append.
// The zero value is Any.
type ExpectedRevision struct {
	n    uint64
	kind expectedKind
}

type expectedKind uint8

const (
	expectAny expectedKind = iota
	expectNoStream
	expectStreamExists
	expectExact
)

// Any appends whatever the stream's state.
func Any() ExpectedRevision { return ExpectedRevision{kind: expectAny} }

// NoStream appends only if the stream has no event yet.
func NoStream() ExpectedRevision { return ExpectedRevision{kind: expectNoStream} }

// StreamExists appends only if the stream has at least one event.
func StreamExists() ExpectedRevision { return ExpectedRevision{kind: expectStreamExists} }

// Exact appends only if the stream's last event has revision n.
func Exact(n uint64) ExpectedRevision { return ExpectedRevision{n: n, kind: expectExact} }

// IsAny, IsNoStream and IsStreamExists report the kind of condition.
func (e ExpectedRevision) IsAny() bool          { return e.kind == expectAny }
func (e ExpectedRevision) IsNoStream() bool     { return e.kind == expectNoStream }
func (e ExpectedRevision) IsStreamExists() bool { return e.kind == expectStreamExists }

// Exact returns the revision of an Exact condition; ok is false otherwise.
func (e ExpectedRevision) Exact() (n uint64, ok bool) { return e.n, e.kind == expectExact }

// Satisfied reports whether a stream whose last revision is last (exists is
// false for a stream without events) meets the condition.
func (e ExpectedRevision) Satisfied(last uint64, exists bool) bool {
	switch e.kind {
	case expectNoStream:
		return !exists
	case expectStreamExists:
		return exists
	case expectExact:
		return exists && last == e.n
	}
	return true
}

func (e ExpectedRevision) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectStreamExists:
		return "stream exists"
	case expectExact:
		return strconv.FormatUint(e.n, 10)
	}
	return "any"
}

// StreamState is what a stream actually is at the time of an append: absent,
// or with its last revision. It is carried by WrongExpectedRevisionError.
type StreamState struct {
	Exists   bool
	Revision uint64
}

func (s StreamState) String() string {
	if !s.Exists {
		return "no stream"
	}
	return strconv.FormatUint(s.Revision, 10)
}

// EventData is an event to append. ID identifies the event forever: appending
// the same IDs again is a retry and is answered with the first result.
type EventData struct {
	ID            uuid.UUID
	Type          string // stable type name, e.g. "jointops.operation.activated"
	SchemaVersion uint32 // version of the payload schema for Type, ≥ 1
	Data          []byte // payload, JSON by convention
	Metadata      []byte // envelope metadata, JSON by convention; may be empty
}

// RecordedEvent is an event as stored in the log.
type RecordedEvent struct {
	ID            uuid.UUID
	Type          string
	SchemaVersion uint32
	Stream        string
	Revision      uint64   // 0 for the first event of its stream
	Position      Position // place in the global log
	RecordedAt    time.Time
	Data          []byte
	Metadata      []byte
	// Hash is the chain link of this event in its stream:
	// ChainLink(hash of the previous event of the stream, this event).
	Hash Hash
}

// AppendResult is the outcome of a successful append.
type AppendResult struct {
	// NextExpectedRevision is the revision of the stream's last event after
	// the append: pass Exact(NextExpectedRevision) to append after it.
	NextExpectedRevision uint64
	// Position is the global position of the append's last event (for
	// EventStoreDB, the commit position of the append's transaction). It is
	// never before the positions of the appended events.
	Position Position
}

// Filter narrows a subscription. The zero value matches every event.
// Streams whose names begin with "$" belong to the store itself and are never
// delivered.
type Filter struct {
	// Stream, if set, matches only that stream.
	Stream string
	// StreamPrefix, if set, matches streams whose names begin with it.
	StreamPrefix string
}

// Match reports whether an event of the named stream passes the filter.
func (f Filter) Match(stream string) bool {
	if strings.HasPrefix(stream, "$") {
		return false
	}
	if f.Stream != "" && stream != f.Stream {
		return false
	}
	return strings.HasPrefix(stream, f.StreamPrefix)
}

// Reader is the read side of the log.
type Reader interface {
	// ReadStream returns up to limit events of one stream starting at
	// revision from, inclusive, in the given direction. Backwards from
	// StreamEnd starts at the last event. Reading past either end returns
	// fewer events (possibly none) and no error. A stream that has no event
	// yields an error that Is ErrStreamNotFound. limit must be ≥ 1.
	ReadStream(ctx context.Context, stream string, dir Direction, from uint64, limit int) ([]RecordedEvent, error)

	// ReadAll returns up to limit events of the global log from the cursor
	// (exclusive of an After position) in the given direction. limit ≥ 1.
	ReadAll(ctx context.Context, dir Direction, from Cursor, limit int) ([]RecordedEvent, error)

	// Head returns the position of the last event in the log; ok is false
	// when the log is empty.
	Head(ctx context.Context) (p Position, ok bool, err error)
}

// Store is the event log port. All methods are safe for concurrent use.
type Store interface {
	Reader

	// Append atomically appends events to the end of stream if expected is
	// satisfied, and returns the stream's new last revision and the global
	// position of the append. It returns only once the events are durable.
	//
	// If expected is not satisfied, it returns a *WrongExpectedRevisionError
	// (Is ErrWrongExpectedRevision) and appends nothing. If every event ID
	// was already appended to this stream by an earlier call with the same
	// events (a retry), it returns that earlier call's result and appends
	// nothing, whatever expected says. A batch mixing new and already stored
	// IDs, or reusing an ID of another stream, fails with an error that Is
	// ErrDuplicateEventID. Stream names must be non-empty and must not begin
	// with "$"; event types must be non-empty; schema versions ≥ 1 —
	// otherwise ErrInvalidArgument. Appending no events checks expected and
	// returns the current state.
	Append(ctx context.Context, stream string, expected ExpectedRevision, events ...EventData) (AppendResult, error)

	// SubscribeAll delivers the events matching filter from the cursor on:
	// first the stored ones (catch-up), then live ones as they are appended,
	// strictly in log order, with no gap and no duplicate, also while appends
	// race with the hand-over from catch-up to live. A subscriber that does
	// not keep up never slows or blocks appends: it falls back to reading the
	// log. The subscription ends when ctx is done or Close is called.
	SubscribeAll(ctx context.Context, from Cursor, filter Filter) (Subscription, error)

	// Close releases the store. Calls after Close fail with ErrClosed.
	Close() error
}

// Subscription is a live, ordered feed of recorded events.
type Subscription interface {
	// Next blocks until the next event, ctx is done (returning ctx.Err()),
	// the subscription was closed (ErrClosed) or it failed. Events come in
	// strictly increasing position. Next must not be called concurrently.
	Next(ctx context.Context) (RecordedEvent, error)
	// Close ends the subscription; a blocked Next returns ErrClosed.
	Close() error
}
