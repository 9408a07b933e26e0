package history

import (
	"context"
	"fmt"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// read reads the events of entries (a run of one operation's index, in
// log order) from their streams, decodes them and calls fn with each in
// log order. It reads stream by stream, a page at a time, only the
// revisions the entries name, so its cost is the operation's events, not
// the log's.
func (h *History) read(ctx context.Context, v view, entries []entry, fn func(projections.Envelope, *eventstore.RecordedEvent) error) error {
	return h.prefetch(ctx, v, entries).each(fn)
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

// prefetch starts reading entries.
func (h *History) prefetch(ctx context.Context, v view, entries []entry) *prefetched {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetched{batches: make(chan []decoded, 4), cancel: cancel}
	go func() {
		defer close(p.batches)
		p.err = h.readAll(ctx, v, entries, func(b []decoded) error {
			select {
			case p.batches <- b:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
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

// readAll reads and decodes entries, handing them to emit in batches.
func (h *History) readAll(ctx context.Context, v view, entries []entry, emit func([]decoded) error) error {
	if len(entries) == 0 {
		return ctx.Err()
	}
	cursors := make(map[int32]*streamCursor)
	for i := range entries {
		e := &entries[i]
		c := cursors[e.stream]
		if c == nil {
			c = &streamCursor{name: v.streams[e.stream]}
			cursors[e.stream] = c
		}
		c.last = e.revision
	}
	batch := make([]decoded, 0, prefetchBatch)
	for i := range entries {
		e := &entries[i]
		rec, err := cursors[e.stream].next(ctx, h.cfg.Reader, e.revision, h.cfg.ReadPage)
		if err != nil {
			return err
		}
		if rec.Position != e.pos {
			return fmt.Errorf("history: %s@%d is at %s in the log, the index says %s", rec.Stream, rec.Revision, rec.Position, e.pos)
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
