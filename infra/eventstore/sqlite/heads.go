package sqlite

import "github.com/jointops/jointops/infra/eventstore"

// head is the state of a stream as the writer knows it: whether it has
// events and, if so, the revision, position and chain link of the last one.
type head struct {
	exists bool
	rev    uint64
	seq    uint64
	hash   eventstore.Hash
}

// next returns the revision the stream's next event gets.
func (h head) next() uint64 {
	if !h.exists {
		return 0
	}
	return h.rev + 1
}

// headCache remembers stream heads (absent streams included) so that the
// writer checks expected revisions and chains hashes without reading the
// file. It is owned by the writer goroutine. It holds only committed state:
// a batch works on an overlay and merges it after its commit. The cache is
// bounded; an evicted head is read again from the file when needed, so which
// entries go does not matter for correctness.
type headCache struct {
	m   map[string]head
	max int
}

func newHeadCache(max int) *headCache {
	return &headCache{m: make(map[string]head, min(max, 1024)), max: max}
}

func (c *headCache) get(stream string) (head, bool) {
	h, ok := c.m[stream]
	return h, ok
}

func (c *headCache) put(stream string, h head) {
	if _, ok := c.m[stream]; !ok && len(c.m) >= c.max {
		c.evict()
	}
	c.m[stream] = h
}

// evict drops about an eighth of the entries (at least one), in map order.
func (c *headCache) evict() {
	n := max(len(c.m)/8, 1)
	for k := range c.m {
		delete(c.m, k)
		if n--; n == 0 {
			return
		}
	}
}

// reset forgets everything, after a failed transaction left the file's
// state uncertain.
func (c *headCache) reset() { clear(c.m) }
