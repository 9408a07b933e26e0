package boards

import (
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections/board"
)

// ring keeps an operation's latest deltas, oldest first, for resuming. It
// knows how far back it is complete: every delta after floor is in it
// (with no floor, every delta the board ever made is). It is not safe for
// concurrent use.
type ring struct {
	buf      []ringEntry
	start, n int
	floor    eventstore.Position
	hasFloor bool
}

type ringEntry struct {
	pos   eventstore.Position
	delta board.Delta
}

func newRing(size int) *ring { return &ring{buf: make([]ringEntry, size)} }

// startAfter makes the ring complete only after pos: what came before was
// never kept (a board restored from a checkpoint).
func (r *ring) startAfter(pos eventstore.Position) {
	r.floor, r.hasFloor = pos, true
}

// restartAfter drops every delta kept and makes the ring complete only
// after pos: a delta up to pos was not kept (a board folded without
// deltas).
func (r *ring) restartAfter(pos eventstore.Position) {
	for i := range r.n {
		*r.at(i) = ringEntry{}
	}
	r.start, r.n = 0, 0
	r.startAfter(pos)
}

// push keeps d, dropping the oldest delta when full. Positions must
// increase.
func (r *ring) push(pos eventstore.Position, d board.Delta) {
	if r.n == len(r.buf) {
		old := &r.buf[r.start]
		r.floor, r.hasFloor = old.pos, true
		*old = ringEntry{}
		r.start = (r.start + 1) % len(r.buf)
		r.n--
	}
	r.buf[(r.start+r.n)%len(r.buf)] = ringEntry{pos: pos, delta: d}
	r.n++
}

// at returns the i-th oldest entry.
func (r *ring) at(i int) *ringEntry { return &r.buf[(r.start+i)%len(r.buf)] }

// since returns the deltas after pos, oldest first; ok is false when the
// ring is not complete after pos (some of them were dropped or never
// kept).
func (r *ring) since(pos eventstore.Position) (deltas []board.Delta, ok bool) {
	if r.hasFloor && pos.Less(r.floor) {
		return nil, false
	}
	lo, hi := 0, r.n // first entry after pos
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if r.at(mid).pos.Compare(pos) <= 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for i := lo; i < r.n; i++ {
		deltas = append(deltas, r.at(i).delta)
	}
	return deltas, true
}
