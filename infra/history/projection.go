package history

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// projection is History's index as a projector.Projection.
type projection History

var _ projector.Projection = (*projection)(nil)

// auditStreamPrefix begins the audit stream of an operation,
// "audit-<operation>": its events belong to the operation's history
// (who read it, and why) though no board shows them.
const auditStreamPrefix = "audit-"

// Name returns Name.
func (p *projection) Name() string { return Name }

// Apply indexes one event: a directory event joins the directory, an
// event of an operation (projections.Router, or the operation's audit
// stream) joins its index and its board, which is saved every
// Config.SnapshotEvery events. An event at or before the position already
// folded is ignored. An error (the position is not the log's, or the
// events after a restored snapshot cannot be read) leaves the index as it
// was.
func (p *projection) Apply(ctx context.Context, env projections.Envelope) error {
	h := (*History)(p)
	pos, err := eventstore.ParsePosition(env.Position)
	if err != nil {
		return fmt.Errorf("history: apply %s@%d: %w", env.Stream, env.Revision, err)
	}
	h.applyMu.Lock()
	defer h.applyMu.Unlock()
	if h.any && !h.folded.Less(pos) {
		return nil
	}
	op, routed := h.router.Route(env)
	if _, issued := env.Event.Payload.(*task.Issued); issued {
		h.dirtyRouter = true
	}
	if !routed {
		op, routed = auditOperation(env.Stream)
	}
	x := h.ops[op] // h.ops changes only under applyMu
	if routed && x != nil && x.live == nil {
		if err := h.resume(ctx, x); err != nil {
			return fmt.Errorf("history: apply %s@%d: %w", env.Stream, env.Revision, err)
		}
	}
	if routed && x == nil {
		x = newOpIndex(op)
		if x.live, err = board.New(op, h.cfg.Board); err != nil {
			return fmt.Errorf("history: apply %s@%d: %w", env.Stream, env.Revision, err)
		}
	}
	h.indexEvent(env, pos, op, x)
	if x != nil {
		h.foldLive(env, pos, x)
	}
	return nil
}

// indexEvent adds env to the index: to x when it belongs to an operation, to
// the directory when it is a directory event.
func (h *History) indexEvent(env projections.Envelope, pos eventstore.Position, op domain.OperationID, x *opIndex) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if x != nil {
		ev := env.Event
		x.add(entry{pos: pos, revision: env.Revision, recorded: ev.RecordedAt.UnixNano(), occurred: ev.OccurredAt.UnixNano(), lateBy: int64(ev.LateBy)},
			env.Stream, ev.Type, ev.Actor, h.cfg.ChunkSize)
		x.dirtyChunks[(x.count(h.cfg.ChunkSize)-1)/h.cfg.ChunkSize] = true
		if x.join(ev.Payload) {
			x.dirtyMembers = true
		}
		h.ops[op] = x
	}
	if projections.IsDirectoryEvent(env.Event.Payload) {
		h.dir = append(h.dir, dirEntry{pos: pos, env: env})
		h.dirtyDir = true
	}
	h.folded, h.any = pos, true
}

// foldLive folds env into x's board and takes a snapshot when it is due.
func (h *History) foldLive(env projections.Envelope, pos eventstore.Position, x *opIndex) {
	x.live.Fold(env)
	n := x.live.Events()
	if n%uint64(h.cfg.SnapshotEvery) != 0 {
		return
	}
	data, err := x.live.MarshalBinary()
	if err != nil {
		h.log.Error("board snapshot failed", slog.String("operation", x.id.String()), slog.Any("error", err))
		return
	}
	h.mu.Lock()
	x.snapshots = append(x.snapshots, snapshot{pos: pos, events: int(n), n: len(x.snapshots), blob: newSnapshotBlob(data)})
	h.mu.Unlock()
	x.dirtySnaps = append(x.dirtySnaps, len(x.snapshots)-1)
}

// resume rebuilds x's live board after a restore: its latest snapshot and
// the events indexed after it, read from the log.
func (h *History) resume(ctx context.Context, x *opIndex) error {
	h.mu.RLock()
	v := x.view(h.cfg.ChunkSize)
	h.mu.RUnlock()
	s, ok := v.snapshotBefore(v.len())
	b, err := h.startBoard(ctx, v.id, s, ok)
	if err != nil {
		return err
	}
	err = h.read(ctx, v, int(b.Events()), v.len(), selection{}, func(env projections.Envelope, _ *eventstore.RecordedEvent) error {
		b.Fold(env)
		return nil
	})
	if err != nil {
		return err
	}
	x.live = b
	return nil
}

// auditOperation returns the operation of an audit stream.
func auditOperation(stream string) (domain.OperationID, bool) {
	id, ok := strings.CutPrefix(stream, auditStreamPrefix)
	if !ok {
		return domain.OperationID{}, false
	}
	op, err := domain.ParseOperationID(id)
	return op, err == nil
}

// Checkpoint returns the parts changed since the previous call: the index
// chunks that grew, the new snapshots, and the router and directory when
// they changed, with the position they reflect. With a part loader, the
// full chunks and the snapshots the previous call handed out leave memory
// (see SetPartLoader).
func (p *projection) Checkpoint() (projector.Checkpoint, error) {
	h := (*History)(p)
	h.applyMu.Lock()
	defer h.applyMu.Unlock()
	cp := projector.Checkpoint{Parts: map[string][]byte{}}
	if h.any {
		cp.Position = h.folded.String()
	}
	for _, op := range slices.SortedFunc(maps.Keys(h.ops), domain.OperationID.Compare) {
		x := h.ops[op]
		for _, n := range slices.Sorted(maps.Keys(x.dirtyChunks)) {
			d := &x.tail.data
			if n < len(x.chunks) {
				// A chunk filled since the previous checkpoint: not dropped yet.
				if d = x.chunks[n].data.Load(); d == nil {
					return projector.Checkpoint{}, fmt.Errorf("history: checkpoint chunk %d of %s: dropped before it was saved", n, op)
				}
			}
			cp.Parts[chunkPart(op, n)] = encodeChunk(d)
		}
		h.dropSaved(x)
		x.handedOut = len(x.chunks)
		for _, n := range x.dirtySnaps {
			s := x.snapshots[n]
			cp.Parts[snapPart(op, n)] = encodeSnapshot(s, s.blob.bytes())
		}
		if x.dirtyMembers {
			data, err := encodeMembers(x.members)
			if err != nil {
				return projector.Checkpoint{}, fmt.Errorf("history: checkpoint members of %s: %w", op, err)
			}
			cp.Parts[partMembersPrefix+op.String()] = data
		}
	}
	if h.dirtyRouter {
		data, err := h.router.MarshalBinary()
		if err != nil {
			return projector.Checkpoint{}, fmt.Errorf("history: checkpoint router: %w", err)
		}
		cp.Parts[partRouter] = data
	}
	if h.dirtyDir {
		data, err := encodeDirectory(h.dir)
		if err != nil {
			return projector.Checkpoint{}, fmt.Errorf("history: checkpoint directory: %w", err)
		}
		cp.Parts[partDirectory] = data
	}
	for _, x := range h.ops {
		clear(x.dirtyChunks)
		x.dirtySnaps, x.dirtyMembers = nil, false
	}
	h.dirtyRouter, h.dirtyDir = false, false
	return cp, nil
}

// Restore replaces the index with a saved checkpoint. Boards are rebuilt
// lazily, from their latest snapshot, on the next event of their
// operation. With a part loader set, only the summaries of the full index
// chunks and the last, partial chunk stay in memory. An error wraps projections.ErrSnapshotVersion or
// ErrSnapshotCorrupt and leaves the index unchanged.
func (p *projection) Restore(position string, parts map[string][]byte) error {
	h := (*History)(p)
	h.applyMu.Lock()
	defer h.applyMu.Unlock()
	r, err := h.restored(position, parts)
	if err != nil {
		return fmt.Errorf("history: restore at %q: %w", position, err)
	}
	h.router, h.dirtyRouter, h.dirtyDir = r.router, false, false
	h.mu.Lock()
	h.ops, h.dir, h.folded, h.any = r.ops, r.dir, r.folded, r.any
	h.mu.Unlock()
	h.cache.clear()
	return nil
}

// Reset empties the index, for a rebuild from the start of the log.
func (p *projection) Reset() {
	h := (*History)(p)
	h.applyMu.Lock()
	defer h.applyMu.Unlock()
	h.empty()
}

// restoredIndex is a checkpoint decoded.
type restoredIndex struct {
	router *projections.Router
	ops    map[domain.OperationID]*opIndex
	dir    []dirEntry
	folded eventstore.Position
	any    bool
}

func (h *History) restored(position string, parts map[string][]byte) (restoredIndex, error) {
	r := restoredIndex{router: projections.NewRouter(), ops: map[domain.OperationID]*opIndex{}}
	if position == "" {
		if len(parts) > 0 {
			return r, fmt.Errorf("%w: parts without a position", projections.ErrSnapshotCorrupt)
		}
		return r, nil
	}
	pos, err := eventstore.ParsePosition(position)
	if err != nil {
		return r, fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	r.folded, r.any = pos, true
	chunks := map[domain.OperationID]map[int][]byte{}
	snaps := map[domain.OperationID]map[int][]byte{}
	members := map[domain.OperationID][]domain.AgencyID{}
	for name, data := range parts {
		switch {
		case name == partRouter:
			err = r.router.UnmarshalBinary(data)
		case name == partDirectory:
			r.dir, err = decodeDirectory(data)
		case strings.HasPrefix(name, partChunkPrefix):
			err = collect(chunks, name[len(partChunkPrefix):], data)
		case strings.HasPrefix(name, partSnapPrefix):
			err = collect(snaps, name[len(partSnapPrefix):], data)
		case strings.HasPrefix(name, partMembersPrefix):
			err = collectMembers(members, name[len(partMembersPrefix):], data)
		default:
			err = fmt.Errorf("%w: a part this build does not know", projections.ErrSnapshotVersion)
		}
		if err != nil {
			return r, fmt.Errorf("part %q: %w", name, err)
		}
	}
	for op, cs := range chunks {
		x, err := h.restoreOp(op, cs, snaps[op])
		if err != nil {
			return r, fmt.Errorf("operation %s: %w", op, err)
		}
		x.members = members[op]
		r.ops[op] = x
	}
	for op := range members {
		if r.ops[op] == nil {
			return r, fmt.Errorf("%w: members of operation %s without its index", projections.ErrSnapshotCorrupt, op)
		}
	}
	for op := range snaps {
		if r.ops[op] == nil {
			return r, fmt.Errorf("%w: snapshots of operation %s without its index", projections.ErrSnapshotCorrupt, op)
		}
	}
	return r, nil
}

// collect files a numbered part of an operation.
func collect(into map[domain.OperationID]map[int][]byte, rest string, data []byte) error {
	op, n, err := parsePartName(rest)
	if err != nil {
		return err
	}
	if into[op] == nil {
		into[op] = map[int][]byte{}
	}
	into[op][n] = data
	return nil
}

// restoreOp rebuilds one operation's index from its chunks, which must be
// numbered from 0 without a gap, all full but the last, and its snapshots.
// Each chunk is decoded once, to check it and summarise it; with a part
// loader, a full chunk and every snapshot then leave memory (they are
// saved: they were just read from the checkpoint), so only the summaries
// and the last, partial chunk stay.
func (h *History) restoreOp(op domain.OperationID, chunks, snaps map[int][]byte) (*opIndex, error) {
	size, drop := h.cfg.ChunkSize, h.parts.Load() != nil
	x := newOpIndex(op)
	for n := range len(snaps) {
		data, ok := snaps[n]
		if !ok {
			return nil, fmt.Errorf("%w: snapshot %d missing", projections.ErrSnapshotCorrupt, n)
		}
		s, saved, err := decodeSnapshot(data)
		if err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", n, err)
		}
		// A board of a format this build no longer reads (ErrSnapshotVersion)
		// makes the runner rebuild the index now, not fold from the start
		// at every read that would have begun from it.
		if err := board.CheckSnapshot(saved); err != nil {
			return nil, fmt.Errorf("snapshot %d: %w", n, err)
		}
		s.n, s.blob = n, newSnapshotBlob(saved)
		if drop {
			s.blob.drop()
		}
		if s.events < 1 || (n > 0 && x.snapshots[n-1].events >= s.events) {
			return nil, fmt.Errorf("%w: snapshot %d does not match the index", projections.ErrSnapshotCorrupt, n)
		}
		x.snapshots = append(x.snapshots, s)
	}
	checked := 0 // the snapshots checked against the entries
	for n := range len(chunks) {
		data, ok := chunks[n]
		if !ok {
			return nil, fmt.Errorf("%w: index chunk %d missing", projections.ErrSnapshotCorrupt, n)
		}
		b, err := decodeChunk(data)
		if err != nil {
			return nil, fmt.Errorf("chunk %d: %w", n, err)
		}
		es := b.data.entries
		last := n == len(chunks)-1
		if len(es) > size || len(es) == 0 || (len(es) < size && !last) {
			return nil, fmt.Errorf("%w: index chunk %d holds %d entries, want %d", projections.ErrSnapshotCorrupt, n, len(es), size)
		}
		if n > 0 && !x.chunks[n-1].last.Less(es[0].pos) {
			return nil, fmt.Errorf("%w: index chunk %d begins at or before the end of the one before", projections.ErrSnapshotCorrupt, n)
		}
		for ; checked < len(x.snapshots) && x.snapshots[checked].events <= n*size+len(es); checked++ {
			if s := x.snapshots[checked]; es[s.events-1-n*size].pos != s.pos {
				return nil, fmt.Errorf("%w: snapshot %d does not match the index", projections.ErrSnapshotCorrupt, s.n)
			}
		}
		if len(es) < size {
			x.tail = *b
			continue
		}
		var before *chunk
		if n > 0 {
			before = x.chunks[n-1]
		}
		c := newChunk(&b.data, before)
		if drop {
			c.drop()
		}
		x.chunks = append(x.chunks, c)
	}
	if checked < len(x.snapshots) {
		return nil, fmt.Errorf("%w: snapshot %d does not match the index", projections.ErrSnapshotCorrupt, x.snapshots[checked].n)
	}
	// Every chunk restored is saved: the next checkpoint may drop them.
	x.handedOut = len(x.chunks)
	if drop {
		x.resident = len(x.chunks)
	}
	return x, nil
}
