package bus_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

func TestPublishAppendsOneAtomicBatch(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	msgs := []*message.Message{
		message.NewMessage(newUUID(), []byte("a")),
		message.NewMessage(newUUID(), []byte("b")),
		message.NewMessage(newUUID(), []byte("c")),
	}
	msgs[1].Metadata.Set(bus.MetaEventType, "jointops.test.typed")
	msgs[1].Metadata.Set(bus.MetaSchemaVersion, "2")
	if err := pub.Publish("op-1", msgs...); err != nil {
		t.Fatal(err)
	}
	evs, err := store.ReadStream(context.Background(), "op-1", eventstore.Forwards, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(msgs) {
		t.Fatalf("%d events, want %d", len(evs), len(msgs))
	}
	for i, ev := range evs {
		if ev.ID != bus.EventID("op-1", msgs[i].UUID) || string(ev.Data) != string(msgs[i].Payload) || ev.Revision != uint64(i) {
			t.Errorf("event %d: id %s rev %d data %q", i, ev.ID, ev.Revision, ev.Data)
		}
		if i > 0 && ev.Position.Commit != evs[i-1].Position.Commit+1 {
			t.Errorf("event %d at %s does not follow %s: the batch is not contiguous", i, ev.Position, evs[i-1].Position)
		}
	}
	if evs[0].Type != bus.DefaultEventType || evs[1].Type != "jointops.test.typed" || evs[1].SchemaVersion != 2 {
		t.Errorf("types %q/%q v%d", evs[0].Type, evs[1].Type, evs[1].SchemaVersion)
	}
}

func TestPublishIsIdempotentPerTopic(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	msg := message.NewMessage(newUUID(), []byte("x"))
	for range 2 {
		if err := pub.Publish("op", msg); err != nil {
			t.Fatalf("publish: %v", err)
		}
	}
	// The same message on another topic is another event (a poison queue
	// re-publishes what it got).
	if err := pub.Publish("poison.op", msg); err != nil {
		t.Fatalf("publish to a second topic: %v", err)
	}
	for _, topic := range []string{"op", "poison.op"} {
		evs, err := store.ReadStream(context.Background(), topic, eventstore.Forwards, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 {
			t.Errorf("%s holds %d events, want 1", topic, len(evs))
		}
	}
}

func TestPublishRejectsBadMessages(t *testing.T) {
	store, _ := openStore(t)
	pub := newPublisher(t, store)
	bad := message.NewMessage(newUUID(), nil)
	bad.Metadata.Set(bus.MetaSchemaVersion, "0")
	tests := []struct {
		name string
		msgs []*message.Message
	}{
		{name: "empty UUID", msgs: []*message.Message{message.NewMessage("", nil)}},
		{name: "bad schema version after a good message", msgs: []*message.Message{message.NewMessage(newUUID(), nil), bad}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := pub.Publish("op", tt.msgs...); !errors.Is(err, bus.ErrInvalidMessage) {
				t.Fatalf("err = %v, want ErrInvalidMessage", err)
			}
			if _, err := store.ReadStream(context.Background(), "op", eventstore.Forwards, 0, 1); !errors.Is(err, eventstore.ErrStreamNotFound) {
				t.Errorf("something was appended (read err %v)", err)
			}
		})
	}
}
