package esdbtest

import (
	"math"
	"sort"
)

// firstAtOrAfter returns the log index of the first record at or after p.
// The caller holds the lock.
func (l *txlog) firstAtOrAfter(p position) int {
	return sort.Search(len(l.records), func(i int) bool { return l.records[i].pos.compare(p) >= 0 })
}

// firstAfter returns the log index of the first record after p. The caller
// holds the lock.
func (l *txlog) firstAfter(p position) int {
	return sort.Search(len(l.records), func(i int) bool { return l.records[i].pos.compare(p) > 0 })
}

// item is a record as a read delivers it: the record at the read's position
// and, when links are resolved and the record is a link, the event it links
// to (or broken when that event does not exist).
type item struct {
	rec    record
	target *record
	broken bool
}

// linkEventType is the type of EventStoreDB link events, whose data is
// "revision@stream".
const linkEventType = "$>"

// resolve builds the item for a record. The caller holds the lock.
func (l *txlog) resolve(rec record, resolveLinks bool) item {
	it := item{rec: rec}
	if !resolveLinks || rec.eventType != linkEventType {
		return it
	}
	target, ok := l.linkTarget(string(rec.data))
	if !ok {
		it.broken = true
		return it
	}
	it.target = &target
	return it
}

// linkTarget finds the event a link's data "revision@stream" names. The
// caller holds the lock.
func (l *txlog) linkTarget(ref string) (record, bool) {
	var rev uint64
	i := 0
	for ; i < len(ref) && ref[i] >= '0' && ref[i] <= '9'; i++ {
		rev = rev*10 + uint64(ref[i]-'0')
	}
	if i == 0 || i >= len(ref) || ref[i] != '@' {
		return record{}, false
	}
	s := l.streams[ref[i+1:]]
	if s == nil || rev >= uint64(len(s.entries)) {
		return record{}, false
	}
	rec := l.records[s.entries[rev]]
	return rec, !rec.removed
}

// batch is a page of the log read under one lock acquisition.
type batch struct {
	items []item
	// next is where the following page starts: a log index for $all, a
	// revision for a stream.
	next int
	// behind is how many records (or stream events) lie after the page.
	behind int
	// wait is closed by the next append; set when the page is empty.
	wait <-chan struct{}
}

// allForward reads up to limit visible records of $all from log index from on.
func (l *txlog) allForward(from, limit int, resolveLinks bool) batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	b := batch{next: from}
	for b.next < len(l.records) && len(b.items) < limit {
		rec := l.records[b.next]
		b.next++
		if !rec.removed {
			b.items = append(b.items, l.resolve(rec, resolveLinks))
		}
	}
	b.behind = len(l.records) - b.next
	if len(b.items) == 0 {
		b.wait = l.changed
	}
	return b
}

// allBackward reads up to limit visible records of $all before log index
// before, newest first; next is the index to continue before.
func (l *txlog) allBackward(before, limit int, resolveLinks bool) batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	b := batch{next: min(before, len(l.records))}
	for b.next > 0 && len(b.items) < limit {
		b.next--
		if rec := l.records[b.next]; !rec.removed {
			b.items = append(b.items, l.resolve(rec, resolveLinks))
		}
	}
	return b
}

// streamForward reads up to limit visible events of a stream from revision
// from on. Its wait channel is closed by the stream's next append, provided
// watchStream was called for a stream that had no index yet.
func (l *txlog) streamForward(stream string, from uint64, limit int, resolveLinks bool) batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	b := batch{next: int(min(from, math.MaxInt))}
	s := l.streams[stream]
	if s == nil {
		return b
	}
	for b.next < len(s.entries) && len(b.items) < limit {
		rec := l.records[s.entries[b.next]]
		b.next++
		if !rec.removed {
			b.items = append(b.items, l.resolve(rec, resolveLinks))
		}
	}
	b.behind = max(len(s.entries)-b.next, 0)
	if len(b.items) == 0 {
		b.wait = s.changed
	}
	return b
}

// streamBackward reads up to limit visible events of a stream from revision
// from down (from the last event if from is past it); next is the revision
// to continue from, -1 once revision 0 was read.
func (l *txlog) streamBackward(stream string, from int64, limit int, resolveLinks bool) batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	s := l.streams[stream]
	b := batch{next: -1}
	if s == nil {
		return b
	}
	rev := min(from, int64(len(s.entries))-1)
	for ; rev >= 0 && len(b.items) < limit; rev-- {
		if rec := l.records[s.entries[rev]]; !rec.removed {
			b.items = append(b.items, l.resolve(rec, resolveLinks))
		}
	}
	b.next = int(rev)
	return b
}

// subscribeAllFrom returns the log index a subscription to $all starts at:
// just after p, or the end of the log.
func (l *txlog) subscribeAllFrom(p position, fromEnd bool) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if fromEnd {
		return len(l.records)
	}
	return l.firstAfter(p)
}

// readAllFrom returns the log index a forwards read of $all starts at (the
// first record at or after p) or, backwards, the index it reads before (the
// first record at or after p, so that p itself is excluded).
func (l *txlog) readAllFrom(p position) int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.firstAtOrAfter(p)
}

// size returns the number of records in the log.
func (l *txlog) size() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.records)
}

// streamLast returns the stream's last revision, -1 when it has no event.
func (l *txlog) streamLast(stream string) int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.lastRevision(stream)
}
