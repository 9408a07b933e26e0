package esdb

import (
	"sync"

	"github.com/google/uuid"
)

// recentIDs remembers the stream of the last appended event IDs, oldest
// forgotten first. EventStoreDB indexes event IDs per stream only, so this
// is how an append notices an ID that this Store already put in another
// stream. It cannot see IDs appended by other processes or forgotten ones.
type recentIDs struct {
	mu     sync.Mutex
	stream map[uuid.UUID]string
	ring   []uuid.UUID // insertion order; ring[next] is overwritten next
	next   int
}

func newRecentIDs(capacity int) *recentIDs {
	return &recentIDs{stream: make(map[uuid.UUID]string, capacity), ring: make([]uuid.UUID, 0, capacity)}
}

// add remembers that ids were appended to stream.
func (r *recentIDs) add(stream string, ids []uuid.UUID) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, id := range ids {
		if _, ok := r.stream[id]; ok {
			r.stream[id] = stream
			continue
		}
		if len(r.ring) < cap(r.ring) {
			r.ring = append(r.ring, id)
		} else {
			delete(r.stream, r.ring[r.next])
			r.ring[r.next] = id
			r.next = (r.next + 1) % len(r.ring)
		}
		r.stream[id] = stream
	}
}

// streamOf returns the stream id was appended to, if remembered.
func (r *recentIDs) streamOf(id uuid.UUID) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.stream[id]
	return s, ok
}
