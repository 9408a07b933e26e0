package esdbtest

import (
	"errors"
	"fmt"
)

// ErrNoSuchEvent is returned by the Tamper hooks when the named event does
// not exist (or was already removed).
var ErrNoSuchEvent = errors.New("esdbtest: no such event")

// ErrTamper is returned by the Tamper hooks for an alteration that cannot be
// made, such as flipping a byte past the end of the data.
var ErrTamper = errors.New("esdbtest: cannot tamper")

// The Tamper hooks alter stored events behind the protocol's back, the way an
// attacker with access to the database files could, so that integrity checks
// (hash chains, Verify) can be tested. They keep positions and revisions as
// they were, do not notify subscribers and are never visible in append
// results; reads and subscriptions see the altered log from then on.

// TamperFlipDataByte flips the lowest bit of byte i of the data of the event
// at revision rev of stream. Flipping one bit keeps most payloads well
// formed (an ASCII letter stays an ASCII character), so that a reader's
// integrity check, not its parser, has to notice.
func (s *Server) TamperFlipDataByte(stream string, rev uint64, i int) error {
	return s.log.tamper(stream, rev, func(r *record) error {
		if i < 0 || i >= len(r.data) {
			return fmt.Errorf("%w: byte %d of %d data bytes", ErrTamper, i, len(r.data))
		}
		data := append([]byte(nil), r.data...) // readers may hold the old slice
		data[i] ^= 1
		r.data = data
		return nil
	})
}

// TamperDelete removes the event at revision rev of stream from every read,
// leaving a gap in the stream's revisions and in $all. The stream's next
// revision stays what it was.
func (s *Server) TamperDelete(stream string, rev uint64) error {
	return s.log.tamper(stream, rev, func(r *record) error {
		r.removed = true
		return nil
	})
}

// TamperSwap exchanges the contents (ID, type, content type, data, metadata
// and created time) of the events at revisions a and b of stream, which
// keep their revisions and positions: as if the two events had been
// reordered.
func (s *Server) TamperSwap(stream string, a, b uint64) error {
	l := s.log
	l.mu.Lock()
	defer l.mu.Unlock()
	ra, err := l.locate(stream, a)
	if err != nil {
		return err
	}
	rb, err := l.locate(stream, b)
	if err != nil {
		return err
	}
	ra.id, rb.id = rb.id, ra.id
	ra.eventType, rb.eventType = rb.eventType, ra.eventType
	ra.json, rb.json = rb.json, ra.json
	ra.data, rb.data = rb.data, ra.data
	ra.metadata, rb.metadata = rb.metadata, ra.metadata
	ra.created, rb.created = rb.created, ra.created
	ids := l.streams[stream].ids
	ids[ra.id], ids[rb.id] = ra.revision, rb.revision
	return nil
}

// tamper applies change to one stored event under the write lock and keeps
// the stream's ID index in step.
func (l *txlog) tamper(stream string, rev uint64, change func(*record) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, err := l.locate(stream, rev)
	if err != nil {
		return err
	}
	if err := change(r); err != nil {
		return err
	}
	if r.removed {
		delete(l.streams[stream].ids, r.id)
	}
	return nil
}

// locate returns the stored record of a visible event. The caller holds the
// write lock.
func (l *txlog) locate(stream string, rev uint64) (*record, error) {
	s := l.streams[stream]
	if s == nil || rev >= uint64(len(s.entries)) || l.records[s.entries[rev]].removed {
		return nil, fmt.Errorf("%w: %s@%d", ErrNoSuchEvent, stream, rev)
	}
	return &l.records[s.entries[rev]], nil
}
