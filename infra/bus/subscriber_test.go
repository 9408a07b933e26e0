package bus_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// payloads returns "p0" … "p<n-1>".
func payloads(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("p%d", i)
	}
	return out
}

// savedOffset loads the group's offset in topic.
func savedOffset(t *testing.T, store eventstore.Store, group, topic string) bus.Offset {
	t.Helper()
	off, err := bus.NewLogOffsets(store).Load(context.Background(), group, topic)
	if err != nil {
		t.Fatalf("load offset: %v", err)
	}
	return off
}

func TestGroupOffsetSurvivesRestart(t *testing.T) {
	store, path := openStore(t)
	published := publish(t, newPublisher(t, store), "op-1", payloads(10)...)

	first := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "projection"})
	ch, err := first.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if msg := receiveAck(t, ch); msg.UUID != published[i].UUID {
			t.Fatalf("message %d: got %s, want %s", i, msg.Payload, published[i].Payload)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	expectClosed(t, ch)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	// A new process: the same file, a new store and subscriber.
	store = reopenStore(t, path)
	second := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "projection"})
	ch, err = second.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	for i := 4; i < 10; i++ {
		if msg := receiveAck(t, ch); msg.UUID != published[i].UUID {
			t.Fatalf("after restart, message %d: got %s, want %s", i, msg.Payload, published[i].Payload)
		}
	}
	if err := second.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	// Everything was acked before a clean Close: a third member sees only
	// what is published afterwards (order is guaranteed, so a redelivery
	// would come first).
	third := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "projection"})
	ch, err = third.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	later := publish(t, newPublisher(t, store), "op-2", "later")
	if msg := receiveAck(t, ch); msg.UUID != later[0].UUID {
		t.Fatalf("after a clean close got %s, want only the later message", msg.Payload)
	}
}

func TestOtherGroupStartsFromTheBeginning(t *testing.T) {
	store, _ := openStore(t)
	published := publish(t, newPublisher(t, store), "op", payloads(3)...)
	for _, group := range []string{"a", "b"} {
		sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: group})
		ch, err := sub.Subscribe(context.Background(), "op")
		if err != nil {
			t.Fatal(err)
		}
		for i := range published {
			if msg := receiveAck(t, ch); msg.UUID != published[i].UUID {
				t.Fatalf("group %s, message %d: got %s", group, i, msg.Payload)
			}
		}
		if err := sub.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNackRedeliversTheSameMessageFirst(t *testing.T) {
	store, _ := openStore(t)
	published := publish(t, newPublisher(t, store), "op", "a", "b")
	sub := newSubscriber(t, store, bus.SubscriberConfig{NackResendDelay: time.Millisecond})
	ch, err := sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	for attempt := range 3 {
		msg := receive(t, ch)
		if msg.UUID != published[0].UUID {
			t.Fatalf("attempt %d: got %s, want a again", attempt, msg.Payload)
		}
		msg.Nack()
		select {
		case <-msg.Context().Done():
		case <-time.After(waitTimeout):
			t.Fatal("message context not cancelled by Nack")
		}
	}
	receiveAck(t, ch)
	if msg := receiveAck(t, ch); msg.UUID != published[1].UUID {
		t.Fatalf("after the redelivered a got %s, want b", msg.Payload)
	}
}

func TestGroupConsumesATopicOnce(t *testing.T) {
	store, _ := openStore(t)
	published := publish(t, newPublisher(t, store), "op", payloads(3)...)
	sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "g"})

	ctx, cancel := context.WithCancel(context.Background())
	ch, err := sub.Subscribe(ctx, "op")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe(context.Background(), "op"); !errors.Is(err, bus.ErrGroupBusy) {
		t.Fatalf("second Subscribe of the group = %v, want ErrGroupBusy", err)
	}
	if _, err := sub.Subscribe(context.Background(), "unit"); err != nil {
		t.Fatalf("the group on another topic: %v", err)
	}
	receiveAck(t, ch)
	cancel()
	expectClosed(t, ch)

	// Once the channel is closed the group may subscribe again, and it
	// resumes after what it acked.
	ch, err = sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatalf("subscribe after the first ended: %v", err)
	}
	if msg := receiveAck(t, ch); msg.UUID != published[1].UUID {
		t.Fatalf("resumed at %s, want p1", msg.Payload)
	}
}

func TestStaleMemberIsFencedOut(t *testing.T) {
	store, _ := openStore(t)
	published := publish(t, newPublisher(t, store), "op", payloads(3)...)
	cfg := bus.SubscriberConfig{ConsumerGroup: "g", OffsetFlushInterval: 5 * time.Millisecond}

	a := newSubscriber(t, store, cfg)
	chA, err := a.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	receiveAck(t, chA)
	eventually(t, "a's offset saved", func() bool { return savedOffset(t, store, "g", "op").Version == 1 })

	// b, on another Subscriber (another node, say), takes over from there
	// and saves first.
	b := newSubscriber(t, store, cfg)
	chB, err := b.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	if msg := receiveAck(t, chB); msg.UUID != published[1].UUID {
		t.Fatalf("b starts at %s, want p1", msg.Payload)
	}
	eventually(t, "b's offset saved", func() bool { return savedOffset(t, store, "g", "op").Version == 2 })

	// a still runs; its next save finds b's and ends its subscription.
	receiveAck(t, chA)
	expectClosed(t, chA)
	if err := a.Close(); !errors.Is(err, bus.ErrFenced) {
		t.Fatalf("close of the fenced member = %v, want ErrFenced", err)
	}
	if msg := receiveAck(t, chB); msg.UUID != published[2].UUID {
		t.Fatalf("b goes on with %s, want p2", msg.Payload)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("close of the winning member: %v", err)
	}
	if off := savedOffset(t, store, "g", "op"); off.Version != 3 {
		t.Errorf("offset version = %d after b's final save, want 3", off.Version)
	}
}

func TestAcksAreCoalesced(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	msgs := make([]*message.Message, 200)
	for i := range msgs {
		msgs[i] = message.NewMessage(newUUID(), nil)
	}
	if err := pub.Publish("op", msgs...); err != nil {
		t.Fatal(err)
	}
	// No periodic flush within the test: only Close saves.
	sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "g", OffsetFlushInterval: time.Hour})
	ch, err := sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	var last *message.Message
	for range msgs {
		last = receiveAck(t, ch)
	}
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	evs, err := store.ReadStream(context.Background(), bus.OffsetStream("g", "op"), eventstore.Forwards, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("200 acks wrote %d offset events, want 1", len(evs))
	}
	want, err := bus.PositionOf(last)
	if err != nil {
		t.Fatal(err)
	}
	if off := savedOffset(t, store, "g", "op"); off.Position != want {
		t.Errorf("saved offset %s, want the last ack %s", off.Position, want)
	}
}

func TestInitialCursorEnd(t *testing.T) {
	tests := []struct {
		name  string
		group string
	}{
		{name: "without group"},
		{name: "with group", group: "late"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, _ := openStore(t)
			pub := newPublisher(t, store)
			publish(t, pub, "op", "old-1", "old-2")
			sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: tt.group, InitialCursor: eventstore.End})
			ch, err := sub.Subscribe(context.Background(), "op")
			if err != nil {
				t.Fatal(err)
			}
			fresh := publish(t, pub, "op", "new")
			if msg := receiveAck(t, ch); msg.UUID != fresh[0].UUID {
				t.Fatalf("got %s, want only what came after Subscribe", msg.Payload)
			}
		})
	}
}

func TestGroupStartingAtEndKeepsItsPlace(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	publish(t, pub, "op", "old")
	cfg := bus.SubscriberConfig{ConsumerGroup: "late", InitialCursor: eventstore.End, OffsetFlushInterval: 5 * time.Millisecond}

	sub := newSubscriber(t, store, cfg)
	if _, err := sub.Subscribe(context.Background(), "op"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the end of the log saved as the group's offset", func() bool { return savedOffset(t, store, "late", "op").Found() })
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}

	// Published while no member ran, before any ack: still delivered.
	missed := publish(t, pub, "op", "while-down")
	sub = newSubscriber(t, store, cfg)
	ch, err := sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	if msg := receiveAck(t, ch); msg.UUID != missed[0].UUID {
		t.Fatalf("got %s, want the message published while the group was down", msg.Payload)
	}
}

func TestTopicAllSkipsOffsetStreams(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	first := append(publish(t, pub, "a", "1"), publish(t, pub, "b-7", "2")...)
	sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "audit", OffsetFlushInterval: 5 * time.Millisecond})
	ch, err := sub.Subscribe(context.Background(), bus.TopicAll)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range first {
		msg := receiveAck(t, ch)
		if msg.UUID != want.UUID {
			t.Fatalf("message %d: got %s, want %s", i, msg.Payload, want.Payload)
		}
		if msg.Metadata.Get(bus.MetaStream) != []string{"a", "b-7"}[i] {
			t.Errorf("message %d: stream %q", i, msg.Metadata.Get(bus.MetaStream))
		}
	}
	eventually(t, "offset saved", func() bool { return savedOffset(t, store, "audit", bus.TopicAll).Found() })
	later := publish(t, pub, "c", "3")
	if msg := receiveAck(t, ch); msg.UUID != later[0].UUID {
		t.Fatalf("got %s (stream %s), want the next published message, not an offset event", msg.Payload, msg.Metadata.Get(bus.MetaStream))
	}
}

func TestCloseEndsSubscriptions(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	publish(t, pub, "op", "x")
	sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "g"})
	chOp, err := sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	chIdle, err := sub.Subscribe(context.Background(), "idle")
	if err != nil {
		t.Fatal(err)
	}
	pending := receive(t, chOp) // delivered, never acked
	if err := sub.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	expectClosed(t, chOp)
	expectClosed(t, chIdle)
	select {
	case <-pending.Context().Done():
	default:
		t.Error("the pending message's context is not cancelled by Close")
	}
	if err := sub.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if _, err := sub.Subscribe(context.Background(), "op"); !errors.Is(err, bus.ErrSubscriberClosed) {
		t.Errorf("subscribe after close = %v, want ErrSubscriberClosed", err)
	}
	if off := savedOffset(t, store, "g", "op"); off.Found() {
		t.Errorf("an unacked message moved the offset to %s", off.Position)
	}

	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("op", message.NewMessage(newUUID(), nil)); !errors.Is(err, bus.ErrPublisherClosed) {
		t.Errorf("publish after close = %v, want ErrPublisherClosed", err)
	}
}

func TestStoreClosedEndsSubscription(t *testing.T) {
	store, _ := openStore(t)
	publish(t, newPublisher(t, store), "op", "x")
	sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "g", OffsetFlushInterval: time.Hour})
	ch, err := sub.Subscribe(context.Background(), "op")
	if err != nil {
		t.Fatal(err)
	}
	receiveAck(t, ch)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, ch)
	// The ack could not be saved any more: Close says so.
	if err := sub.Close(); !errors.Is(err, eventstore.ErrClosed) {
		t.Errorf("close = %v, want the failed offset save (ErrClosed)", err)
	}
}
