package history

import (
	"slices"
	"sync/atomic"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// entry is what the index knows of one event of an operation, without its
// payload.
// Strings and actors repeat, so they are interned per operation: an entry
// takes 64 bytes.
type entry struct {
	pos      eventstore.Position
	stream   int32 // index in opIndex.streams
	typ      int32 // index in opIndex.types
	actor    int32 // index in opIndex.actors
	revision uint64
	recorded int64 // unix nanoseconds, server clock
	occurred int64 // unix nanoseconds, field clock
	lateBy   int64 // nanoseconds; 0 when not late
}

// snapshot is a saved board of an operation after its first events events,
// the operation's snapshot number n (its checkpoint part).
type snapshot struct {
	pos    eventstore.Position
	events int
	n      int
	blob   *snapshotBlob
}

// snapshotBlob holds a snapshot's encoded board while it is in memory.
// Once its checkpoint part is saved and History can load parts, the bytes
// are dropped and read back when a frame needs them: an operation's
// snapshots grow with the square of its length, its index only linearly.
type snapshotBlob struct{ p atomic.Pointer[[]byte] }

func newSnapshotBlob(data []byte) *snapshotBlob {
	b := &snapshotBlob{}
	b.p.Store(&data)
	return b
}

// bytes returns the board bytes, or nil once dropped.
func (b *snapshotBlob) bytes() []byte {
	if p := b.p.Load(); p != nil {
		return *p
	}
	return nil
}

func (b *snapshotBlob) drop() { b.p.Store(nil) }

// opIndex is the index of one operation. entries, streams, types and
// snapshots only grow (until a Reset or Restore replaces the whole index):
// a reader may keep the slices it took under History.mu and read them
// without the lock.
type opIndex struct {
	id        domain.OperationID
	entries   []entry
	streams   []string
	streamIDs map[string]int32
	types     []string
	typeIDs   map[string]int32
	actors    []domain.Actor
	actorIDs  map[domain.Actor]int32
	snapshots []snapshot
	members   []domain.AgencyID // every agency that ever took part, in order of joining

	// Owned by the goroutine applying events (History.applyMu).
	live         *board.Board // the board folded to the last entry; nil until needed
	dirtyChunks  map[int]bool
	dirtySnaps   []int
	dirtyMembers bool
}

// join records the agencies an event makes take part in the operation and
// reports whether any was new.
func (x *opIndex) join(p domain.Payload) bool {
	var joined []domain.AgencyID
	switch e := p.(type) {
	case *operation.Proposed:
		joined = append([]domain.AgencyID{e.Lead}, e.Participants...)
	case *operation.ParticipantAdded:
		joined = []domain.AgencyID{e.Agency}
	}
	changed := false
	for _, a := range joined {
		if !a.IsZero() && !slices.Contains(x.members, a) {
			x.members = append(x.members, a)
			changed = true
		}
	}
	return changed
}

func newOpIndex(id domain.OperationID) *opIndex {
	return &opIndex{id: id, streamIDs: map[string]int32{}, typeIDs: map[string]int32{}, actorIDs: map[domain.Actor]int32{}, dirtyChunks: map[int]bool{}}
}

func (x *opIndex) stream(s string) int32 {
	if id, ok := x.streamIDs[s]; ok {
		return id
	}
	id := int32(len(x.streams))
	x.streams = append(x.streams, s)
	x.streamIDs[s] = id
	return id
}

func (x *opIndex) typeID(t string) int32 {
	if id, ok := x.typeIDs[t]; ok {
		return id
	}
	id := int32(len(x.types))
	x.types = append(x.types, t)
	x.typeIDs[t] = id
	return id
}

func (x *opIndex) actor(a domain.Actor) int32 {
	if id, ok := x.actorIDs[a]; ok {
		return id
	}
	id := int32(len(x.actors))
	x.actors = append(x.actors, a)
	x.actorIDs[a] = id
	return id
}

// view is a consistent read-only view of an operation's index.
type view struct {
	id        domain.OperationID
	entries   []entry
	streams   []string
	types     []string
	actors    []domain.Actor
	snapshots []snapshot
}

func (x *opIndex) view() view {
	return view{id: x.id, entries: slices.Clip(x.entries), streams: slices.Clip(x.streams), types: slices.Clip(x.types),
		actors: slices.Clip(x.actors), snapshots: slices.Clip(x.snapshots)}
}

// upTo returns how many entries are at or before p.
func (v view) upTo(p eventstore.Position) int {
	i, found := slices.BinarySearchFunc(v.entries, p, func(e entry, p eventstore.Position) int { return e.pos.Compare(p) })
	if found {
		return i + 1
	}
	return i
}

// snapshotBefore returns the latest snapshot of at most n events, if any.
func (v view) snapshotBefore(n int) (snapshot, bool) {
	i, _ := slices.BinarySearchFunc(v.snapshots, n+1, func(s snapshot, n int) int { return s.events - n })
	if i == 0 {
		return snapshot{}, false
	}
	return v.snapshots[i-1], true
}

// dirEntry is one agency directory event, kept whole: directory events are
// few, and every frame folds those before its position.
type dirEntry struct {
	pos eventstore.Position
	env projections.Envelope
}
