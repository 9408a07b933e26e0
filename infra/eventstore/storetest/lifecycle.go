package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

func lifecycleTests() []contractTest {
	return []contractTest{
		{"Close", testClose},
		{"Reopen", testReopen},
		{"CancelledContext", testCancelledContext},
	}
}

// checkClosed fails the test unless every call on the closed store s fails
// with ErrClosed.
func checkClosed(t *testing.T, s eventstore.Store, stream string) {
	t.Helper()
	ctx := t.Context()
	calls := []struct {
		name string
		call func() error
	}{
		{"Append", func() error {
			_, err := s.Append(ctx, stream, eventstore.Any(), newEvent("after close"))
			return err
		}},
		{"ReadStream", func() error {
			_, err := s.ReadStream(ctx, stream, eventstore.Forwards, 0, 10)
			return err
		}},
		{"ReadAll", func() error {
			_, err := s.ReadAll(ctx, eventstore.Forwards, eventstore.Start, 10)
			return err
		}},
		{"Head", func() error {
			_, _, err := s.Head(ctx)
			return err
		}},
		{"SubscribeAll", func() error {
			sub, err := s.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{})
			if err == nil {
				_ = sub.Close()
			}
			return err
		}},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("%s after Close = %v; want an error that Is ErrClosed", c.name, err)
		}
	}
}

// testClose closes a store with a live subscription.
func testClose(t *testing.T, h Harness) {
	s := h.open(t)
	const stream = "closing"
	mustAppend(t, s, stream, eventstore.NoStream(), newEvent("before close"))
	sub := subscribe(t, s, eventstore.Start, eventstore.Filter{})
	mustCollectN(t, sub, 1)
	// A Next blocked on the live log when the store closes must return.
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	blocked := make(chan error, 1)
	go func() {
		_, err := sub.Next(ctx)
		blocked <- err
	}()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checkClosed(t, s, stream)
	if err := <-blocked; !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next blocked across Close = %v; want ErrClosed", err)
	}
	if e, err := sub.Next(ctx); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("Next of a subscription of a closed store = %s, %v; want ErrClosed", e.ID, err)
	}
}

// testReopen closes and reopens a store: the log, the heads, the chains and
// the record of event IDs survive.
func testReopen(t *testing.T, h Harness) {
	if h.Reopen == nil {
		t.Skip("Harness.Reopen is nil: the adapter cannot reopen its storage")
	}
	s := h.open(t)
	const a, b = "reopen-a", "reopen-b"
	eventsA, eventsB := newEvents(a, 3), newEvents(b, 2)
	mustAppend(t, s, a, eventstore.NoStream(), eventsA...)
	rb := mustAppend(t, s, b, eventstore.NoStream(), eventsB...)
	before := mustReadAll(t, s)
	head, _, err := s.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}

	old := s
	s = h.reopen(t, s)
	checkClosed(t, old, a)

	checkSameEvents(t, "log after reopen", mustReadAll(t, s), before)
	if got, ok, err := s.Head(t.Context()); err != nil || !ok || got != head {
		t.Errorf("Head after reopen = %s, %t, %v; want %s", got, ok, err, head)
	}
	if got, err := s.Append(t.Context(), b, eventstore.NoStream(), eventsB...); err != nil || got != rb {
		t.Errorf("retry of an append from before reopen = %+v, %v; want the first result %+v", got, err, rb)
	}
	_, err = s.Append(t.Context(), a, eventstore.NoStream(), newEvent("no stream"))
	checkWrongRevision(t, err, a, eventstore.NoStream(), eventstore.StreamState{Exists: true, Revision: 2})

	next := newEvent("after reopen")
	res := mustAppend(t, s, a, eventstore.Exact(2), next)
	if res.NextExpectedRevision != 3 {
		t.Errorf("append after reopen: NextExpectedRevision %d, want 3", res.NextExpectedRevision)
	}
	if !head.Less(res.Position) {
		t.Errorf("append after reopen at %s, not after the old head %s", res.Position, head)
	}
	checkStream(t, mustReadStream(t, s, a), a, append(eventsA, next))

	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() || rep.Events != 6 || rep.Streams != 2 {
		t.Errorf("Verify after reopen: ok %t (broken %v), %d events, %d streams; want ok, 6, 2", rep.OK(), rep.Broken, rep.Events, rep.Streams)
	}
}

// testCancelledContext calls with a context that is already cancelled.
func testCancelledContext(t *testing.T, h Harness) {
	s := h.open(t)
	const stream, fresh = "cancelled", "cancelled-new"
	seeded := newEvents(stream, 2)
	mustAppend(t, s, stream, eventstore.NoStream(), seeded...)
	before := stateOf(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Append to an existing stream", func() error {
			_, err := s.Append(ctx, stream, eventstore.Exact(1), newEvent("cancelled"))
			return err
		}},
		{"Append to a new stream", func() error {
			_, err := s.Append(ctx, fresh, eventstore.NoStream(), newEvent("cancelled"))
			return err
		}},
		{"ReadStream", func() error {
			_, err := s.ReadStream(ctx, stream, eventstore.Forwards, 0, 10)
			return err
		}},
		{"ReadAll forwards", func() error {
			_, err := s.ReadAll(ctx, eventstore.Forwards, eventstore.Start, 10)
			return err
		}},
		{"ReadAll backwards", func() error {
			_, err := s.ReadAll(ctx, eventstore.Backwards, eventstore.End, 10)
			return err
		}},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v; want context.Canceled", c.name, err)
		}
	}
	checkUnchanged(t, s, before, "calls with a cancelled context")
	checkStream(t, mustReadStream(t, s, stream), stream, seeded)
	checkStreamNotFound(t, s, fresh, eventstore.Forwards)
}
