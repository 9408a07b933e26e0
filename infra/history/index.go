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
// payload. Strings and actors repeat, so they are interned per chunk (see
// chunkData): an entry takes 64 bytes.
type entry struct {
	pos      eventstore.Position
	stream   int32 // index in chunkData.streams
	typ      int32 // index in chunkData.types
	actor    int32 // index in chunkData.actors
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

// opIndex is the index of one operation: its entries in chunks of
// Config.ChunkSize, the full ones in chunks and the one being filled in
// tail. chunks, the tail's slices and snapshots only grow (until a Reset
// or Restore replaces the whole index): a reader may keep the slices it
// took under History.mu and read them without the lock.
type opIndex struct {
	id        domain.OperationID
	chunks    []*chunk
	tail      chunkBuilder
	snapshots []snapshot
	members   []domain.AgencyID // every agency that ever took part, in order of joining

	// Owned by the goroutine applying events (History.applyMu).
	live         *board.Board // the board folded to the last entry; nil until needed
	dirtyChunks  map[int]bool
	dirtySnaps   []int
	dirtyMembers bool
	// handedOut is how many chunks were full at the previous checkpoint:
	// those parts were handed out then, so they are saved by now (or
	// pending in the checkpoint store after a failed save).
	handedOut int
	// resident is the first chunk whose entries were not dropped; every
	// chunk before it was.
	resident int
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
	return &opIndex{id: id, tail: newChunkBuilder(), dirtyChunks: map[int]bool{}}
}

// add appends an entry to the tail and, when that fills it, seals it into
// a chunk. Called with History.mu held for writing.
func (x *opIndex) add(e entry, stream, typ string, actor domain.Actor, chunkSize int) {
	x.tail.add(e, stream, typ, actor, chunkSize)
	if len(x.tail.data.entries) < chunkSize {
		return
	}
	var before *chunk
	if len(x.chunks) > 0 {
		before = x.chunks[len(x.chunks)-1]
	}
	x.chunks = append(x.chunks, newChunk(&x.tail.data, before))
	x.tail = newChunkBuilder()
}

// count returns how many entries the index holds.
func (x *opIndex) count(chunkSize int) int {
	return len(x.chunks)*chunkSize + len(x.tail.data.entries)
}

// view is a consistent read-only view of an operation's index.
type view struct {
	id        domain.OperationID
	chunkSize int
	chunks    []*chunk  // the full chunks
	tail      chunkData // the chunk being filled, as it was
	snapshots []snapshot
}

func (x *opIndex) view(chunkSize int) view {
	return view{id: x.id, chunkSize: chunkSize, chunks: slices.Clip(x.chunks), tail: x.tail.data.clip(), snapshots: slices.Clip(x.snapshots)}
}

// len returns how many entries the view holds.
func (v view) len() int { return len(v.chunks)*v.chunkSize + len(v.tail.entries) }

// snapshotBefore returns the latest snapshot of at most n events, if any.
func (v view) snapshotBefore(n int) (snapshot, bool) {
	i, _ := slices.BinarySearchFunc(v.snapshots, n+1, func(s snapshot, n int) int { return s.events - n })
	if i == 0 {
		return snapshot{}, false
	}
	return v.snapshots[i-1], true
}

// entriesUpTo returns how many of entries are at or before p.
func entriesUpTo(entries []entry, p eventstore.Position) int {
	i, found := slices.BinarySearchFunc(entries, p, func(e entry, p eventstore.Position) int { return e.pos.Compare(p) })
	if found {
		return i + 1
	}
	return i
}

// dirEntry is one agency directory event, kept whole: directory events are
// few, and every frame folds those before its position.
type dirEntry struct {
	pos eventstore.Position
	env projections.Envelope
}
