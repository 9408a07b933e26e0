package bus_test

import (
	"bytes"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// TestRecordedIsTheStoredEvent: a delivered message carries the event as
// stored, including the metadata its flattened message metadata loses (an
// event metadata key that an envelope key overwrites).
func TestRecordedIsTheStoredEvent(t *testing.T) {
	store, _ := openStore(t)
	ev := eventstore.EventData{ID: uuid.New(), Type: "test.clash", SchemaVersion: 1,
		Data: []byte(`{"n":1}`), Metadata: []byte(`{"recorded_at":"2020-01-01T00:00:00Z","actor":"x"}`)}
	if _, err := store.Append(t.Context(), "clash", eventstore.Any(), ev); err != nil {
		t.Fatal(err)
	}
	sub := newSubscriber(t, store, bus.SubscriberConfig{ConsumerGroup: "g"})
	ch, err := sub.Subscribe(t.Context(), bus.TopicAll)
	if err != nil {
		t.Fatal(err)
	}
	msg := receiveAck(t, ch)
	if got := msg.Metadata.Get(bus.MetaRecordedAt); got == "2020-01-01T00:00:00Z" {
		t.Fatalf("the envelope's recorded_at lost to the event's own (%s): the clash this test is about is gone", got)
	}
	got, ok := bus.Recorded(msg)
	if !ok {
		t.Fatal("Recorded: no event on a delivered message")
	}
	if got.ID != ev.ID || got.Stream != "clash" || !bytes.Equal(got.Metadata, ev.Metadata) || !bytes.Equal(got.Data, ev.Data) {
		t.Fatalf("Recorded = %+v, want the stored event %+v", got, ev)
	}
	if _, ok := bus.Recorded(bus.MessageOf(got)); ok {
		t.Fatal("Recorded answered for a message no subscriber delivered")
	}
}
