package esdbtest

import (
	"math"
	"sync"

	"github.com/google/uuid"
)

// Synthetic record sizes in the transaction file. Only their kind matters:
// every record occupies some bytes, so positions are byte offsets that grow
// by more than one per event.
const (
	epochRecordSize   = 128 // the epoch record a fresh database starts with
	prepareHeaderSize = 90  // fixed part of a prepare record
	commitRecordSize  = 66  // an explicit commit record
)

// position is a place in the transaction file: the commit position of the
// transaction that made an event durable and the prepare position of the
// event's own record.
type position struct {
	commit  uint64
	prepare uint64
}

// compare orders positions as EventStoreDB does: by commit, then prepare.
func (p position) compare(q position) int {
	switch {
	case p.commit < q.commit:
		return -1
	case p.commit > q.commit:
		return 1
	case p.prepare < q.prepare:
		return -1
	case p.prepare > q.prepare:
		return 1
	}
	return 0
}

// record is one event in the log.
type record struct {
	id        uuid.UUID
	stream    string
	revision  uint64
	eventType string
	json      bool
	data      []byte
	metadata  []byte // the custom (user) metadata
	created   int64  // .NET ticks (100 ns) since the Unix epoch
	pos       position
	removed   bool // removed by TamperDelete: invisible to every read
}

// proposed is an event of an append request, validated.
type proposed struct {
	id        uuid.UUID
	eventType string
	json      bool
	data      []byte
	metadata  []byte
}

// expectKind is the kind of an append's expected revision.
type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectRevision
)

// expectation is the expected revision of an append.
type expectation struct {
	kind     expectKind
	revision uint64
}

// appendResult is the outcome of txlog.append.
type appendResult struct {
	// ok is false for a wrong expected version; current is then the stream's
	// last revision (-1: no stream).
	ok      bool
	current int64
	// last is the revision of the last event written (or matched, for an
	// idempotent retry); -1 when the stream has no event.
	last int64
	pos  position
}

// streamIndex locates the events of one stream in the log.
type streamIndex struct {
	entries []int                // log index of each revision
	ids     map[uuid.UUID]uint64 // event ID → revision, for idempotent retries
	changed chan struct{}        // closed (and replaced) on every append
}

// txlog is the in-memory transaction file with its stream index. Records are
// only ever appended, so a log index, once handed out, stays valid.
type txlog struct {
	implicitCommits bool

	mu      sync.RWMutex
	records []record
	streams map[string]*streamIndex
	end     uint64        // offset of the next record
	changed chan struct{} // closed (and replaced) on every append
}

func newTxlog(implicitCommits bool) *txlog {
	return &txlog{
		implicitCommits: implicitCommits,
		streams:         make(map[string]*streamIndex),
		end:             epochRecordSize,
		changed:         make(chan struct{}),
	}
}

// lastRevision returns the stream's last revision, -1 when it has no event.
// The caller holds the lock.
func (l *txlog) lastRevision(stream string) int64 {
	s := l.streams[stream]
	if s == nil {
		return -1
	}
	return int64(len(s.entries)) - 1
}

// append decides an append the way EventStoreDB's commit check does and, if
// it is to be written, writes it. An idempotent retry returns the result of
// the matched events and writes nothing; a retry that matches only partly is
// a wrong expected version, as on the server.
func (l *txlog) append(stream string, exp expectation, events []proposed, created int64) appendResult {
	l.mu.Lock()
	defer l.mu.Unlock()

	cur := l.lastRevision(stream)
	wrong := appendResult{current: cur}
	s := l.streams[stream]

	if exp.kind == expectStreamExists && cur < 0 && l.lastRevision("$$"+stream) < 0 {
		return wrong
	}
	switch exp.kind {
	case expectAny, expectStreamExists:
		if len(events) == 0 || s == nil {
			break
		}
		if _, seen := s.ids[events[0].id]; !seen {
			break // a new write, even if later IDs were seen: the server does the same
		}
		var last uint64
		for _, e := range events {
			rev, seen := s.ids[e.id]
			if !seen {
				return wrong
			}
			last = rev
		}
		return l.idempotent(s, int64(last))
	default:
		expected, ok := expectedVersion(exp)
		if !ok {
			return wrong
		}
		if expected > cur {
			return wrong
		}
		if expected < cur {
			if len(events) == 0 {
				return wrong
			}
			for i, e := range events {
				rev := expected + 1 + int64(i)
				if rev > cur || l.records[s.entries[rev]].removed || l.records[s.entries[rev]].id != e.id {
					return wrong
				}
			}
			return l.idempotent(s, expected+int64(len(events)))
		}
	}
	return l.write(stream, cur, events, created)
}

// expectedVersion maps an expected revision to the server's signed event
// number: no stream is -1, and so is revision 2^64-1, which the server reads
// as -1 too. ok is false for revisions no stream can have.
func expectedVersion(exp expectation) (int64, bool) {
	if exp.kind == expectNoStream || exp.revision == math.MaxUint64 {
		return -1, true
	}
	if exp.revision > math.MaxInt64 {
		return 0, false
	}
	return int64(exp.revision), true
}

// idempotent answers a retry with the revision of the last matched event and
// the position of the transaction that wrote it. The caller holds the lock.
func (l *txlog) idempotent(s *streamIndex, last int64) appendResult {
	rec := l.records[s.entries[last]]
	return appendResult{ok: true, current: int64(len(s.entries)) - 1, last: last, pos: l.resultPosition(rec.pos)}
}

// resultPosition is the position an append reports for a transaction whose
// last event is at p. Like the server, it reports the transaction's commit
// position as both commit and prepare: the commit record itself in the
// explicit-commit layout, the last event in the implicit one.
func (l *txlog) resultPosition(p position) position {
	return position{commit: p.commit, prepare: p.commit}
}

// write appends the events after revision cur. The caller holds the lock.
func (l *txlog) write(stream string, cur int64, events []proposed, created int64) appendResult {
	if len(events) == 0 {
		// The server writes an empty prepare: it takes room in the log and
		// has a position, but it is no event.
		at := l.end
		l.end += prepareHeaderSize + uint64(len(stream))
		return appendResult{ok: true, current: cur, last: cur, pos: position{commit: at, prepare: at}}
	}
	s := l.streams[stream]
	if s == nil {
		s = newStreamIndex()
		l.streams[stream] = s
	}
	prepares := make([]uint64, len(events))
	offset := l.end
	for i, e := range events {
		prepares[i] = offset
		offset += prepareHeaderSize + uint64(len(stream)+len(e.eventType)+len(e.data)+len(e.metadata))
	}
	commit := offset
	l.end = offset
	if !l.implicitCommits {
		l.end += commitRecordSize
	}
	for i, e := range events {
		rev := uint64(cur + 1 + int64(i))
		pos := position{commit: commit, prepare: prepares[i]}
		if l.implicitCommits {
			pos.commit = prepares[i]
		}
		s.entries = append(s.entries, len(l.records))
		s.ids[e.id] = rev
		l.records = append(l.records, record{
			id: e.id, stream: stream, revision: rev, eventType: e.eventType, json: e.json,
			data: e.data, metadata: e.metadata, created: created, pos: pos,
		})
	}
	close(s.changed)
	s.changed = make(chan struct{})
	close(l.changed)
	l.changed = make(chan struct{})

	last := l.records[len(l.records)-1]
	return appendResult{ok: true, current: int64(len(s.entries)) - 1, last: int64(last.revision), pos: l.resultPosition(last.pos)}
}

// watchStream makes sure the stream has an index, even without events, so
// that a subscription can wait for its first append.
func (l *txlog) watchStream(stream string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.streams[stream] == nil {
		l.streams[stream] = newStreamIndex()
	}
}

func newStreamIndex() *streamIndex {
	return &streamIndex{ids: make(map[uuid.UUID]uint64), changed: make(chan struct{})}
}
