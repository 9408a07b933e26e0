package bus_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/jointops/jointops/infra/bus"
)

// TestRouterPoisonsAFailingEventAndGoesOn runs the consumer setup of
// Jointops end to end on the log: a projection handler behind NewRouter's
// middleware, consuming a group subscription, panics on one event.
func TestRouterPoisonsAFailingEventAndGoesOn(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)

	const maxRetries = 2
	router, err := bus.NewRouter(bus.RouterConfig{
		PoisonTopic:          "poison.op",
		MaxRetries:           maxRetries,
		RetryInitialInterval: time.Millisecond,
		RetryMaxInterval:     2 * time.Millisecond,
		CloseTimeout:         waitTimeout,
		Logger:               testLogger(t),
	}, pub)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	attempts := map[string]int{}
	var handled []string
	router.AddHandler("projection", "op", newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "projection"}),
		"audit", newPublisher(t, store),
		func(msg *message.Message) ([]*message.Message, error) {
			mu.Lock()
			attempts[string(msg.Payload)]++
			mu.Unlock()
			if string(msg.Payload) == "bad" {
				panic("cannot fold a bad event")
			}
			mu.Lock()
			handled = append(handled, string(msg.Payload))
			mu.Unlock()
			// The produced message sets no correlation ID: the middleware
			// carries the consumed one over.
			return []*message.Message{message.NewMessage(newUUID(), []byte("audit-"+string(msg.Payload)))}, nil
		})

	in := []*message.Message{
		message.NewMessage(newUUID(), []byte("ok-1")),
		message.NewMessage(newUUID(), []byte("bad")),
		message.NewMessage(newUUID(), []byte("ok-3")),
	}
	for i, msg := range in {
		middleware.SetCorrelationID([]string{"corr-1", "corr-2", "corr-3"}[i], msg)
		msg.Metadata.Set(bus.MetaEventType, "jointops.test.folded")
	}
	if err := pub.Publish("op-42", in...); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	routerDone := make(chan error, 1)
	go func() { routerDone <- router.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-routerDone; err != nil {
			t.Errorf("router: %v", err)
		}
	})

	watcher := newSubscriber(t, store, bus.SubscriberConfig{})
	poison, err := watcher.Subscribe(context.Background(), "poison.op")
	if err != nil {
		t.Fatal(err)
	}
	poisoned := receiveAck(t, poison)
	if poisoned.UUID != in[1].UUID || string(poisoned.Payload) != "bad" {
		t.Fatalf("poisoned %s %q, want the bad message %s", poisoned.UUID, poisoned.Payload, in[1].UUID)
	}
	for key, want := range map[string]string{
		middleware.PoisonedTopicKey:             "op",
		middleware.PoisonedHandlerKey:           "projection",
		middleware.CorrelationIDMetadataKey:     "corr-2",
		bus.MetaStream:                          "poison.op",
		bus.MetaEventType:                       bus.DefaultEventType,
		bus.MetaOriginPrefix + bus.MetaStream:   "op-42",
		bus.MetaOriginPrefix + bus.MetaRevision: "1",
		// The poison copy is not a second jointops.test.folded event.
		bus.MetaOriginPrefix + bus.MetaEventType: "jointops.test.folded",
	} {
		if got := poisoned.Metadata.Get(key); got != want {
			t.Errorf("poisoned metadata %s = %q, want %q", key, got, want)
		}
	}
	if reason := poisoned.Metadata.Get(middleware.ReasonForPoisonedKey); !strings.Contains(reason, "cannot fold a bad event") {
		t.Errorf("poison reason %q does not carry the panic", reason)
	}

	audit, err := watcher.Subscribe(context.Background(), "audit")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct{ payload, correlation string }{{"audit-ok-1", "corr-1"}, {"audit-ok-3", "corr-3"}} {
		msg := receiveAck(t, audit)
		if string(msg.Payload) != want.payload || middleware.MessageCorrelationID(msg) != want.correlation {
			t.Errorf("audit message %q with correlation %q, want %q with %q",
				msg.Payload, middleware.MessageCorrelationID(msg), want.payload, want.correlation)
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(handled, ","); got != "ok-1,ok-3" {
		t.Errorf("handled %s, want ok-1,ok-3", got)
	}
	if attempts["bad"] != maxRetries+1 {
		t.Errorf("bad event tried %d times, want %d", attempts["bad"], maxRetries+1)
	}
}
