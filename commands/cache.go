package commands

import (
	"container/list"
	"sync"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
)

// Weigher is an aggregate that tells how much memory it holds, in a unit
// its state grows by: a field log weighs its number of entries. The
// aggregate cache bounds the total weight of the aggregates it keeps
// (Config.CacheWeight); an aggregate that is not a Weigher weighs 1.
type Weigher interface {
	// Weight is the aggregate's current weight, at least 0. The cache asks
	// it under the aggregate's stream lock, like every other use.
	Weight() int
}

// A field log grows with every report of its unit.
var _ Weigher = (*fieldlog.Log)(nil)

// aggregateCache keeps recently used aggregates warm, so the next command on
// a busy stream reads only the stream's tail. It is bounded both by the
// number of aggregates and by their total weight, least recently used out;
// an aggregate evicted is built again, from its latest snapshot and the
// events after it, by its stream's next command. An aggregate taken from
// the cache is used under its stream's lock.
type aggregateCache struct {
	mu        sync.Mutex
	max       int // aggregates
	maxWeight int
	weight    int        // the total weight of the cached aggregates
	order     *list.List // of *cached, most recent first
	items     map[string]*list.Element
}

type cached struct {
	stream string
	agg    domain.Aggregate
	// weight is agg's weight when it was last put or reweighed.
	weight int
	// snapshot is the version of the aggregate's latest snapshot, saved or
	// being saved; 0 when it has none.
	snapshot uint64
}

func newAggregateCache(max, maxWeight int) *aggregateCache {
	return &aggregateCache{max: max, maxWeight: maxWeight, order: list.New(), items: make(map[string]*list.Element)}
}

// weightOf returns the weight a counts for in the cache: its own, but at
// least 1, so that every aggregate counts.
func weightOf(a domain.Aggregate) int {
	if w, ok := a.(Weigher); ok {
		return max(w.Weight(), 1)
	}
	return 1
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

// put caches a, the aggregate of stream, as the most recently used, and
// evicts what the bounds no longer hold. The caller holds stream's lock.
func (c *aggregateCache) put(stream string, a domain.Aggregate, snapshot uint64) {
	w := weightOf(a)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[stream]; ok {
		e := el.Value.(*cached)
		c.weight += w - e.weight
		e.agg, e.weight, e.snapshot = a, w, snapshot
		c.order.MoveToFront(el)
	} else {
		c.items[stream] = c.order.PushFront(&cached{stream: stream, agg: a, weight: w, snapshot: snapshot})
		c.weight += w
	}
	c.evict()
}

// reweigh counts the weight a, the cached aggregate of stream, has after
// the events a command appended to it, and evicts what the bounds no longer
// hold. The caller holds stream's lock.
func (c *aggregateCache) reweigh(stream string, a domain.Aggregate) {
	w := weightOf(a)
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[stream]
	if !ok {
		return
	}
	e := el.Value.(*cached)
	if e.agg != a {
		return
	}
	c.weight += w - e.weight
	e.weight = w
	c.order.MoveToFront(el)
	c.evict()
}

// evict removes the least recently used aggregates while there are more
// than max or they weigh more than maxWeight. The most recently used one
// stays, however heavy: a command is using it.
func (c *aggregateCache) evict() {
	for c.order.Len() > c.max || (c.weight > c.maxWeight && c.order.Len() > 1) {
		c.remove(c.order.Back())
	}
}

func (c *aggregateCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*cached)
	delete(c.items, e.stream)
	c.weight -= e.weight
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
		c.remove(el)
	}
}
