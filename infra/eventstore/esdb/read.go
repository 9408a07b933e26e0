package esdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/jointops/jointops/infra/eventstore"
)

// ReadStream returns up to limit events of stream from revision from, as
// the port documents. Every event of a Jointops stream must carry the
// envelope: another writer's event in it fails the read with
// ErrIncompatibleStore rather than leaving a hole in the revisions.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if limit < 1 {
		return nil, fmt.Errorf("esdb: read %s: %w: limit %d, want ≥ 1", stream, eventstore.ErrInvalidArgument, limit)
	}
	if stream == "" || strings.HasPrefix(stream, "$") {
		return nil, fmt.Errorf("esdb: read %q: %w: want a non-empty stream name not starting with $", stream, eventstore.ErrInvalidArgument)
	}
	events, err := s.readStream(ctx, stream, dir, from, limit)
	if err != nil {
		return nil, fmt.Errorf("esdb: read %s: %w", stream, err)
	}
	out := make([]eventstore.RecordedEvent, len(events))
	for i, e := range events {
		out[i] = e.RecordedEvent
	}
	return out, nil
}

// readStream reads events of one stream with their envelopes.
func (s *Store) readStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]decoded, error) {
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Revision(from)}
	if dir == eventstore.Backwards {
		opts.Direction = esdb.Backwards
	}
	if from == eventstore.StreamEnd {
		opts.From = esdb.End{}
	}
	return do(ctx, s, stream, func(es *esdb.Client) ([]decoded, error) {
		rs, err := es.ReadStream(ctx, remoteName(s.cfg.Namespace, stream), opts, uint64(limit))
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		var out []decoded
		for {
			// Stream-not-found arrives here, on the first Recv, not from
			// ReadStream itself.
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			d, err := decode(s.cfg.Namespace, ev.OriginalEvent())
			if errors.Is(err, errForeign) {
				return nil, fmt.Errorf("%w: revision %d of %s was not written by Jointops", eventstore.ErrIncompatibleStore, ev.OriginalEvent().EventNumber, stream)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	})
}

// ReadAll returns up to limit Jointops events of the global log from the
// cursor, as the port documents. Events of system streams ("$…") and
// events without our envelope (other writers sharing the server) are not
// part of the Jointops log and are skipped; limit counts only the events
// returned.
func (s *Store) ReadAll(ctx context.Context, dir eventstore.Direction, from eventstore.Cursor, limit int) ([]eventstore.RecordedEvent, error) {
	if limit < 1 {
		return nil, fmt.Errorf("esdb: read $all: %w: limit %d, want ≥ 1", eventstore.ErrInvalidArgument, limit)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.isClosed() {
		return nil, fmt.Errorf("esdb: read $all: %w", eventstore.ErrClosed)
	}
	if (dir == eventstore.Forwards && from.IsEnd()) || (dir == eventstore.Backwards && from.IsStart()) {
		return nil, nil
	}
	out := make([]eventstore.RecordedEvent, 0, min(limit, s.cfg.ReadBatch))
	cur := from
	for len(out) < limit {
		// One more than needed: the server's read from a position includes
		// the event at it, which After excludes.
		count := min(limit-len(out)+1, s.cfg.ReadBatch)
		p, err := s.readAllPage(ctx, dir, cur, count)
		if err != nil {
			return nil, fmt.Errorf("esdb: read $all %s from %s: %w", dir, cur, err)
		}
		for _, e := range p.events {
			if len(out) == limit {
				break
			}
			out = append(out, e)
		}
		if p.raw < count || p.last == nil {
			break // the server has no more
		}
		cur = eventstore.After(*p.last)
	}
	return out, nil
}

// page is what one read of $all found.
type page struct {
	events []eventstore.RecordedEvent // the Jointops events strictly beyond the cursor
	last   *eventstore.Position       // the last raw event beyond the cursor; nil if none
	raw    int                        // the number of raw events the server returned
}

// readAllPage reads count raw events of $all from cur.
func (s *Store) readAllPage(ctx context.Context, dir eventstore.Direction, cur eventstore.Cursor, count int) (page, error) {
	opts := esdb.ReadAllOptions{Direction: esdb.Forwards, From: esdb.Start{}}
	if dir == eventstore.Backwards {
		opts.Direction = esdb.Backwards
	}
	bound, after := cur.Position()
	switch {
	case cur.IsEnd():
		opts.From = esdb.End{}
	case after:
		opts.From = esdb.Position{Commit: bound.Commit, Prepare: bound.Prepare}
	}
	return do(ctx, s, "", func(es *esdb.Client) (page, error) {
		var p page
		rs, err := es.ReadAll(ctx, opts, uint64(count))
		if err != nil {
			return p, err
		}
		defer rs.Close()
		for {
			ev, err := rs.Recv()
			if errors.Is(err, io.EOF) {
				return p, nil
			}
			if err != nil {
				return p, err
			}
			p.raw++
			r := ev.OriginalEvent()
			if r == nil {
				continue
			}
			pos := eventstore.Position{Commit: r.Position.Commit, Prepare: r.Position.Prepare}
			if after && !beyond(pos, bound, dir) {
				continue // the server's bound is inclusive, ours exclusive
			}
			p.last = &pos
			d, err := decode(s.cfg.Namespace, r)
			if errors.Is(err, errForeign) {
				continue
			}
			if err != nil {
				return p, err
			}
			p.events = append(p.events, d.RecordedEvent)
		}
	})
}

// beyond reports whether p lies past bound in the direction of reading.
func beyond(p, bound eventstore.Position, dir eventstore.Direction) bool {
	if dir == eventstore.Backwards {
		return p.Less(bound)
	}
	return bound.Less(p)
}

// Head returns the position of the last Jointops event of the log.
func (s *Store) Head(ctx context.Context) (eventstore.Position, bool, error) {
	last, err := s.ReadAll(ctx, eventstore.Backwards, eventstore.End, 1)
	if err != nil {
		return eventstore.Position{}, false, fmt.Errorf("esdb: head: %w", err)
	}
	if len(last) == 0 {
		return eventstore.Position{}, false, nil
	}
	return last[0].Position, true, nil
}

// rawHead returns the position of the last event of $all, of any stream:
// where a subscription "from End" starts, so that it can resume from there
// after a drop without missing what was appended meanwhile.
func (s *Store) rawHead(ctx context.Context) (eventstore.Position, bool, error) {
	head, err := do(ctx, s, "", func(es *esdb.Client) (*eventstore.Position, error) {
		rs, err := es.ReadAll(ctx, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1)
		if err != nil {
			return nil, err
		}
		defer rs.Close()
		ev, err := rs.Recv()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		r := ev.OriginalEvent()
		if r == nil {
			return nil, nil
		}
		return &eventstore.Position{Commit: r.Position.Commit, Prepare: r.Position.Prepare}, nil
	})
	if err != nil || head == nil {
		return eventstore.Position{}, false, err
	}
	return *head, true, nil
}
