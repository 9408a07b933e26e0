package sqlite

import (
	"sync"

	"github.com/jointops/jointops/infra/eventstore"
)

// ring holds the events committed last, addressed by position, and wakes
// live subscribers when more are committed. The writer publishes after each
// commit and never waits for a subscriber: a subscriber whose next position
// has been overwritten reads the file instead.
//
// A published event is never modified (its slot is replaced by a newer
// event), so copies of the slot structs taken under the lock stay valid.
type ring struct {
	mu    sync.RWMutex
	slots []eventstore.RecordedEvent
	// head is the position of the last committed event, published or (at
	// Open) already in the file; 0 for an empty log.
	head uint64
	// oldest is the position of the oldest event held; 0 while none is.
	oldest uint64
	// changed is closed and replaced by every publish.
	changed chan struct{}
}

func newRing(size int, head uint64) *ring {
	return &ring{slots: make([]eventstore.RecordedEvent, size), head: head, changed: make(chan struct{})}
}

// publish adds committed events, which must directly follow the head, and
// wakes every waiting subscriber.
func (r *ring) publish(evs []eventstore.RecordedEvent) {
	if len(evs) == 0 {
		return
	}
	n := uint64(len(r.slots))
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range evs {
		r.slots[e.Position.Commit%n] = e
	}
	r.head = evs[len(evs)-1].Position.Commit
	if r.oldest == 0 {
		r.oldest = evs[0].Position.Commit
	}
	if r.head-r.oldest+1 > n {
		r.oldest = r.head - n + 1
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

// reset forgets the events held and moves the head to head, when the file
// changed outside the writer: subscribers then read the file up to it.
func (r *ring) reset(head uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.slots)
	r.head, r.oldest = head, 0
	close(r.changed)
	r.changed = make(chan struct{})
}

// last returns the position of the last committed event (0: empty log).
func (r *ring) last() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.head
}

// ringRead is the answer of since.
type ringRead struct {
	// events are the matching events found, sharing the ring's bytes.
	events []eventstore.RecordedEvent
	// next is the last position examined: continue after it.
	next uint64
	// head is the last committed position when the ring was read.
	head uint64
	// wait, set when nothing follows the cursor yet, is closed by the next
	// publish.
	wait <-chan struct{}
	// behind reports that the events after the cursor are no longer (or
	// not yet, after Open) in the ring: read the file up to head.
	behind bool
}

// since returns up to max events after position after that match f,
// appended to dst.
func (r *ring) since(after uint64, f eventstore.Filter, max int, dst []eventstore.RecordedEvent) ringRead {
	r.mu.RLock()
	defer r.mu.RUnlock()
	res := ringRead{events: dst, next: after, head: r.head}
	switch {
	case after >= r.head:
		res.wait = r.changed
		return res
	case r.oldest == 0 || after+1 < r.oldest:
		res.behind = true
		return res
	}
	n := uint64(len(r.slots))
	for p := after + 1; p <= r.head; p++ {
		e := &r.slots[p%n]
		res.next = p
		if f.Match(e.Stream) {
			res.events = append(res.events, *e)
			if len(res.events)-len(dst) >= max {
				break
			}
		}
	}
	return res
}
