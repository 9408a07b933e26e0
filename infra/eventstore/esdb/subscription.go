package esdb

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/jointops/jointops/infra/eventstore"
)

// SubscribeAll delivers the Jointops events matching filter from the
// cursor on, as the port documents, over an EventStoreDB catch-up
// subscription to $all.
//
// The client (v4.2.0) never resubscribes after a drop, so the subscription
// remembers the position of the last event it received and subscribes again
// from there, with backoff, without the consumer noticing: the server's
// subscription from a position is exclusive of it, and events at or before
// it are skipped in any case, so there is no gap and no duplicate. "From
// End" is resolved to the position of the last event of $all when
// SubscribeAll is called, so that a drop before the first event loses
// nothing either.
func (s *Store) SubscribeAll(ctx context.Context, from eventstore.Cursor, filter eventstore.Filter) (eventstore.Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sub := &subscription{
		store:  s,
		filter: filter,
		out:    make(chan eventstore.RecordedEvent),
		done:   make(chan struct{}),
	}
	switch p, after := from.Position(); {
	case after:
		sub.resume = &p
	case from.IsEnd():
		head, ok, err := s.rawHead(ctx)
		if err != nil {
			return nil, fmt.Errorf("esdb: subscribe from end: %w", err)
		}
		if ok {
			sub.resume = &head
		}
	}
	sctx, cancel := context.WithCancelCause(ctx)
	sub.cancel = cancel
	es, err := sub.open(sctx)
	if err != nil {
		cancel(nil)
		return nil, fmt.Errorf("esdb: subscribe %s: %w", from, err)
	}
	if !s.register(sub) {
		cancel(eventstore.ErrClosed)
		_ = es.Close()
		return nil, fmt.Errorf("esdb: subscribe: %w", eventstore.ErrClosed)
	}
	go sub.run(sctx, es)
	return sub, nil
}

// register records a live subscription so that Close can end it.
func (s *Store) register(sub *subscription) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.subs[sub] = struct{}{}
	return true
}

func (s *Store) forget(sub *subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.subs, sub)
}

// subscription is one SubscribeAll. Its pump goroutine owns the client's
// subscription and resume; it hands events over out, unbuffered, so an
// event counts as delivered exactly when Next has taken it.
type subscription struct {
	store  *Store
	filter eventstore.Filter
	out    chan eventstore.RecordedEvent
	done   chan struct{} // closed when the pump has stopped
	cancel context.CancelCauseFunc

	// Owned by the pump goroutine.
	resume   *eventstore.Position // last event received; nil: from the start
	received bool                 // an event arrived since the last (re)subscribe

	failure error // why the pump stopped; read after done is closed
}

// Next returns the next matching event, as the port documents.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	select {
	case e := <-sub.out:
		return e, nil
	case <-sub.done:
		return eventstore.RecordedEvent{}, sub.failure
	case <-ctx.Done():
		return eventstore.RecordedEvent{}, ctx.Err()
	}
}

// Close ends the subscription; a blocked Next returns ErrClosed.
func (sub *subscription) Close() error {
	sub.closeWith(eventstore.ErrClosed)
	sub.store.forget(sub)
	return nil
}

// closeWith stops the pump with cause and waits for it.
func (sub *subscription) closeWith(cause error) {
	sub.cancel(cause)
	<-sub.done
}

// open subscribes to $all after resume, filtered on the server by stream
// name (system streams excluded), so that the server does not send what the
// pump would drop anyway; the pump checks the filter again.
func (sub *subscription) open(ctx context.Context) (*esdb.Subscription, error) {
	opts := esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: serverFilter(sub.store.cfg.Namespace, sub.filter)}
	if sub.resume != nil {
		opts.From = esdb.Position{Commit: sub.resume.Commit, Prepare: sub.resume.Prepare}
	}
	return do(ctx, sub.store, "", func(c *esdb.Client) (*esdb.Subscription, error) {
		return c.SubscribeToAll(ctx, opts)
	})
}

// serverFilter is the server-side form of f in namespace ns: an exact
// stream becomes an anchored regular expression, and without a stream or
// prefix the filter still keeps system streams out.
func serverFilter(ns string, f eventstore.Filter) *esdb.SubscriptionFilter {
	switch {
	case f.Stream != "":
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Regex: "^" + regexp.QuoteMeta(remoteName(ns, f.Stream)) + "$"}
	case f.StreamPrefix != "" || ns != "":
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: []string{remoteName(ns, f.StreamPrefix)}}
	}
	return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Regex: `^[^$]`}
}

func (sub *subscription) run(ctx context.Context, es *esdb.Subscription) {
	defer close(sub.done)
	sub.failure = sub.pump(ctx, es)
}

// pump consumes client subscriptions one after the other until ctx ends or
// a failure that resubscribing cannot cure.
func (sub *subscription) pump(ctx context.Context, es *esdb.Subscription) error {
	cfg := sub.store.cfg
	backoff := cfg.ResubscribeMinBackoff
	for {
		err := sub.consume(ctx, es)
		if ctx.Err() != nil {
			return stopped(ctx)
		}
		if permanent(err) {
			return fmt.Errorf("esdb: subscription: %w", err)
		}
		sub.store.log.Warn("esdb: subscription dropped; subscribing again", "after", sub.resume, "err", err)
		for {
			if sub.received {
				backoff, sub.received = cfg.ResubscribeMinBackoff, false
			} else if !sleep(ctx, backoff) {
				return stopped(ctx)
			} else {
				backoff = min(2*backoff, cfg.ResubscribeMaxBackoff)
			}
			es, err = sub.open(ctx)
			if err == nil {
				break
			}
			switch {
			case ctx.Err() != nil:
				return stopped(ctx)
			case errors.Is(err, eventstore.ErrClosed), permanent(err):
				return fmt.Errorf("esdb: subscription: %w", err)
			}
			sub.store.log.Warn("esdb: subscribing again failed", "after", sub.resume, "retry_in", backoff, "err", err)
		}
	}
}

// consume hands the events of one client subscription to Next until the
// subscription drops, and returns why it dropped.
func (sub *subscription) consume(ctx context.Context, es *esdb.Subscription) error {
	defer func() { _ = es.Close() }()
	for {
		ev := receive(es)
		switch {
		case ev == nil:
			return errors.New("client returned no subscription event")
		case ev.SubscriptionDropped != nil:
			return translate(ctx, "", ev.SubscriptionDropped.Error)
		case ev.EventAppeared == nil:
			continue // checkpoint, caught up, fell behind: nothing to deliver
		}
		r := ev.EventAppeared.OriginalEvent()
		if r == nil {
			continue
		}
		pos := eventstore.Position{Commit: r.Position.Commit, Prepare: r.Position.Prepare}
		if sub.resume != nil && !sub.resume.Less(pos) {
			continue // at or before what was received already
		}
		sub.resume, sub.received = &pos, true
		d, err := decode(sub.store.cfg.Namespace, r)
		if errors.Is(err, errForeign) {
			continue
		}
		if err != nil {
			return err
		}
		if !sub.filter.Match(d.Stream) {
			continue
		}
		select {
		case sub.out <- d.RecordedEvent:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// receiver is the part of *esdb.Subscription that receive needs.
type receiver interface {
	Recv() *esdb.SubscriptionEvent
}

// receive calls Recv and turns a panic of the client into a drop, after
// which the pump subscribes again.
func receive(r receiver) (ev *esdb.SubscriptionEvent) {
	defer func() {
		if p := recover(); p != nil {
			ev = &esdb.SubscriptionEvent{SubscriptionDropped: &esdb.SubscriptionDropped{Error: &clientPanic{value: p}}}
		}
	}()
	return r.Recv()
}

// stopped is the failure of a subscription whose context ended: ErrClosed,
// with the cause when it was not Close.
func stopped(ctx context.Context) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, eventstore.ErrClosed) {
		return cause
	}
	return fmt.Errorf("%w: %w", eventstore.ErrClosed, cause)
}

// sleep waits about d (with jitter, so that many subscriptions dropped
// together do not come back in lockstep) or until ctx ends.
func sleep(ctx context.Context, d time.Duration) bool {
	if d > 0 {
		d = d/2 + rand.N(d/2+1)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
