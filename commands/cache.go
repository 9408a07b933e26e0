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
}

func newAggregateCache(max int) *aggregateCache {
	return &aggregateCache{max: max, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *aggregateCache) get(stream string) domain.Aggregate {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[stream]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached).agg
}

func (c *aggregateCache) put(stream string, a domain.Aggregate) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[stream]; ok {
		el.Value.(*cached).agg = a
		c.order.MoveToFront(el)
		return
	}
	c.items[stream] = c.order.PushFront(&cached{stream: stream, agg: a})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cached).stream)
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
