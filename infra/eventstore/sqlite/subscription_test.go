package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// collect reads n events from sub, failing after a deadline.
func collect(t *testing.T, sub eventstore.Subscription, n int) []eventstore.RecordedEvent {
	t.Helper()
	ctx := ctxTimeout(t, 20*time.Second)
	out := make([]eventstore.RecordedEvent, 0, n)
	for len(out) < n {
		e, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next after %d of %d events: %v", len(out), n, err)
		}
		out = append(out, e)
	}
	return out
}

// sameEvents fails unless got and want hold the same events in the same
// order, every field compared.
func sameEvents(t *testing.T, what string, got, want []eventstore.RecordedEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d events, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.ID != w.ID || g.Position != w.Position || g.Stream != w.Stream || g.Revision != w.Revision ||
			g.Type != w.Type || g.SchemaVersion != w.SchemaVersion || !g.RecordedAt.Equal(w.RecordedAt) ||
			string(g.Data) != string(w.Data) || string(g.Metadata) != string(w.Metadata) || g.Hash != w.Hash {
			t.Fatalf("%s: event %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func subscribe(t *testing.T, s *Store, from eventstore.Cursor, f eventstore.Filter) eventstore.Subscription {
	t.Helper()
	sub, err := s.SubscribeAll(t.Context(), from, f)
	if err != nil {
		t.Fatalf("SubscribeAll: %v", err)
	}
	t.Cleanup(func() { _ = sub.Close() })
	return sub
}

func TestSubscribeCatchUpThenLive(t *testing.T) {
	cfg := testConfig(t)
	cfg.RingSize = 64
	cfg.SubscriptionPage = 16
	s := openTest(t, cfg)
	for range 50 {
		mustAppend(t, s, "before", eventstore.Any(), events(2)...)
	}
	const writers, each = 4, 100
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				mustAppend(t, s, fmt.Sprintf("w%d", w), eventstore.Any(), event("test.live", i))
			}
		})
	}
	sub := subscribe(t, s, eventstore.Start, eventstore.Filter{})
	got := collect(t, sub, 100+writers*each)
	wg.Wait()
	sameEvents(t, "subscription against ReadAll", got, readAll(t, s))
}

func TestSubscribeSlowSubscriberFallsBehindRing(t *testing.T) {
	cfg := testConfig(t)
	cfg.RingSize = 16
	cfg.SubscriptionPage = 7
	s := openTest(t, cfg)
	sub := subscribe(t, s, eventstore.End, eventstore.Filter{})
	mustAppend(t, s, "s", eventstore.Any(), events(1)...)
	first := collect(t, sub, 1) // now live, reading the ring
	// The subscriber idles while ten ring-fulls are appended; the appends
	// must not wait for it.
	for range 40 {
		mustAppend(t, s, "s", eventstore.Any(), events(4)...)
	}
	rest := collect(t, sub, 160)
	sameEvents(t, "slow subscriber against ReadAll", append(first, rest...), readAll(t, s))
	// And it is live again afterwards.
	mustAppend(t, s, "s", eventstore.Any(), events(1)...)
	if e := collect(t, sub, 1)[0]; e.Position != position(162) {
		t.Fatalf("live event after catching up at %s, want 162/162", e.Position)
	}
}

func TestSubscribeFilter(t *testing.T) {
	streams := []string{"unit-1", "unit-2", "op-1", "unitx", "unit-10"}
	tests := []struct {
		name   string
		filter eventstore.Filter
	}{
		{"all", eventstore.Filter{}},
		{"exact stream", eventstore.Filter{Stream: "unit-1"}},
		{"prefix", eventstore.Filter{StreamPrefix: "unit-"}},
		{"prefix and stream", eventstore.Filter{Stream: "unit-10", StreamPrefix: "unit-"}},
		{"prefix excluding the stream", eventstore.Filter{Stream: "op-1", StreamPrefix: "unit-"}},
		{"no match", eventstore.Filter{StreamPrefix: "zzz"}},
	}
	cfg := testConfig(t)
	cfg.RingSize = 8 // the stored events are read from the file
	cfg.SubscriptionPage = 3
	s := openTest(t, cfg)
	for i := range 40 {
		mustAppend(t, s, streams[i%len(streams)], eventstore.Any(), events(1)...)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := subscribe(t, s, eventstore.Start, tt.filter)
			stored := filterEvents(readAll(t, s), tt.filter)
			got := collect(t, sub, len(stored))
			// A live event for every stream: only the matching ones arrive.
			for _, st := range streams {
				mustAppend(t, s, st, eventstore.Any(), event("test.live", 0))
			}
			all := readAll(t, s)
			want := filterEvents(all, tt.filter)
			got = append(got, collect(t, sub, len(want)-len(stored))...)
			sameEvents(t, "filtered subscription", got, want)
			// Nothing else is pending: a short wait ends with the deadline.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			if e, err := sub.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("extra event %+v, %v", e, err)
			}
		})
	}
}

func filterEvents(evs []eventstore.RecordedEvent, f eventstore.Filter) []eventstore.RecordedEvent {
	return slices.DeleteFunc(slices.Clone(evs), func(e eventstore.RecordedEvent) bool { return !f.Match(e.Stream) })
}

func TestSubscribeFrom(t *testing.T) {
	tests := []struct {
		name  string
		from  eventstore.Cursor
		first uint64
	}{
		{"start", eventstore.Start, 1},
		{"after 3", eventstore.After(position(3)), 4},
		{"after the head", eventstore.After(position(5)), 6},
		{"end", eventstore.End, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			mustAppend(t, s, "s", eventstore.Any(), events(5)...)
			sub := subscribe(t, s, tt.from, eventstore.Filter{})
			if tt.first == 6 {
				mustAppend(t, s, "s", eventstore.Any(), events(1)...)
			}
			if e := collect(t, sub, 1)[0]; e.Position != position(tt.first) {
				t.Fatalf("first event at %s, want %d", e.Position, tt.first)
			}
		})
	}
}

func TestSubscriptionEnds(t *testing.T) {
	tests := []struct {
		name string
		// end ends a subscription blocked in Next(ctx) and returns the error
		// Next must return.
		end func(t *testing.T, s *Store, sub eventstore.Subscription, cancelNext, cancelSub context.CancelFunc) error
	}{
		{"close", func(t *testing.T, s *Store, sub eventstore.Subscription, _, _ context.CancelFunc) error {
			_ = sub.Close()
			return eventstore.ErrClosed
		}},
		{"store close", func(t *testing.T, s *Store, sub eventstore.Subscription, _, _ context.CancelFunc) error {
			_ = s.Close()
			return eventstore.ErrClosed
		}},
		{"next context", func(t *testing.T, s *Store, sub eventstore.Subscription, cancelNext, _ context.CancelFunc) error {
			cancelNext()
			return context.Canceled
		}},
		{"subscribe context", func(t *testing.T, s *Store, sub eventstore.Subscription, _, cancelSub context.CancelFunc) error {
			cancelSub()
			return context.Canceled
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			subCtx, cancelSub := context.WithCancel(t.Context())
			defer cancelSub()
			sub, err := s.SubscribeAll(subCtx, eventstore.Start, eventstore.Filter{})
			if err != nil {
				t.Fatalf("SubscribeAll: %v", err)
			}
			defer sub.Close()
			nextCtx, cancelNext := context.WithCancel(t.Context())
			defer cancelNext()
			done := make(chan error, 1)
			go func() {
				_, err := sub.Next(nextCtx)
				done <- err
			}()
			want := tt.end(t, s, sub, cancelNext, cancelSub)
			select {
			case err := <-done:
				if !errors.Is(err, want) {
					t.Fatalf("Next = %v, want %v", err, want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Next still blocked")
			}
		})
	}
}

func TestPrefixUpperBound(t *testing.T) {
	tests := []struct {
		name, prefix, want string
		ok                 bool
	}{
		{"ascii", "unit-", "unit.", true},
		{"multibyte", "état", "étau", true},
		{"trailing 0xff", "a\xff", "b", true},
		{"only 0xff", "\xff\xff", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := prefixUpperBound(tt.prefix)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("prefixUpperBound(%q) = %q, %t; want %q, %t", tt.prefix, got, ok, tt.want, tt.ok)
			}
		})
	}
}
