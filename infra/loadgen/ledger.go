package loadgen

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// acceptance is a report the server accepted, to be found on the boards.
type acceptance struct {
	pos     eventstore.Position
	visible uint8         // the agencies whose boards must receive it
	at      time.Duration // when the answer arrived, on the run's clock
	sent    time.Duration // when the command was sent
}

// opLedger is the accepted reports of one operation, in log order, that
// some board of the operation has not been checked against yet.
type opLedger struct {
	mu      sync.Mutex
	entries []acceptance
	// floor: every board of the operation has been checked up to here;
	// a report accepted at or below it can no longer be checked.
	floor     eventstore.Position
	hasFloor  bool
	unchecked int64
}

// add records an accepted report.
func (l *opLedger) add(a acceptance) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.hasFloor && a.pos.Compare(l.floor) <= 0 {
		l.unchecked++
		return
	}
	// Answers arrive nearly in log order: insert from the end.
	i := len(l.entries)
	for i > 0 && a.pos.Less(l.entries[i-1].pos) {
		i--
	}
	l.entries = slices.Insert(l.entries, i, a)
}

// ledger checks the boards against the accepted reports: every report an
// agency may see must reach each of its boards once, in order.
//
// A board receives deltas in log order, so once it has received position
// q, every report before q that it may see is either received or missing
// for good (a gap) — unless a fresh snapshot covered it. A report is
// checked once its answer is Settle old, so that answers slower than the
// boards do not read as gaps.
type ledger struct {
	ops      []*opLedger
	boards   [][]*board // by operation
	latency  *histogram // accepted → delivered, per delivery
	fromSend *histogram // sent → delivered, per delivery

	delivered   atomic.Int64
	gaps        atomic.Int64
	undelivered atomic.Int64
	covered     atomic.Int64
}

func newLedger(ops int, boards []*board) *ledger {
	l := &ledger{ops: make([]*opLedger, ops), boards: make([][]*board, ops), latency: newHistogram(), fromSend: newHistogram()}
	for i := range l.ops {
		l.ops[i] = &opLedger{}
	}
	for _, b := range boards {
		l.boards[b.spec.op] = append(l.boards[b.spec.op], b)
	}
	return l
}

// check matches every board's deltas against the reports answered before
// horizon. It returns how many deliveries are still owed: reports a board
// may see, answered, beyond the last position it received. When final,
// those count as undelivered. It is called by one goroutine at a time.
func (l *ledger) check(horizon time.Duration, final bool) (owed int64) {
	for op, ol := range l.ops {
		ol.mu.Lock()
		entries := slices.Clone(ol.entries)
		ol.mu.Unlock()
		// Every board of the operation that is checking has been checked
		// up to floor: the entries up to it are done with.
		var floor eventstore.Position
		have := false
		for _, b := range l.boards[op] {
			c, ok := l.checkBoard(b, entries, horizon, final, &owed)
			if ok && (!have || c.Less(floor)) {
				floor, have = c, true
			}
		}
		if len(l.boards[op]) == 0 && len(entries) > 0 {
			floor, have = entries[len(entries)-1].pos, true
		}
		if !have {
			continue
		}
		ol.mu.Lock()
		i, _ := slices.BinarySearchFunc(ol.entries, floor, func(a acceptance, p eventstore.Position) int {
			return a.pos.Compare(p)
		})
		for i < len(ol.entries) && ol.entries[i].pos.Compare(floor) <= 0 {
			i++
		}
		ol.entries = slices.Delete(ol.entries, 0, i)
		if !ol.hasFloor || ol.floor.Less(floor) {
			ol.floor, ol.hasFloor = floor, true
		}
		ol.mu.Unlock()
	}
	return owed
}

// checkBoard checks b against entries and returns its cursor; ok is false
// when b never received a snapshot (it has nothing to check).
func (l *ledger) checkBoard(b *board, entries []acceptance, horizon time.Duration, final bool, owed *int64) (cursor eventstore.Position, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.hasLast {
		return cursor, false
	}
	mask := uint8(1) << b.spec.agency
	i, _ := slices.BinarySearchFunc(entries, b.cursor, func(a acceptance, p eventstore.Position) int {
		return a.pos.Compare(p)
	})
	for i < len(entries) && entries[i].pos.Compare(b.cursor) <= 0 {
		i++
	}
	j := 0
	for ; i < len(entries); i++ {
		e := entries[i]
		beyond := b.last.Less(e.pos)
		if e.at > horizon || (beyond && !final) {
			break
		}
		for j < len(b.recv) && b.recv[j].pos.Less(e.pos) {
			j++ // an event this run did not send (or one it does not track)
		}
		if e.visible&mask != 0 {
			switch {
			case j < len(b.recv) && b.recv[j].pos == e.pos:
				l.delivered.Add(1)
				l.latency.record(b.recv[j].at - e.at)
				l.fromSend.record(b.recv[j].at - e.sent)
				j++
			case b.covers(e.pos):
				l.covered.Add(1)
			case beyond:
				l.undelivered.Add(1)
			default:
				l.gaps.Add(1)
			}
		}
		b.cursor = e.pos
	}
	for ; i < len(entries); i++ {
		if entries[i].visible&mask != 0 && entries[i].at <= horizon {
			*owed++
		}
	}
	k := 0
	for k < len(b.recv) && b.recv[k].pos.Compare(b.cursor) <= 0 {
		k++
	}
	b.recv = slices.Delete(b.recv, 0, k)
	return b.cursor, true
}

// unchecked returns the reports accepted too late to be checked: their
// answer came after every board had been checked past their position.
func (l *ledger) unchecked() int64 {
	var n int64
	for _, ol := range l.ops {
		ol.mu.Lock()
		n += ol.unchecked
		ol.mu.Unlock()
	}
	return n
}
