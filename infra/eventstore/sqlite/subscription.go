package sqlite

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/jointops/jointops/infra/eventstore"
)

// subscription follows the log from a position: it reads the ring while
// the events it needs are there and the file while they are not, always
// continuing after the last position it examined, so the hand-over between
// the two can neither skip nor repeat an event.
type subscription struct {
	s      *Store
	ctx    context.Context // the SubscribeAll context: its end ends the subscription
	filter eventstore.Filter
	// catchUp selects the events after ? up to ? of the filter, in order.
	catchUp     string
	catchUpArgs []any

	// last is the last position examined (delivered or filtered out).
	last uint64
	buf  []eventstore.RecordedEvent
	next int

	closeOnce sync.Once
	closed    chan struct{}
}

var _ eventstore.Subscription = (*subscription)(nil)

// SubscribeAll implements eventstore.Store.
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Cursor, filter eventstore.Filter) (eventstore.Subscription, error) {
	if s.closed.Load() {
		return nil, s.errClosed("subscribe")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sub := &subscription{s: s, ctx: ctx, filter: filter, closed: make(chan struct{})}
	switch {
	case from.IsStart():
	case from.IsEnd():
		sub.last = s.ring.last()
	default:
		first, empty := firstAfter(from)
		if empty {
			sub.last = math.MaxInt64
		} else {
			sub.last = first - 1
		}
	}
	sub.catchUp, sub.catchUpArgs = catchUpQuery(filter)
	return sub, nil
}

// catchUpQuery builds the file query of a filter; the stream conditions run
// in SQL so that a narrow subscription does not ship the whole log.
func catchUpQuery(f eventstore.Filter) (string, []any) {
	var (
		b    strings.Builder
		args []any
	)
	b.WriteString(`SELECT ` + eventColumns + ` FROM events WHERE seq > ? AND seq <= ?`)
	if f.Stream != "" {
		b.WriteString(` AND stream = ?`)
		args = append(args, f.Stream)
	}
	if f.StreamPrefix != "" {
		b.WriteString(` AND stream >= ?`)
		args = append(args, f.StreamPrefix)
		if upper, ok := prefixUpperBound(f.StreamPrefix); ok {
			b.WriteString(` AND stream < ?`)
			args = append(args, upper)
		}
	}
	b.WriteString(` ORDER BY seq LIMIT ?`)
	return b.String(), args
}

// prefixUpperBound returns the smallest string greater than every string
// beginning with p under byte-wise comparison (SQLite's BINARY collation);
// ok is false when there is none.
func prefixUpperBound(p string) (string, bool) {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// Next implements eventstore.Subscription.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	for {
		if err := sub.ended(ctx); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if sub.next < len(sub.buf) {
			e := sub.buf[sub.next]
			sub.buf[sub.next] = eventstore.RecordedEvent{}
			sub.next++
			return e, nil
		}
		wait, err := sub.fill(ctx)
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if wait == nil {
			continue
		}
		select {
		case <-wait:
		case <-ctx.Done():
		case <-sub.ctx.Done():
		case <-sub.closed:
		case <-sub.s.done:
		}
	}
}

// ended reports why the subscription cannot go on, if it cannot.
func (sub *subscription) ended(ctx context.Context) error {
	select {
	case <-sub.closed:
		return fmt.Errorf("subscription: %w", eventstore.ErrClosed)
	case <-sub.s.done:
		return sub.s.errClosed("subscription")
	default:
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return sub.ctx.Err()
}

// fill refills the buffer from the ring or, when the ring no longer holds
// the next events, from the file. It returns a channel to wait on when the
// subscriber is up to date.
func (sub *subscription) fill(ctx context.Context) (<-chan struct{}, error) {
	page := sub.s.cfg.SubscriptionPage
	sub.buf, sub.next = sub.buf[:0], 0
	r := sub.s.ring.since(sub.last, sub.filter, page, sub.buf)
	if !r.behind {
		sub.last = r.next
		sub.buf = cloneEvents(r.events)
		if len(sub.buf) == 0 && r.wait != nil {
			return r.wait, nil
		}
		return nil, nil
	}
	// Read the file only up to the head seen in the ring: what follows
	// will be published there.
	args := make([]any, 0, len(sub.catchUpArgs)+3)
	args = append(args, clampInt64(sub.last), clampInt64(r.head))
	args = append(args, sub.catchUpArgs...)
	args = append(args, page)
	rows, err := sub.s.rdb.QueryContext(ctx, sub.catchUp, args...)
	if err != nil {
		return nil, sub.s.readError("subscription catch-up", err)
	}
	defer rows.Close()
	evs, err := scanAll(rows, sub.buf)
	if err != nil {
		return nil, sub.s.readError("subscription catch-up", err)
	}
	sub.buf = evs
	if len(evs) < page {
		sub.last = r.head
	} else {
		sub.last = evs[len(evs)-1].Position.Commit
	}
	return nil, nil
}

// cloneEvents gives the subscriber its own copy of the payloads shared by
// the ring, so no consumer can alter what another one sees.
func cloneEvents(evs []eventstore.RecordedEvent) []eventstore.RecordedEvent {
	for i := range evs {
		evs[i].Data, evs[i].Metadata = cloneTwo(evs[i].Data, evs[i].Metadata)
	}
	return evs
}

// Close implements eventstore.Subscription; a blocked Next returns
// ErrClosed.
func (sub *subscription) Close() error {
	sub.closeOnce.Do(func() { close(sub.closed) })
	return nil
}
