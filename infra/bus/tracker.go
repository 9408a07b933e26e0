package bus

import (
	"context"
	"sync"

	"github.com/jointops/jointops/infra/eventstore"
)

// offsetTracker coalesces the acknowledgements of one group subscription:
// Ack only records the position in memory, and flush saves the latest one.
// Flushing every interval (and when the subscription ends) bounds what a
// crash redelivers to that interval's worth of events while writing at
// most one offset event per interval, however fast events are acked.
type offsetTracker struct {
	offsets      OffsetStore
	group, topic string

	flushMu sync.Mutex // one save at a time, in order

	mu    sync.Mutex
	saved Offset              // last offset stored by this member (or loaded)
	acked eventstore.Position // latest acknowledged position
	dirty bool                // acked is newer than saved
}

func newOffsetTracker(offsets OffsetStore, group, topic string, loaded Offset, member string) *offsetTracker {
	loaded.Member = member
	return &offsetTracker{offsets: offsets, group: group, topic: topic, saved: loaded, acked: loaded.Position}
}

// ack records that every event of the topic up to p was handled.
func (t *offsetTracker) ack(p eventstore.Position) {
	t.mu.Lock()
	t.acked = p
	t.dirty = true
	t.mu.Unlock()
}

// flush saves the latest acknowledged position if it was not saved yet.
func (t *offsetTracker) flush(ctx context.Context) error {
	t.flushMu.Lock()
	defer t.flushMu.Unlock()

	t.mu.Lock()
	if !t.dirty {
		t.mu.Unlock()
		return nil
	}
	next := t.saved
	next.Position = t.acked
	t.mu.Unlock()

	stored, err := t.offsets.Save(ctx, t.group, t.topic, next)
	if err != nil {
		return err
	}

	t.mu.Lock()
	t.saved = stored
	t.dirty = t.acked != stored.Position
	t.mu.Unlock()
	return nil
}
