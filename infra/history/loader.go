package history

import (
	"context"
	"fmt"
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/projections"
)

// PartLoader loads a saved checkpoint part of a projection
// (*projector.Runner and *projector.CheckpointStore are ones). It must
// serve the parts the runner saved from History's checkpoints and gave to
// its Restore.
type PartLoader interface {
	LoadPart(ctx context.Context, projection, part string) ([]byte, bool, error)
}

// SetPartLoader lets History drop from memory its full index chunks and
// its board snapshots once a checkpoint saved them, and load them back
// when a read needs them. Without it (the default) everything stays in
// memory. Once something was dropped the loader must stay: a read that
// needs a dropped part fails with ErrPartUnavailable without it.
func (h *History) SetPartLoader(l PartLoader) {
	if l == nil {
		h.parts.Store(nil)
		return
	}
	h.parts.Store(&l)
}

// dropSaved drops the entries of x's chunks and the bytes of its
// snapshots that an earlier checkpoint handed out (so they are saved, or
// pending in the checkpoint store after a failed save, to be written with
// this one), when parts can be loaded. Called with applyMu held, from
// Checkpoint, after this checkpoint's parts were encoded.
func (h *History) dropSaved(x *opIndex) {
	if h.parts.Load() == nil {
		return
	}
	for ; x.resident < x.handedOut; x.resident++ {
		x.chunks[x.resident].drop()
	}
	for _, s := range x.snapshots {
		if !slices.Contains(x.dirtySnaps, s.n) {
			s.blob.drop()
		}
	}
}

// chunkAt returns the entries of chunk n of v: the view's tail, the
// chunk's entries in memory, or else the chunk loaded back from its saved
// checkpoint part (through the cache).
func (h *History) chunkAt(ctx context.Context, v view, n int) (*chunkData, error) {
	if n == len(v.chunks) {
		return &v.tail, nil
	}
	c := v.chunks[n]
	if d := c.data.Load(); d != nil {
		return d, nil
	}
	if d, ok := h.cache.get(c); ok {
		return d, nil
	}
	d, err := h.loadChunk(ctx, v.id, n, c)
	if err != nil {
		return nil, fmt.Errorf("history: index chunk %d of %s: %w", n, v.id, err)
	}
	return h.cache.put(c, d), nil
}

// loadChunk reads chunk n of operation op back from its part and checks it
// is the chunk the index summarises.
func (h *History) loadChunk(ctx context.Context, op domain.OperationID, n int, c *chunk) (*chunkData, error) {
	l := h.parts.Load()
	if l == nil {
		return nil, fmt.Errorf("%w: dropped, and no part loader", ErrPartUnavailable)
	}
	data, ok, err := (*l).LoadPart(ctx, Name, chunkPart(op, n))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPartUnavailable, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: not saved", ErrPartUnavailable)
	}
	b, err := decodeChunk(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPartUnavailable, err)
	}
	es := b.data.entries
	if len(es) != h.cfg.ChunkSize || es[0].pos != c.first || es[len(es)-1].pos != c.last {
		return nil, fmt.Errorf("%w: %w: the saved chunk holds %d entries, not those the index summarises", ErrPartUnavailable, projections.ErrSnapshotCorrupt, len(es))
	}
	d := b.data.clip()
	return &d, nil
}

// snapshotBytes returns the board bytes of snapshot s of operation op:
// from memory, or else loaded from its saved checkpoint part.
func (h *History) snapshotBytes(ctx context.Context, op domain.OperationID, s snapshot) ([]byte, error) {
	if b := s.blob.bytes(); b != nil {
		return b, nil
	}
	l := h.parts.Load()
	if l == nil {
		return nil, fmt.Errorf("snapshot %d: %w: dropped, and no part loader", s.n, ErrPartUnavailable)
	}
	data, ok, err := (*l).LoadPart(ctx, Name, snapPart(op, s.n))
	if err != nil {
		return nil, fmt.Errorf("snapshot %d: %w: %w", s.n, ErrPartUnavailable, err)
	}
	if !ok {
		return nil, fmt.Errorf("snapshot %d: %w: not saved", s.n, ErrPartUnavailable)
	}
	got, board, err := decodeSnapshot(data)
	if err != nil {
		return nil, err
	}
	if got.events != s.events || got.pos != s.pos {
		return nil, fmt.Errorf("%w: saved snapshot %d does not match the index", projections.ErrSnapshotCorrupt, s.n)
	}
	return board, nil
}
