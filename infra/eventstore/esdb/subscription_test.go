package esdb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdb"
	"github.com/jointops/jointops/infra/eventstore/esdbtest"
)

// countingHandler counts the records whose message contains substr.
type countingHandler struct {
	substr string
	n      *atomic.Int64
}

func (h countingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countingHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.substr) {
		h.n.Add(1)
	}
	return nil
}
func (h countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h countingHandler) WithGroup(string) slog.Handler      { return h }

// TestSubscriptionResumesAfterDrops drops the server's subscriptions again
// and again while writers append: the consumer must see every matching
// event exactly once, in order, as ReadAll has them.
func TestSubscriptionResumesAfterDrops(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter eventstore.Filter
	}{
		{name: "all", filter: eventstore.Filter{}},
		{name: "prefix", filter: eventstore.Filter{StreamPrefix: "writer-1"}},
		{name: "stream", filter: eventstore.Filter{Stream: "writer-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, esdbtest.Config{})
			var drops atomic.Int64
			s := openStore(t, esdb.Config{
				ConnectionString:      srv.URL(),
				Logger:                slog.New(countingHandler{substr: "subscription dropped", n: &drops}),
				ResubscribeMinBackoff: time.Millisecond,
				ResubscribeMaxBackoff: 20 * time.Millisecond,
			})
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			sub, err := s.SubscribeAll(ctx, eventstore.Start, tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()

			const writers, perWriter = 3, 150
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range perWriter {
						if _, err := s.Append(ctx, fmt.Sprintf("writer-%d", w), eventstore.Any(), event(fmt.Sprint(i))); err != nil {
							t.Errorf("Append: %v", err)
							return
						}
					}
				})
			}
			want := writers * perWriter
			if tc.filter != (eventstore.Filter{}) {
				want = perWriter
			}
			var got []eventstore.RecordedEvent
			for len(got) < want {
				e, err := sub.Next(ctx)
				if err != nil {
					t.Fatalf("Next after %d of %d events: %v", len(got), want, err)
				}
				got = append(got, e)
				if len(got)%40 == 0 {
					srv.DropSubscriptions()
				}
			}
			wg.Wait()

			all, err := s.ReadAll(ctx, eventstore.Forwards, eventstore.Start, 10*want)
			if err != nil {
				t.Fatal(err)
			}
			var matching []eventstore.RecordedEvent
			for _, e := range all {
				if tc.filter.Match(e.Stream) {
					matching = append(matching, e)
				}
			}
			if len(matching) != len(got) {
				t.Fatalf("subscription delivered %d events, ReadAll has %d matching", len(got), len(matching))
			}
			for i := range got {
				if got[i].ID != matching[i].ID || got[i].Position != matching[i].Position {
					t.Fatalf("event %d: delivered %s at %s, ReadAll has %s at %s", i, got[i].ID, got[i].Position, matching[i].ID, matching[i].Position)
				}
			}
			short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
			defer cancelShort()
			if e, err := sub.Next(short); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("after every event: Next = %s/%d, %v; want nothing (a duplicate?)", e.Stream, e.Revision, err)
			}
			if drops.Load() == 0 {
				t.Error("no drop reached the subscription: the test proved nothing")
			}
		})
	}
}

// TestSubscribeFromEndSurvivesEarlyDrop: "from End" is pinned to a position
// when subscribing, so a drop before the first event loses nothing.
func TestSubscribeFromEndSurvivesEarlyDrop(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	s := openStore(t, esdb.Config{ConnectionString: srv.URL(), ResubscribeMinBackoff: time.Millisecond})
	if _, err := s.Append(t.Context(), "before", eventstore.NoStream(), event("old")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	sub, err := s.SubscribeAll(ctx, eventstore.End, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	srv.DropSubscriptions()
	fresh := events("new", 5)
	if _, err := s.Append(ctx, "after", eventstore.NoStream(), fresh...); err != nil {
		t.Fatal(err)
	}
	for i, want := range fresh {
		e, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next %d: %v", i, err)
		}
		if e.ID != want.ID {
			t.Fatalf("event %d = %s/%d, want the new event %d", i, e.Stream, e.Revision, i)
		}
	}
}

// TestSubscriptionContextEnds: the subscription ends with its context, and
// Next reports ErrClosed with the cause.
func TestSubscriptionContextEnds(t *testing.T) {
	t.Parallel()
	srv := startServer(t, esdbtest.Config{})
	s := openStore(t, esdb.Config{ConnectionString: srv.URL()})
	ctx, cancel := context.WithCancel(t.Context())
	sub, err := s.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err = sub.Next(t.Context())
	if !errors.Is(err, eventstore.ErrClosed) || !errors.Is(err, context.Canceled) {
		t.Errorf("Next after the subscription's context ended = %v, want ErrClosed and context.Canceled", err)
	}
	if err := sub.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}
