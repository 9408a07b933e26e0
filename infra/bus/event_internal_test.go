package bus

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func TestMessageOfIsTheDeliveredMessage(t *testing.T) {
	ev := eventstore.RecordedEvent{
		ID:            uuid.MustParse("0f8e2b1c-3d4a-4b5c-9d6e-7f8091a2b3c4"),
		Type:          "jointops.fieldlog.position_reported",
		SchemaVersion: 2,
		Stream:        "unitlog-1-2",
		Revision:      41,
		Position:      eventstore.Position{Commit: 900, Prepare: 900},
		RecordedAt:    time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC),
		Data:          []byte(`{"n":1}`),
		Metadata:      []byte(`{"correlation_id":"c-1"}`),
	}
	msg := MessageOf(ev)
	want := map[string]string{
		MetaEventID: ev.ID.String(), MetaStream: "unitlog-1-2", MetaRevision: "41", MetaPosition: "900/900",
		MetaEventType: ev.Type, MetaSchemaVersion: "2", MetaRecordedAt: "2026-03-01T08:00:00.123456789Z",
		"correlation_id": "c-1",
	}
	if msg.UUID != ev.ID.String() {
		t.Errorf("UUID = %q, want the event ID %s", msg.UUID, ev.ID)
	}
	for k, v := range want {
		if got := msg.Metadata.Get(k); got != v {
			t.Errorf("metadata %s = %q, want %q", k, got, v)
		}
	}
	if len(msg.Metadata) != len(want) {
		t.Errorf("metadata = %v, want exactly %v", msg.Metadata, want)
	}
	if p, err := PositionOf(msg); err != nil || p != ev.Position {
		t.Errorf("PositionOf = %v, %v; want %v", p, err, ev.Position)
	}
	msg.Payload[0] = 'x'
	if ev.Data[0] != '{' {
		t.Error("the message shares its payload with the event")
	}
}
