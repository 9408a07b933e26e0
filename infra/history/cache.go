package history

import (
	"container/list"
	"sync"
)

// chunkCache keeps the chunks loaded back from their parts most recently
// used, up to a limit: a frame reads the few chunks after its snapshot,
// often the same ones as the frame before. It is safe for concurrent use.
type chunkCache struct {
	limit int

	mu    sync.Mutex
	order *list.List // of *cached, the most recently used first
	items map[*chunk]*list.Element
}

type cached struct {
	c    *chunk
	data *chunkData
}

func newChunkCache(limit int) *chunkCache {
	return &chunkCache{limit: limit, order: list.New(), items: map[*chunk]*list.Element{}}
}

// get returns the loaded entries of c, if kept.
func (k *chunkCache) get(c *chunk) (*chunkData, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	el, ok := k.items[c]
	if !ok {
		return nil, false
	}
	k.order.MoveToFront(el)
	return el.Value.(*cached).data, true
}

// put keeps d as the loaded entries of c, forgetting the least recently
// used chunk beyond the limit, and returns what is kept for c (the first
// of two concurrent loads wins).
func (k *chunkCache) put(c *chunk, d *chunkData) *chunkData {
	k.mu.Lock()
	defer k.mu.Unlock()
	if el, ok := k.items[c]; ok {
		k.order.MoveToFront(el)
		return el.Value.(*cached).data
	}
	k.items[c] = k.order.PushFront(&cached{c: c, data: d})
	for k.order.Len() > k.limit {
		old := k.order.Remove(k.order.Back()).(*cached)
		delete(k.items, old.c)
	}
	return d
}

// clear forgets every chunk: the index they belong to was replaced.
func (k *chunkCache) clear() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.order.Init()
	clear(k.items)
}

// len returns how many chunks are kept.
func (k *chunkCache) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.order.Len()
}
