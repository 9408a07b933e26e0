package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// plan decides the outcome of every request of the batch in order, against
// the stream heads as the batch leaves them, and lays out the rows to
// insert. It reads the file only for heads not cached and for the batch's
// event IDs.
func (w *writer) plan(ctx context.Context, outs []outcome) error {
	clear(w.known)
	clear(w.overlay)
	w.rows = w.rows[:0]
	if err := w.lookupIDs(ctx, outs); err != nil {
		return err
	}
	seq := w.seq
	for i := range outs {
		o := &outs[i]
		r := o.req
		if len(r.events) > 0 {
			if res, err, stored := w.retried(r); stored {
				o.res, o.err = res, err
				continue
			}
		}
		h, err := w.head(ctx, r.stream)
		if err != nil {
			return err
		}
		if !r.expected.Satisfied(h.rev, h.exists) {
			o.err = &eventstore.WrongExpectedRevisionError{
				Stream:   r.stream,
				Expected: r.expected,
				Actual:   eventstore.StreamState{Exists: h.exists, Revision: h.rev},
			}
			continue
		}
		o.first, o.n = len(w.rows), len(r.events)
		for j := range r.events {
			e := &r.events[j]
			seq++
			rev := h.next()
			link := eventstore.ChainLink(h.hash, r.stream, rev, *e)
			w.rows = append(w.rows, row{stream: r.stream, rev: rev, seq: seq, event: e, hash: link})
			w.known[e.ID] = loc{stream: r.stream, rev: rev, seq: seq}
			h = head{exists: true, rev: rev, seq: seq, hash: link}
		}
		if len(r.events) > 0 {
			w.overlay[r.stream] = h
		}
		o.res = eventstore.AppendResult{NextExpectedRevision: h.rev, Position: position(h.seq)}
	}
	return nil
}

// retried reports whether any event of r is already stored (or planned
// earlier in the batch). If all are, in r's stream at consecutive
// revisions, r is a retry answered with the original result; any other
// overlap is a duplicate-ID error.
func (w *writer) retried(r *appendReq) (res eventstore.AppendResult, err error, stored bool) {
	found := 0
	for _, e := range r.events {
		if _, ok := w.known[e.ID]; ok {
			found++
		}
	}
	switch {
	case found == 0:
		return res, nil, false
	case found < len(r.events):
		return res, fmt.Errorf("append to %s: %w: %d of %d event ids are already stored",
			r.stream, eventstore.ErrDuplicateEventID, found, len(r.events)), true
	}
	first := w.known[r.events[0].ID]
	for j, e := range r.events {
		l := w.known[e.ID]
		if l.stream != r.stream || l.rev != first.rev+uint64(j) {
			return res, fmt.Errorf("append to %s: %w: event %s is stored in %s at revision %d",
				r.stream, eventstore.ErrDuplicateEventID, e.ID, l.stream, l.rev), true
		}
	}
	last := w.known[r.events[len(r.events)-1].ID]
	return eventstore.AppendResult{NextExpectedRevision: last.rev, Position: position(last.seq)}, nil, true
}

// insertRows inserts the planned rows inside the open transaction.
func (w *writer) insertRows(ctx context.Context, now int64) error {
	for i := range w.rows {
		r := &w.rows[i]
		e := r.event
		_, err := w.insert.ExecContext(ctx,
			int64(r.seq), r.stream, int64(r.rev), e.ID[:], e.Type, int64(e.SchemaVersion),
			nonNil(e.Data), nonNil(e.Metadata), now, r.hash[:])
		if err != nil {
			return fmt.Errorf("insert %s revision %d: %w", r.stream, r.rev, err)
		}
	}
	return nil
}

// recordedRows turns committed rows into recorded events that own their
// bytes: the callers' slices may change once Append returns.
func recordedRows(rows []row, now int64) []eventstore.RecordedEvent {
	at := time.Unix(0, now).UTC()
	out := make([]eventstore.RecordedEvent, len(rows))
	for i := range rows {
		r := &rows[i]
		e := r.event
		out[i] = eventstore.RecordedEvent{
			ID:            e.ID,
			Type:          e.Type,
			SchemaVersion: e.SchemaVersion,
			Stream:        r.stream,
			Revision:      r.rev,
			Position:      position(r.seq),
			RecordedAt:    at,
			Hash:          r.hash,
		}
		out[i].Data, out[i].Metadata = cloneTwo(e.Data, e.Metadata)
	}
	return out
}

// nonNil makes an empty payload a zero-length blob rather than NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// position maps a sequence number to the port's position.
func position(seq uint64) eventstore.Position {
	return eventstore.Position{Commit: seq, Prepare: seq}
}

// cloneTwo copies a and b into one allocation; empty inputs come back nil.
func cloneTwo(a, b []byte) ([]byte, []byte) {
	if len(a)+len(b) == 0 {
		return nil, nil
	}
	buf := make([]byte, len(a)+len(b))
	n := copy(buf, a)
	copy(buf[n:], b)
	var ca, cb []byte
	if len(a) > 0 {
		ca = buf[:n:n]
	}
	if len(b) > 0 {
		cb = buf[n:]
	}
	return ca, cb
}
