package bus_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// flakyStore is a store whose first subscription fails with ErrUnavailable
// after delivering failAfter events, as a feed from a remote log does when
// the connection drops.
type flakyStore struct {
	eventstore.Store
	failAfter     int
	subscriptions atomic.Int32
}

func (f *flakyStore) SubscribeAll(ctx context.Context, from eventstore.Cursor, filter eventstore.Filter) (eventstore.Subscription, error) {
	sub, err := f.Store.SubscribeAll(ctx, from, filter)
	if err != nil || f.subscriptions.Add(1) > 1 {
		return sub, err
	}
	return &flakySubscription{Subscription: sub, left: f.failAfter}, nil
}

type flakySubscription struct {
	eventstore.Subscription
	left int
}

func (s *flakySubscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	if s.left == 0 {
		return eventstore.RecordedEvent{}, fmt.Errorf("connection reset: %w", eventstore.ErrUnavailable)
	}
	s.left--
	return s.Subscription.Next(ctx)
}

func TestFailedFeedResumesWithoutGapOrDuplicate(t *testing.T) {
	store, _ := openStore(t)
	published := publish(t, newPublisher(t, store), "op", payloads(5)...)
	flaky := &flakyStore{Store: store, failAfter: 2}
	sub := newSubscriber(t, flaky, bus.SubscriberConfig{ResubscribeDelay: time.Millisecond})
	ch, err := sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	for i := range published {
		if msg := receiveAck(t, ch); msg.UUID != published[i].UUID {
			t.Fatalf("message %d: got %s, want %s", i, msg.Payload, published[i].Payload)
		}
	}
	if n := flaky.subscriptions.Load(); n != 2 {
		t.Errorf("%d store subscriptions, want 2 (one failed, one resumed)", n)
	}
}
