package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func subscribeTests() []contractTest {
	return []contractTest{
		{"FromStart", testSubscribeFromStart},
		{"FromAfter", testSubscribeFromAfter},
		{"FromEnd", testSubscribeFromEnd},
		{"Filter", testSubscribeFilter},
		{"CatchUpToLive", testCatchUpToLive},
		{"SlowSubscriber", testSlowSubscriber},
		{"NextContext", testNextContext},
		{"Close", testSubscriptionClose},
		{"SubscriptionContext", testSubscriptionContext},
	}
}

// subscribe opens a subscription that is closed when the test ends.
func subscribe(t *testing.T, s eventstore.Store, from eventstore.Cursor, filter eventstore.Filter) eventstore.Subscription {
	t.Helper()
	sub, err := s.SubscribeAll(t.Context(), from, filter)
	if err != nil {
		t.Fatalf("SubscribeAll(%s, %+v): %v", from, filter, err)
	}
	t.Cleanup(func() {
		if err := sub.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("closing subscription at end of test: %v", err)
		}
	})
	return sub
}

// collectN returns the next n events of sub.
func collectN(ctx context.Context, sub eventstore.Subscription, n int) ([]eventstore.RecordedEvent, error) {
	ctx, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	got := make([]eventstore.RecordedEvent, 0, n)
	for len(got) < n {
		e, err := sub.Next(ctx)
		if err != nil {
			return got, fmt.Errorf("subscription ended after %d of %d events: %w", len(got), n, err)
		}
		got = append(got, e)
	}
	return got, nil
}

// mustCollectN returns the next n events of sub and fails the test on error.
func mustCollectN(t *testing.T, sub eventstore.Subscription, n int) []eventstore.RecordedEvent {
	t.Helper()
	got, err := collectN(t.Context(), sub, n)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// collectUntil returns the events of sub up to and including the one with
// ID last; it gives up after limit events.
func collectUntil(ctx context.Context, sub eventstore.Subscription, last uuid.UUID, limit int) ([]eventstore.RecordedEvent, error) {
	ctx, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	var got []eventstore.RecordedEvent
	for len(got) < limit {
		e, err := sub.Next(ctx)
		if err != nil {
			return got, fmt.Errorf("subscription ended after %d events, waiting for %s: %w", len(got), last, err)
		}
		got = append(got, e)
		if e.ID == last {
			return got, nil
		}
	}
	return got, fmt.Errorf("delivered %d events without %s", len(got), last)
}

// checkDelivered fails the test unless a subscription delivered exactly the
// events want: each once, in strictly increasing position, field by field.
func checkDelivered(t *testing.T, what string, got, want []eventstore.RecordedEvent) {
	t.Helper()
	seen := make(map[uuid.UUID]int, len(got))
	for i, e := range got {
		if j, dup := seen[e.ID]; dup {
			t.Errorf("%s: event %s (%s@%d) delivered twice, as #%d and #%d", what, e.ID, e.Stream, e.Revision, j, i)
			return
		}
		seen[e.ID] = i
	}
	checkIncreasing(t, what, got)
	checkSameEvents(t, what, got, want)
}

// appendConcurrently appends total events from several goroutines, each in
// appends of 1–3 events to streams of its own named after prefix, and calls
// acked (safe for concurrent use) after each acknowledged append.
func appendConcurrently(ctx context.Context, s eventstore.Store, prefix string, writers, total int, acked func(eventstore.AppendResult, []eventstore.EventData)) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for w := range writers {
		share := total / writers
		if w == writers-1 {
			share = total - share*(writers-1)
		}
		wg.Go(func() {
			for j, done := 0, 0; done < share; j++ {
				stream := fmt.Sprintf("%s-%d-%d", prefix, w, j%3)
				evs := newEvents(stream, min(1+j%3, share-done))
				res, err := s.Append(ctx, stream, eventstore.Any(), evs...)
				if err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("writer %d, append %d to %s: %w", w, j, stream, err))
					mu.Unlock()
					return
				}
				acked(res, evs)
				done += len(evs)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// testSubscribeFromStart catches up with stored events, then goes live.
func testSubscribeFromStart(t *testing.T, h Harness) {
	s := h.open(t)
	for i := range 5 {
		mustAppend(t, s, fmt.Sprintf("start-%d", i%3), eventstore.Any(), newEvents("stored", 2)...)
	}
	sub := subscribe(t, s, eventstore.Start, eventstore.Filter{})
	stored := mustCollectN(t, sub, 10)
	checkDelivered(t, "catch-up from start", stored, mustReadAll(t, s))
	mustAppend(t, s, "start-0", eventstore.Any(), newEvents("live", 3)...)
	mustAppend(t, s, "start-9", eventstore.Any(), newEvents("live", 2)...)
	all := mustReadAll(t, s)
	checkDelivered(t, "catch-up then live from start", append(stored, mustCollectN(t, sub, 5)...), all)
}

// testSubscribeFromAfter resumes after a stored position.
func testSubscribeFromAfter(t *testing.T, h Harness) {
	s := h.open(t)
	for i := range 5 {
		mustAppend(t, s, fmt.Sprintf("after-%d", i%2), eventstore.Any(), newEvents("stored", 2)...)
	}
	stored := mustReadAll(t, s)
	sub := subscribe(t, s, eventstore.After(stored[3].Position), eventstore.Filter{})
	got := mustCollectN(t, sub, 6)
	checkDelivered(t, "catch-up after the fourth event", got, stored[4:])
	mustAppend(t, s, "after-0", eventstore.Any(), newEvents("live", 2)...)
	all := mustReadAll(t, s)
	checkDelivered(t, "catch-up then live after the fourth event", append(got, mustCollectN(t, sub, 2)...), all[4:])

	last := subscribe(t, s, eventstore.After(all[len(all)-1].Position), eventstore.Filter{})
	mustAppend(t, s, "after-1", eventstore.Any(), newEvent("later"))
	all = mustReadAll(t, s)
	checkDelivered(t, "subscription after the last event", mustCollectN(t, last, 1), all[len(all)-1:])
}

// testSubscribeFromEnd sees only events appended after it began.
func testSubscribeFromEnd(t *testing.T, h Harness) {
	s := h.open(t)
	for i := range 5 {
		mustAppend(t, s, fmt.Sprintf("end-%d", i%2), eventstore.Any(), newEvents("stored", 2)...)
	}
	sub := subscribe(t, s, eventstore.End, eventstore.Filter{})
	mustAppend(t, s, "end-0", eventstore.Any(), newEvents("live", 2)...)
	mustAppend(t, s, "end-new", eventstore.NoStream(), newEvent("live"))
	all := mustReadAll(t, s)
	checkDelivered(t, "subscription from end", mustCollectN(t, sub, 3), all[10:])

	empty := h.open(t)
	fromEnd := subscribe(t, empty, eventstore.End, eventstore.Filter{})
	first := mustAppend(t, empty, "end-empty", eventstore.NoStream(), newEvent("first"))
	got := mustCollectN(t, fromEnd, 1)
	if got[0].Position != first.Position {
		t.Errorf("subscription from the end of an empty log delivered %s at %s, want the first event at %s",
			got[0].ID, got[0].Position, first.Position)
	}
}

// testSubscribeFilter delivers only the streams a filter names, in catch-up
// and live.
func testSubscribeFilter(t *testing.T, h Harness) {
	s := h.open(t)
	streams := []string{"unit-1", "unit-10", "xunit-1", "op-a/unit-1", "op-a/unit-2", "op-a", "op-ab/unit-1", "op-b/unit-1"}
	appendRound := func(label string) {
		for _, stream := range streams {
			mustAppend(t, s, stream, eventstore.Any(), newEvent(label))
		}
	}
	appendRound("stored 1")
	appendRound("stored 2")
	tests := []struct {
		name   string
		filter eventstore.Filter
		want   []string // the first is where the sentinel goes
	}{
		{"everything", eventstore.Filter{}, streams},
		{"exact stream", eventstore.Filter{Stream: "unit-1"}, []string{"unit-1"}},
		{"exact stream with a slash", eventstore.Filter{Stream: "op-a/unit-1"}, []string{"op-a/unit-1"}},
		{"prefix ending in a slash", eventstore.Filter{StreamPrefix: "op-a/"}, []string{"op-a/unit-1", "op-a/unit-2"}},
		{"prefix", eventstore.Filter{StreamPrefix: "op-a"}, []string{"op-a", "op-a/unit-1", "op-a/unit-2", "op-ab/unit-1"}},
		{"stream and prefix", eventstore.Filter{Stream: "op-a/unit-2", StreamPrefix: "op-a/"}, []string{"op-a/unit-2"}},
		{"prefix of nothing", eventstore.Filter{StreamPrefix: "unit-2"}, []string{"unit-2"}},
	}
	subs := make([]eventstore.Subscription, len(tests))
	for i, tc := range tests {
		subs[i] = subscribe(t, s, eventstore.Start, tc.filter)
	}
	appendRound("live 1")
	appendRound("live 2")
	sentinels := make([]eventstore.EventData, len(tests))
	for i, tc := range tests {
		sentinels[i] = newEvent("sentinel " + tc.name)
		mustAppend(t, s, tc.want[0], eventstore.Any(), sentinels[i])
	}
	all := mustReadAll(t, s)
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collectUntil(t.Context(), subs[i], sentinels[i].ID, len(all))
			if err != nil {
				t.Fatal(err)
			}
			var want []eventstore.RecordedEvent
			for _, e := range all {
				for _, name := range tc.want {
					if e.Stream == name {
						want = append(want, e)
					}
				}
				if e.ID == sentinels[i].ID {
					break
				}
			}
			checkDelivered(t, fmt.Sprintf("filter %+v", tc.filter), got, want)
		})
	}
}

// testCatchUpToLive subscribes while writers append from several goroutines:
// every subscriber gets each event exactly once, in log order, across the
// hand-over from catch-up to live.
func testCatchUpToLive(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := t.Context()
	total := h.scaled(6000, 600)
	const writers = 4
	sentinel := newEvent("sentinel")

	type result struct {
		events []eventstore.RecordedEvent
		err    error
	}
	var consumers sync.WaitGroup
	defer consumers.Wait()
	consumeCtx, stopConsumers := context.WithCancel(ctx)
	defer stopConsumers()
	consume := func(sub eventstore.Subscription) <-chan result {
		out := make(chan result, 1)
		consumers.Go(func() {
			evs, err := collectUntil(consumeCtx, sub, sentinel.ID, 2*(total+1))
			out <- result{evs, err}
		})
		return out
	}

	early := consume(subscribe(t, s, eventstore.Start, eventstore.Filter{}))

	var (
		mu        sync.Mutex
		acked     = make(map[uuid.UUID]bool, total)
		lastAcked eventstore.Position
	)
	quarter := make(chan struct{})
	var signal sync.Once
	writersDone := make(chan error, 1)
	go func() {
		writersDone <- appendConcurrently(ctx, s, "live", writers, total, func(res eventstore.AppendResult, evs []eventstore.EventData) {
			mu.Lock()
			defer mu.Unlock()
			for _, e := range evs {
				acked[e.ID] = true
			}
			if lastAcked.Less(res.Position) {
				lastAcked = res.Position
			}
			if len(acked) >= total/4 {
				signal.Do(func() { close(quarter) })
			}
		})
	}()

	writing := true
	select {
	case <-quarter:
	case err := <-writersDone:
		if err != nil {
			t.Fatalf("appending while a subscriber catches up: %v", err)
		}
		writing = false // a quarter was acknowledged as well; the select chose this case
	}
	mu.Lock()
	ackedBeforeEnd := lastAcked
	mu.Unlock()
	midway := consume(subscribe(t, s, eventstore.Start, eventstore.Filter{}))
	fromEnd := consume(subscribe(t, s, eventstore.End, eventstore.Filter{}))

	if writing {
		if err := <-writersDone; err != nil {
			t.Fatalf("appending while subscribers catch up: %v", err)
		}
	}
	mustAppend(t, s, "live-sentinel", eventstore.NoStream(), sentinel)

	all := mustReadAll(t, s)
	if len(all) != total+1 {
		t.Fatalf("log holds %d events, want %d", len(all), total+1)
	}
	for _, e := range all[:total] {
		if !acked[e.ID] {
			t.Fatalf("log holds %s (%s@%d), which no append acknowledged", e.ID, e.Stream, e.Revision)
		}
	}
	checkIncreasing(t, "ReadAll", all)

	for _, c := range []struct {
		name string
		out  <-chan result
	}{{"subscribed from start before the writers", early}, {"subscribed from start while writing", midway}} {
		r := <-c.out
		if r.err != nil {
			t.Errorf("%s: %v", c.name, r.err)
			continue
		}
		checkDelivered(t, c.name, r.events, all)
	}
	r := <-fromEnd
	switch {
	case r.err != nil:
		t.Errorf("subscribed from end while writing: %v", r.err)
	case !ackedBeforeEnd.Less(r.events[0].Position):
		t.Errorf("subscribed from end while writing: first event at %s, but %s was acknowledged before subscribing",
			r.events[0].Position, ackedBeforeEnd)
	default:
		from := len(all) - len(r.events)
		checkDelivered(t, "subscribed from end while writing", r.events, all[max(from, 0):])
	}
}

// testSlowSubscriber appends thousands of events while a subscriber does not
// read: appends must not wait for it, and it still gets everything in order.
func testSlowSubscriber(t *testing.T, h Harness) {
	s := h.open(t)
	total := h.scaled(5000, 500)
	idle := subscribe(t, s, eventstore.Start, eventstore.Filter{})

	appendCtx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	began := time.Now()
	err := appendConcurrently(appendCtx, s, "slow", 4, total, func(eventstore.AppendResult, []eventstore.EventData) {})
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("appends did not finish within %s while a subscriber idled (are writers waiting for it?): %v", patience, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events appended in %s while a subscriber idled", total, time.Since(began).Round(time.Millisecond))
	sentinel := newEvent("sentinel")
	mustAppend(t, s, "slow-sentinel", eventstore.NoStream(), sentinel)

	got, err := collectUntil(t.Context(), idle, sentinel.ID, 2*(total+1))
	if err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, "slow subscriber", got, mustReadAll(t, s))
}

// nextWithin calls sub.Next(ctx) and fails the test if it has not returned
// after patience, as when Next ignores ctx. The abandoned call ends when the
// subscription is closed at the end of the test.
func nextWithin(t *testing.T, ctx context.Context, sub eventstore.Subscription) (eventstore.RecordedEvent, error) {
	t.Helper()
	type next struct {
		e   eventstore.RecordedEvent
		err error
	}
	done := make(chan next, 1)
	go func() {
		e, err := sub.Next(ctx)
		done <- next{e, err}
	}()
	timer := time.NewTimer(patience)
	defer timer.Stop()
	select {
	case n := <-done:
		return n.e, n.err
	case <-timer.C:
		t.Fatalf("Next did not return within %s of being called", patience)
		return eventstore.RecordedEvent{}, nil
	}
}

// testNextContext ends a blocked Next through its context and keeps the
// subscription usable.
func testNextContext(t *testing.T, h Harness) {
	s := h.open(t)
	mustAppend(t, s, "next-ctx", eventstore.NoStream(), newEvent("stored"))
	sub := subscribe(t, s, eventstore.End, eventstore.Filter{})

	deadline, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if e, err := nextWithin(t, deadline, sub); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Next with nothing to deliver and a 50ms deadline = %s, %v; want context.DeadlineExceeded", e.ID, err)
	}

	canceled, cancelNext := context.WithCancel(t.Context())
	stop := time.AfterFunc(50*time.Millisecond, cancelNext)
	defer stop.Stop()
	if e, err := nextWithin(t, canceled, sub); !errors.Is(err, context.Canceled) {
		t.Errorf("Next cancelled while blocked = %s, %v; want context.Canceled", e.ID, err)
	}

	res := mustAppend(t, s, "next-ctx", eventstore.Exact(0), newEvent("live"))
	got, err := collectN(t.Context(), sub, 1)
	if err != nil {
		t.Fatalf("after Next calls ended by their contexts, the subscription is unusable: %v", err)
	}
	if got[0].Position != res.Position {
		t.Errorf("after cancelled Next calls: delivered %s@%d at %s, want the new event at %s",
			got[0].Stream, got[0].Revision, got[0].Position, res.Position)
	}
}

// testSubscriptionClose ends a blocked Next with Close.
func testSubscriptionClose(t *testing.T, h Harness) {
	s := h.open(t)
	sub, err := s.SubscribeAll(t.Context(), eventstore.End, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	// The timer only makes it likely that Next is already blocked; Next must
	// return ErrClosed either way.
	stop := time.AfterFunc(50*time.Millisecond, func() { closed <- sub.Close() })
	defer stop.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	if e, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next blocked when Close was called = %s, %v; want ErrClosed", e.ID, err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next after Close = %v; want ErrClosed", err)
	}
	mustAppend(t, s, "after-close", eventstore.NoStream(), newEvent("after close"))
	if _, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next after Close with a new event in the log = %v; want ErrClosed", err)
	}
}

// testSubscriptionContext ends a subscription when the context given to
// SubscribeAll is done.
func testSubscriptionContext(t *testing.T, h Harness) {
	s := h.open(t)
	subCtx, cancelSub := context.WithCancel(t.Context())
	sub, err := s.SubscribeAll(subCtx, eventstore.End, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	stop := time.AfterFunc(50*time.Millisecond, cancelSub)
	defer stop.Stop()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	_, err = sub.Next(ctx)
	if errors.Is(err, context.DeadlineExceeded) || err == nil {
		t.Fatalf("Next after the subscription's context was cancelled = %v; want the subscription to end", err)
	}
	if !errors.Is(err, context.Canceled) && !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next after the subscription's context was cancelled = %v; want context.Canceled or ErrClosed", err)
	}
}
