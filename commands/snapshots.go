package commands

import (
	"context"
	"math"
	"time"

	"github.com/jointops/jointops/domain"
)

// Aggregates that implement domain.Snapshotter are restored from their
// latest snapshot when they are loaded cold (not in the cache), and fold
// only the events recorded after it. A loaded aggregate more than
// Config.SnapshotEvery events past its latest snapshot is snapshotted
// again, in the background: the command that noticed it does not wait.
// Snapshots are a cache of the log's fold and nothing else; any snapshot
// that cannot be used is ignored (and logged) and the stream folded from
// its first event.

const (
	// maxSnapshotSaves bounds the snapshots being taken at once; a snapshot
	// due while they are all busy is taken by a later command.
	maxSnapshotSaves = 2
	// snapshotSaveTimeout bounds the saving of one snapshot.
	snapshotSaveTimeout = 30 * time.Second
)

// snapshotter takes snapshots in the background.
type snapshotter struct {
	store Snapshots
	every uint64
	saves *background
}

func newSnapshotter(store Snapshots, every int) *snapshotter {
	return &snapshotter{store: store, every: uint64(every), saves: newBackground(maxSnapshotSaves)}
}

// cold builds the aggregate of stream from nothing: from its latest usable
// snapshot and the events after it, or else from the stream's first event.
// snapshot is the version of the snapshot it was restored from, 0 if none.
func cold[A domain.Aggregate](ctx context.Context, h *Handlers, stream string, fresh func() A) (a A, snapshot uint64, err error) {
	if a, snapshot, ok := restore(ctx, h, stream, fresh); ok {
		return a, snapshot, nil
	}
	a = fresh()
	if _, err := h.cfg.Log.Load(ctx, stream, 0, a.Replay); err != nil {
		var zero A
		return zero, 0, err
	}
	return a, 0, nil
}

// restore returns the aggregate of stream restored from its latest snapshot
// with the events after it folded in; ok is false when there is no snapshot
// or it cannot be used.
func restore[A domain.Aggregate](ctx context.Context, h *Handlers, stream string, fresh func() A) (a A, snapshot uint64, ok bool) {
	var zero A
	if h.snaps == nil {
		return zero, 0, false
	}
	a = fresh()
	s, can := any(a).(domain.Snapshotter)
	if !can {
		return zero, 0, false
	}
	ignore := func(msg string, args ...any) (A, uint64, bool) {
		if ctx.Err() == nil {
			h.cfg.Logger.Warn(msg+"; folding the stream from its first event", append([]any{"stream", stream}, args...)...)
		}
		return zero, 0, false
	}
	snap, found, err := h.snaps.store.Load(ctx, stream, math.MaxUint64)
	switch {
	case err != nil:
		return ignore("load snapshot", "err", err)
	case !found:
		return zero, 0, false
	}
	if err := s.RestoreSnapshot(snap.Version, snap.Data); err != nil {
		return ignore("snapshot ignored", "version", snap.Version, "err", err)
	}
	// The log is the truth: the snapshot's last event must be in it, or the
	// snapshot is of some other history. Read from that event on and fold
	// the events after it.
	seen := false
	_, err = h.cfg.Log.Load(ctx, stream, snap.Version-1, func(e domain.Event) {
		if seen {
			a.Replay(e)
		}
		seen = true
	})
	switch {
	case err != nil:
		return ignore("fold the events after a snapshot", "version", snap.Version, "err", err)
	case !seen:
		return ignore("snapshot ignored: the stream is shorter than it", "version", snap.Version)
	}
	return a, snap.Version, true
}

// snapshotLater starts taking a snapshot of a, the cached aggregate of
// stream, when it is more than SnapshotEvery events past its latest one.
// The snapshot is encoded and saved on a goroutine of its own.
func (h *Handlers) snapshotLater(ctx context.Context, stream string, a domain.Aggregate) {
	if h.snaps == nil {
		return
	}
	s, ok := a.(domain.Snapshotter)
	if !ok {
		return
	}
	previous, claimed := h.cache.claimSnapshot(stream, a, h.snaps.every)
	if !claimed {
		return
	}
	ctx = context.WithoutCancel(ctx)
	if !h.snaps.saves.try(func() { h.saveSnapshot(ctx, stream, s) }) {
		h.cache.unclaimSnapshot(stream, a.Version(), previous)
	}
}

// saveSnapshot encodes a under its stream's lock, if it is still the cached
// aggregate of stream (it may have taken more commands meanwhile; whatever
// it holds then, with no change pending, is a fold of the stream), and
// saves the snapshot. A failure is logged: the next one is due after
// SnapshotEvery more events.
func (h *Handlers) saveSnapshot(ctx context.Context, stream string, a domain.Snapshotter) {
	unlock := h.lock(stream)
	current, _ := h.cache.get(stream)
	if current != a {
		unlock()
		return
	}
	version := a.Version()
	data, err := a.Snapshot()
	unlock()
	if err != nil {
		h.cfg.Logger.Warn("encode snapshot", "stream", stream, "version", version, "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, snapshotSaveTimeout)
	defer cancel()
	if err := h.snaps.store.Save(ctx, stream, Snapshot{Version: version, Data: data}); err != nil {
		h.cfg.Logger.Warn("save snapshot", "stream", stream, "version", version, "err", err)
		return
	}
	h.cfg.Logger.Debug("snapshot saved", "stream", stream, "version", version, "bytes", len(data))
}
