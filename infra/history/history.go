package history

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Name is the index projection's stable name: it names its consumer group
// and its checkpoint. Renaming it is a migration.
const Name = "history"

// History answers reads of operations' pasts from its index, which its
// Projection keeps current. Reads are safe for concurrent use with each
// other and with the projection's Apply.
type History struct {
	cfg Config
	log *slog.Logger

	// applyMu admits one Apply, Checkpoint, Restore or Reset at a time.
	applyMu     sync.Mutex
	router      *projections.Router // guarded by applyMu
	dirtyRouter bool                // guarded by applyMu
	dirtyDir    bool                // guarded by applyMu

	// mu guards the index below; readers take views of it.
	mu     sync.RWMutex
	ops    map[domain.OperationID]*opIndex
	dir    []dirEntry
	folded eventstore.Position // the last event folded; zero before any
	any    bool                // whether any event was folded

	// parts loads saved checkpoint parts (SetPartLoader); nil keeps the
	// whole index in memory.
	parts atomic.Pointer[PartLoader]
	// cache keeps the chunks loaded back from their parts last.
	cache *chunkCache
}

// New returns History with an empty index.
func New(cfg Config) (*History, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("history: new: %w", err)
	}
	h := &History{cfg: cfg, log: cfg.Logger.With(slog.String("component", "history")), cache: newChunkCache(cfg.ChunkCache)}
	h.empty()
	return h, nil
}

// empty sets the index to the state before any event. Called with applyMu
// held (or before h is shared).
func (h *History) empty() {
	h.router, h.dirtyRouter, h.dirtyDir = projections.NewRouter(), false, false
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ops = map[domain.OperationID]*opIndex{}
	h.dir = nil
	h.folded, h.any = eventstore.Position{}, false
	h.cache.clear()
}

// Projection returns the history index as the projector.Runner keeps it
// (name "history"): per operation, the position, stream, revision, times,
// type and actor of every event routed to it, and board snapshots every
// Config.SnapshotEvery events, saved in checkpoint parts exactly once.
func (h *History) Projection() projector.Projection { return (*projection)(h) }

// Head returns the position of the last event the index folded; ok is
// false before any.
func (h *History) Head() (p eventstore.Position, ok bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.folded, h.any
}

// Operations returns every operation the index knows, in ID order.
func (h *History) Operations() []domain.OperationID {
	h.mu.RLock()
	defer h.mu.RUnlock()
	ids := make([]domain.OperationID, 0, len(h.ops))
	for id := range h.ops {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, domain.OperationID.Compare)
	return ids
}

// TookPart reports whether agency took part in the operation at any time
// the index knows of (as lead or participant): who may read its history.
func (h *History) TookPart(op domain.OperationID, agency domain.AgencyID) (bool, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	x := h.ops[op]
	if x == nil {
		return false, fmt.Errorf("history: operation %s: %w", op, ErrUnknownOperation)
	}
	return slices.Contains(x.members, agency), nil
}

// index returns a view of op's index and the directory entries, with the
// position the index reached.
func (h *History) index(op domain.OperationID) (view, []dirEntry, eventstore.Position, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	x := h.ops[op]
	if x == nil {
		return view{}, nil, eventstore.Position{}, fmt.Errorf("operation %s: %w", op, ErrUnknownOperation)
	}
	return x.view(h.cfg.ChunkSize), slices.Clip(h.dir), h.folded, nil
}

// resolve turns a cursor into the position it stands for in an index that
// reached head: End is head, Start the zero position; a position after
// head is ErrNotIndexed.
func resolve(at eventstore.Cursor, head eventstore.Position) (eventstore.Position, error) {
	switch {
	case at.IsEnd():
		return head, nil
	case at.IsStart():
		return eventstore.Position{}, nil
	}
	p, _ := at.Position()
	if head.Less(p) {
		return eventstore.Position{}, fmt.Errorf("position %s after %s: %w", p, head, ErrNotIndexed)
	}
	return p, nil
}

// FrameAt folds the operation's history up to and including position at
// (eventstore.End = the head known to the index; Start = before any
// event): it restores the nearest stored snapshot at or before at and
// folds only the operation's events after it, read by stream, with the
// agency directory as of at.
func (h *History) FrameAt(ctx context.Context, op domain.OperationID, at eventstore.Cursor) (*Frame, error) {
	v, dir, head, err := h.index(op)
	if err != nil {
		return nil, fmt.Errorf("history: frame: %w", err)
	}
	pos, err := resolve(at, head)
	if err != nil {
		return nil, fmt.Errorf("history: frame of %s: %w", op, err)
	}
	f, err := h.frameAt(ctx, v, dir, pos)
	if err != nil {
		return nil, fmt.Errorf("history: frame of %s at %s: %w", op, pos, err)
	}
	return f, nil
}

func (h *History) frameAt(ctx context.Context, v view, dir []dirEntry, pos eventstore.Position) (*Frame, error) {
	n, err := h.upTo(ctx, v, pos)
	if err != nil {
		return nil, err
	}
	snap, fromSnapshot := v.snapshotBefore(n)
	from := 0
	if fromSnapshot {
		from = snap.events
	}
	// Read the events after the snapshot while it is restored.
	events := h.prefetch(ctx, v, from, n, selection{})
	b, err := h.startBoard(ctx, v.id, snap, fromSnapshot)
	if err != nil {
		events.stop()
		return nil, err
	}
	if b.Events() == 0 {
		// The snapshot was unusable: the events before it are needed too.
		events.stop()
		from, events = 0, h.prefetch(ctx, v, 0, n, selection{})
	}
	f := newFrame(v.id, b, directoryAt(dir, func(d *dirEntry) bool { return !pos.Less(d.pos) }), eventstore.Position{})
	if from > 0 {
		f.pos = snap.pos
	}
	err = events.each(func(env projections.Envelope, rec *eventstore.RecordedEvent) error {
		f.fold(env, rec.Position)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The directory may have moved after the operation's last event.
	if f.pos.Less(pos) && len(dir) > 0 {
		if last := lastDirAtOrBefore(dir, pos); f.pos.Less(last) {
			f.pos = last
		}
	}
	return f, nil
}

// upTo returns how many of v's entries are at or before p: it finds the
// chunk by the summaries and loads at most that one chunk.
func (h *History) upTo(ctx context.Context, v view, p eventstore.Position) (int, error) {
	n, _ := slices.BinarySearchFunc(v.chunks, p, func(c *chunk, p eventstore.Position) int { return c.last.Compare(p) })
	switch {
	case n < len(v.chunks) && p.Less(v.chunks[n].first):
		return n * v.chunkSize, nil
	case n < len(v.chunks) && p == v.chunks[n].last:
		return (n + 1) * v.chunkSize, nil
	}
	d, err := h.chunkAt(ctx, v, n)
	if err != nil {
		return 0, err
	}
	return n*v.chunkSize + entriesUpTo(d.entries, p), nil
}

// startBoard returns the board to fold from: the snapshot restored when
// there is one, else (or when it is unusable) a new board.
func (h *History) startBoard(ctx context.Context, op domain.OperationID, s snapshot, ok bool) (*board.Board, error) {
	if ok {
		data, err := h.snapshotBytes(ctx, op, s)
		if err == nil {
			var b *board.Board
			if b, err = board.Restore(data); err == nil {
				return b, nil
			}
		}
		h.log.Warn("snapshot unusable, folding from the start", slog.String("operation", op.String()), slog.Any("error", err))
	}
	return board.New(op, h.cfg.Board)
}

// PositionAt maps a wall-clock time to the last position of the operation
// recorded at or before t: the end of the longest run of its events, from
// the first, all recorded at or before t (server clocks may step back; the
// run stops at the first event recorded after t). When the operation's
// first event was recorded after t the error is ErrBeforeFirstEvent: its
// board was empty then.
func (h *History) PositionAt(ctx context.Context, op domain.OperationID, t time.Time) (eventstore.Position, error) {
	if err := ctx.Err(); err != nil {
		return eventstore.Position{}, fmt.Errorf("history: position at: %w", err)
	}
	v, _, _, err := h.index(op)
	if err != nil {
		return eventstore.Position{}, fmt.Errorf("history: position at: %w", err)
	}
	pos, ok, err := h.recordedBy(ctx, v, t.UnixNano())
	if err != nil {
		return eventstore.Position{}, fmt.Errorf("history: position at: %w", err)
	}
	if !ok {
		return eventstore.Position{}, fmt.Errorf("history: operation %s at %s: %w", op, t.Format(time.RFC3339Nano), ErrBeforeFirstEvent)
	}
	return pos, nil
}

// recordedBy returns the position of the last entry of the run, from the
// first, of entries recorded at or before limit; ok is false when the
// first was recorded after it. The summaries find the chunk where the run
// stops (every entry before a chunk whose recordedUpTo is at or before
// limit was recorded by then), which is the only chunk loaded.
func (h *History) recordedBy(ctx context.Context, v view, limit int64) (eventstore.Position, bool, error) {
	n, _ := slices.BinarySearchFunc(v.chunks, limit, func(c *chunk, limit int64) int {
		if c.recordedUpTo <= limit {
			return -1
		}
		return 1
	})
	d, err := h.chunkAt(ctx, v, n)
	if err != nil {
		return eventstore.Position{}, false, err
	}
	i := 0
	for i < len(d.entries) && d.entries[i].recorded <= limit {
		i++
	}
	switch {
	case i > 0:
		return d.entries[i-1].pos, true, nil
	case n > 0:
		return v.chunks[n-1].last, true, nil
	}
	return eventstore.Position{}, false, nil
}

// Events calls fn for every event of the operation after `after` and up to
// `until`, in log order, reading only that operation's streams (not the
// whole log), with the agency directory events of the same range among
// them (a Frame folds both). It returns ErrUnknownOperation for an
// operation the index has never seen; an error of fn stops it and is
// returned.
func (h *History) Events(ctx context.Context, op domain.OperationID, after, until eventstore.Cursor, fn func(projections.Envelope) error) error {
	v, dir, head, err := h.index(op)
	if err != nil {
		return fmt.Errorf("history: events: %w", err)
	}
	lo, err := resolve(after, head)
	if err != nil {
		return fmt.Errorf("history: events of %s: %w", op, err)
	}
	hi, err := resolve(until, head)
	if err != nil {
		return fmt.Errorf("history: events of %s: %w", op, err)
	}
	if until.IsStart() {
		return ctx.Err()
	}
	to, err := h.upTo(ctx, v, hi)
	if err != nil {
		return fmt.Errorf("history: events of %s: %w", op, err)
	}
	from := 0
	if !after.IsStart() {
		if from, err = h.upTo(ctx, v, lo); err != nil {
			return fmt.Errorf("history: events of %s: %w", op, err)
		}
	}
	dirs := dirBetween(dir, lo, after.IsStart(), hi)
	flush := func(before eventstore.Position, all bool) error {
		for len(dirs) > 0 && (all || dirs[0].pos.Less(before)) {
			if err := fn(dirs[0].env); err != nil {
				return err
			}
			dirs = dirs[1:]
		}
		return nil
	}
	if to > from {
		err = h.read(ctx, v, from, to, selection{}, func(env projections.Envelope, rec *eventstore.RecordedEvent) error {
			if err := flush(rec.Position, false); err != nil {
				return err
			}
			return fn(env)
		})
		if err != nil {
			return err
		}
	}
	if err := flush(eventstore.Position{}, true); err != nil {
		return err
	}
	return ctx.Err()
}
