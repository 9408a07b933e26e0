package history

import (
	"context"
	"fmt"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// want is an event to read: its stream and revision, and its position in
// the log as the index knows it.
type want struct {
	stream   string
	revision uint64
	pos      eventstore.Position
}

// selection picks entries of a range: skip leaves out a whole full chunk by
// its summary, keep an entry. Nil functions pick everything.
type selection struct {
	skip func(*chunk) bool
	keep func(*chunkData, *entry) bool
}

// visit calls fn with the entries of v in [from, to) that sel picks, and
// their chunks, in log order, chunk after chunk: a chunk that left memory
// is loaded back when it is reached, so a visit holds one chunk at a time,
// however long the range. An error of fn stops the visit and is returned.
func (h *History) visit(ctx context.Context, v view, from, to int, sel selection, fn func(*chunkData, *entry) error) error {
	for n := from / v.chunkSize; n*v.chunkSize < to; n++ {
		if n < len(v.chunks) && sel.skip != nil && sel.skip(v.chunks[n]) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := h.chunkAt(ctx, v, n)
		if err != nil {
			return err
		}
		base := n * v.chunkSize
		for i := max(from-base, 0); i < min(to-base, len(d.entries)); i++ {
			if e := &d.entries[i]; sel.keep == nil || sel.keep(d, e) {
				if err := fn(d, e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// scan calls fn with the entries of v in [from, to) that sel picks, as
// events to read, in log order, in batches of at most size (see visit).
// The batch is reused: fn must be done with it when it returns.
func (h *History) scan(ctx context.Context, v view, from, to, size int, sel selection, fn func([]want) error) error {
	batch := make([]want, 0, max(min(size, to-from), 0))
	err := h.visit(ctx, v, from, to, sel, func(d *chunkData, e *entry) error {
		batch = append(batch, want{stream: d.streams[e.stream], revision: e.revision, pos: e.pos})
		if len(batch) < size {
			return nil
		}
		err := fn(batch)
		batch = batch[:0]
		return err
	})
	if err != nil || len(batch) == 0 {
		return err
	}
	return fn(batch)
}

// A range is read a window at a time, and each window a segment at a
// time: a first pass over a window finds the last revision it wants of
// each stream, so that the second reads each stream in pages up to it,
// however many segments it spans; a segment is a list of events to read
// (40 bytes each). A window holds the longest frame after a snapshot
// (Config.SnapshotEvery), and its first pass takes a few milliseconds
// before the first event is read.
const (
	readWindow  = 1 << 17
	readSegment = 1 << 14
)

// readRange reads the events of v's entries in [from, to) that sel picks,
// handing them to emit in batches, in log order.
func (h *History) readRange(ctx context.Context, v view, from, to int, sel selection, emit func([]decoded) error) error {
	for lo := from; lo < to; lo += readWindow {
		hi := min(lo+readWindow, to)
		last := map[string]uint64{}
		err := h.visit(ctx, v, lo, hi, sel, func(d *chunkData, e *entry) error {
			last[d.streams[e.stream]] = e.revision
			return nil
		})
		if err != nil {
			return err
		}
		cursors := map[string]*streamCursor{}
		err = h.scan(ctx, v, lo, hi, readSegment, sel, func(ws []want) error {
			return h.readAll(ctx, cursors, last, ws, emit)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// read reads the events of v's entries in [from, to) that sel picks from
// their streams, decodes them and calls fn with each in log order. It
// reads stream by stream, a page at a time, only the revisions the entries
// name, so its cost is the operation's events, not the log's.
func (h *History) read(ctx context.Context, v view, from, to int, sel selection, fn func(projections.Envelope, *eventstore.RecordedEvent) error) error {
	return h.prefetch(ctx, v, from, to, sel).each(fn)
}

// decoded is an event read and decoded.
type decoded struct {
	env projections.Envelope
	rec *eventstore.RecordedEvent
}

// prefetchBatch is how many decoded events travel together.
const prefetchBatch = 256

// prefetched is a read under way in its own goroutine: reading and
// decoding overlap with what the caller does meanwhile (restoring a
// snapshot) and with its folding. Call each, or stop, exactly once.
type prefetched struct {
	batches chan []decoded
	cancel  context.CancelFunc
	err     error // set before batches is closed
}

// prefetch starts reading the entries of v in [from, to) that sel picks.
func (h *History) prefetch(ctx context.Context, v view, from, to int, sel selection) *prefetched {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetched{batches: make(chan []decoded, 4), cancel: cancel}
	go func() {
		defer close(p.batches)
		emit := func(b []decoded) error {
			select {
			case p.batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		p.err = h.readRange(ctx, v, from, to, sel, emit)
		if p.err == nil {
			p.err = ctx.Err()
		}
	}()
	return p
}

// each calls fn with every event read, in log order; an error of fn stops
// the read and is returned.
func (p *prefetched) each(fn func(projections.Envelope, *eventstore.RecordedEvent) error) error {
	defer p.stop()
	for b := range p.batches {
		for _, d := range b {
			if err := fn(d.env, d.rec); err != nil {
				return err
			}
		}
	}
	return p.err
}

// stop ends the read and waits for its goroutine.
func (p *prefetched) stop() {
	p.cancel()
	for range p.batches {
	}
}

// readAll reads and decodes the events ws lists, handing them to emit in
// batches. A stream is read a page at a time, up to the last revision
// wanted of it: last's (the last of a range ws is a segment of), or else
// the last in ws. cursors are the streams being read, kept from one
// segment to the next with what they read ahead; a stream's cursor goes
// once its last revision is read.
func (h *History) readAll(ctx context.Context, cursors map[string]*streamCursor, last map[string]uint64, ws []want, emit func([]decoded) error) error {
	if len(ws) == 0 {
		return ctx.Err()
	}
	if last == nil {
		last = make(map[string]uint64)
		for i := range ws {
			last[ws[i].stream] = ws[i].revision
		}
	}
	batch := make([]decoded, 0, prefetchBatch)
	for i := range ws {
		w := &ws[i]
		c := cursors[w.stream]
		if c == nil {
			c = &streamCursor{name: w.stream, last: last[w.stream]}
			cursors[w.stream] = c
		}
		rec, err := c.next(ctx, h.cfg.Reader, w.revision, h.cfg.ReadPage)
		if err != nil {
			return err
		}
		if w.revision >= c.last {
			delete(cursors, w.stream)
		}
		if rec.Position != w.pos {
			return fmt.Errorf("history: %s@%d is at %s in the log, the index says %s", rec.Stream, rec.Revision, rec.Position, w.pos)
		}
		ev, known, err := h.cfg.Decoder.Decode(*rec)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if !known {
			continue
		}
		batch = append(batch, decoded{env: projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev}, rec: rec})
		if len(batch) == prefetchBatch {
			if err := emit(batch); err != nil {
				return err
			}
			batch = make([]decoded, 0, prefetchBatch)
		}
	}
	if len(batch) > 0 {
		return emit(batch)
	}
	return nil
}

// streamCursor reads one stream forwards, a page at a time, up to the last
// revision wanted.
type streamCursor struct {
	name string
	last uint64 // the last revision wanted
	buf  []eventstore.RecordedEvent
}

// next returns the event at revision rev, reading a page from it when it is
// not buffered.
func (c *streamCursor) next(ctx context.Context, r eventstore.Reader, rev uint64, page int) (*eventstore.RecordedEvent, error) {
	for len(c.buf) > 0 && c.buf[0].Revision < rev {
		c.buf = c.buf[1:]
	}
	if len(c.buf) == 0 {
		limit := min(uint64(page), c.last-rev+1)
		got, err := r.ReadStream(ctx, c.name, eventstore.Forwards, rev, int(limit))
		if err != nil {
			return nil, fmt.Errorf("history: read %s from %d: %w", c.name, rev, err)
		}
		c.buf = got
	}
	if len(c.buf) == 0 || c.buf[0].Revision != rev {
		return nil, fmt.Errorf("history: %s@%d: indexed but not in the log", c.name, rev)
	}
	rec := &c.buf[0]
	c.buf = c.buf[1:]
	return rec, nil
}
