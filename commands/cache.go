package commands

import (
	"container/list"
	"sync"

	"github.com/jointops/jointops/domain"
)

// aggregateCache keeps recently used aggregates warm, so the next command on
// a busy stream reads only the stream's tail. Bounded, least recently used
// out. An aggregate taken from the cache is used under its stream's lock.
type aggregateCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cached, most recent first
	items map[string]*list.Element
}

type cached struct {
	stream string
	agg    domain.Aggregate
	// snapshot is the version of the aggregate's latest snapshot, saved or
	// being saved; 0 when it has none.
	snapshot uint64
}

func newAggregateCache(max int) *aggregateCache {
	return &aggregateCache{max: max, order: list.New(), items: make(map[string]*list.Element)}
}

// get returns the cached aggregate of stream and the version of its latest
// snapshot.
func (c *aggregateCache) get(stream string) (domain.Aggregate, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[stream]
	if !ok {
		return nil, 0
	}
	c.order.MoveToFront(el)
	e := el.Value.(*cached)
	return e.agg, e.snapshot
}

func (c *aggregateCache) put(stream string, a domain.Aggregate, snapshot uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[stream]; ok {
		e := el.Value.(*cached)
		e.agg, e.snapshot = a, snapshot
		c.order.MoveToFront(el)
		return
	}
	c.items[stream] = c.order.PushFront(&cached{stream: stream, agg: a, snapshot: snapshot})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cached).stream)
	}
}

// claimSnapshot reports whether a, the cached aggregate of stream, is more
// than every events past its latest snapshot; if so, it counts a snapshot
// at a's version as taken, so that the caller alone takes it, and returns
// the version of the snapshot before for unclaimSnapshot.
func (c *aggregateCache) claimSnapshot(stream string, a domain.Aggregate, every uint64) (previous uint64, claimed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[stream]
	if !ok {
		return 0, false
	}
	e := el.Value.(*cached)
	if e.agg != a || a.Version() <= e.snapshot+every {
		return 0, false
	}
	previous, e.snapshot = e.snapshot, a.Version()
	return previous, true
}

// unclaimSnapshot takes back a claim of a snapshot at version that will
// not be taken after all, so that a later command claims it again.
func (c *aggregateCache) unclaimSnapshot(stream string, version, previous uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[stream]; ok {
		if e := el.Value.(*cached); e.snapshot == version {
			e.snapshot = previous
		}
	}
}

func (c *aggregateCache) drop(stream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[stream]; ok {
		c.order.Remove(el)
		delete(c.items, stream)
	}
}
