package bus

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func TestToEventData(t *testing.T) {
	const topic = "operation-1"
	tests := []struct {
		name       string
		uuid       string
		metadata   map[string]string
		wantType   string
		wantSchema uint32
		wantMeta   map[string]string
		wantErr    error
	}{
		{
			name:       "defaults",
			uuid:       "b3a1f9e2-0c4d-4e5f-8a6b-7c8d9e0f1a2b",
			wantType:   DefaultEventType,
			wantSchema: 1,
			wantMeta:   map[string]string{MetaMessageUUID: "b3a1f9e2-0c4d-4e5f-8a6b-7c8d9e0f1a2b"},
		},
		{
			name:       "type and schema version from metadata, user keys kept",
			uuid:       "01HZX3V2K8Q4",
			metadata:   map[string]string{MetaEventType: "jointops.unit.reported", MetaSchemaVersion: "3", "correlation_id": "c-1"},
			wantType:   "jointops.unit.reported",
			wantSchema: 3,
			wantMeta:   map[string]string{MetaMessageUUID: "01HZX3V2K8Q4", "correlation_id": "c-1"},
		},
		{
			name: "a delivered message becomes a copy that keeps its origin",
			uuid: "u-1",
			metadata: map[string]string{
				MetaEventID: "x", MetaStream: "s", MetaRevision: "1", MetaPosition: "1/1", MetaRecordedAt: "t",
				MetaEventType: "jointops.unit.reported", MetaSchemaVersion: "2",
				MetaMessageUUID: "forged", MetaRawMetadata: "raw", "reason_poisoned": "boom",
			},
			wantType:   DefaultEventType,
			wantSchema: 1,
			wantMeta: map[string]string{
				MetaMessageUUID: "u-1", "reason_poisoned": "boom",
				"origin_event_id": "x", "origin_stream": "s", "origin_revision": "1", "origin_position": "1/1",
				"origin_recorded_at": "t", "origin_event_type": "jointops.unit.reported", "origin_schema_version": "2",
			},
		},
		{
			name:       "stray envelope keys of a new message are dropped",
			uuid:       "u-2",
			metadata:   map[string]string{MetaStream: "s", MetaPosition: "1/1", MetaMessageUUID: "forged"},
			wantType:   DefaultEventType,
			wantSchema: 1,
			wantMeta:   map[string]string{MetaMessageUUID: "u-2"},
		},
		{name: "empty UUID", uuid: "", wantErr: ErrInvalidMessage},
		{name: "schema version zero", uuid: "u", metadata: map[string]string{MetaSchemaVersion: "0"}, wantErr: ErrInvalidMessage},
		{name: "schema version not a number", uuid: "u", metadata: map[string]string{MetaSchemaVersion: "v2"}, wantErr: ErrInvalidMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := message.NewMessage(tt.uuid, []byte(`{"n":1}`))
			maps.Copy(msg.Metadata, tt.metadata)
			ev, err := toEventData(topic, msg, DefaultEventType)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ev.ID != EventID(topic, tt.uuid) {
				t.Errorf("ID = %s, want EventID(topic, uuid) %s", ev.ID, EventID(topic, tt.uuid))
			}
			if ev.Type != tt.wantType || ev.SchemaVersion != tt.wantSchema {
				t.Errorf("type, schema = %q, %d; want %q, %d", ev.Type, ev.SchemaVersion, tt.wantType, tt.wantSchema)
			}
			if string(ev.Data) != `{"n":1}` {
				t.Errorf("data = %s", ev.Data)
			}
			var got map[string]string
			if err := json.Unmarshal(ev.Metadata, &got); err != nil {
				t.Fatalf("metadata %s: %v", ev.Metadata, err)
			}
			if !maps.Equal(got, tt.wantMeta) {
				t.Errorf("metadata = %v, want %v", got, tt.wantMeta)
			}
		})
	}
}

func TestEventID(t *testing.T) {
	const u = "b3a1f9e2-0c4d-4e5f-8a6b-7c8d9e0f1a2b"
	if first, again := EventID("a", u), EventID("a", u); first != again {
		t.Errorf("EventID is not deterministic: %s, then %s", first, again)
	}
	distinct := []uuid.UUID{EventID("a", u), EventID("b", u), EventID("a", "other"), EventID("a\x00b", "c"), EventID("a", "b\x00c")}
	seen := map[uuid.UUID]int{}
	for i, id := range distinct {
		if j, dup := seen[id]; dup {
			t.Errorf("EventID inputs %d and %d collide: %s", j, i, id)
		}
		seen[id] = i
		if id.Version() != 5 {
			t.Errorf("EventID %s is version %d, want 5", id, id.Version())
		}
	}
}

func TestToMessage(t *testing.T) {
	id := uuid.MustParse("1d7c0e4a-3b2f-4c5d-9e8f-0a1b2c3d4e5f")
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("CET", 3600))
	envelope := map[string]string{
		MetaEventID:       id.String(),
		MetaStream:        "unit-9",
		MetaRevision:      "4",
		MetaPosition:      "17/17",
		MetaEventType:     "jointops.unit.reported",
		MetaSchemaVersion: "2",
		MetaRecordedAt:    "2026-03-01T11:00:00.123456789Z",
	}
	tests := []struct {
		name     string
		metadata string
		wantUUID string
		wantMeta map[string]string
	}{
		{name: "no metadata", metadata: "", wantUUID: id.String(), wantMeta: map[string]string{}},
		{
			name:     "published message keeps its UUID",
			metadata: `{"message_uuid":"01HZX3V2K8Q4","test":"v"}`,
			wantUUID: "01HZX3V2K8Q4",
			wantMeta: map[string]string{"test": "v"},
		},
		{
			name:     "non-string values as compact JSON",
			metadata: `{"correlation_id":"c-9","actor": {"agency" : "BE"},"n":3,"ok":true,"none":null}`,
			wantUUID: id.String(),
			wantMeta: map[string]string{"correlation_id": "c-9", "actor": `{"agency":"BE"}`, "n": "3", "ok": "true", "none": "null"},
		},
		{
			name:     "envelope wins over stored keys",
			metadata: `{"stream":"forged","position":"1/1"}`,
			wantUUID: id.String(),
			wantMeta: map[string]string{},
		},
		{name: "not an object", metadata: `[1,2]`, wantUUID: id.String(), wantMeta: map[string]string{MetaRawMetadata: `[1,2]`}},
		{name: "not JSON", metadata: `\x00garbage`, wantUUID: id.String(), wantMeta: map[string]string{MetaRawMetadata: `\x00garbage`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte("payload")
			ev := eventstore.RecordedEvent{
				ID: id, Type: "jointops.unit.reported", SchemaVersion: 2, Stream: "unit-9", Revision: 4,
				Position: eventstore.Position{Commit: 17, Prepare: 17}, RecordedAt: at,
				Data: data, Metadata: []byte(tt.metadata),
			}
			msg := toMessage(ev)
			if msg.UUID != tt.wantUUID {
				t.Errorf("UUID = %q, want %q", msg.UUID, tt.wantUUID)
			}
			want := maps.Clone(tt.wantMeta)
			maps.Copy(want, envelope)
			if !maps.Equal(map[string]string(msg.Metadata), want) {
				t.Errorf("metadata = %v\nwant %v", msg.Metadata, want)
			}
			msg.Payload[0] = 'X'
			if string(data) != "payload" {
				t.Error("the message payload aliases the event's data")
			}
			pos, err := PositionOf(msg)
			if err != nil || pos != ev.Position {
				t.Errorf("PositionOf = %v, %v; want %v", pos, err, ev.Position)
			}
		})
	}
}

func TestPublishedMessageRoundTrip(t *testing.T) {
	msg := message.NewMessage("7e57", []byte("p"))
	msg.Metadata.Set("correlation_id", "c-1")
	msg.Metadata.Set(MetaEventType, "jointops.test.happened")
	ev, err := toEventData("t", msg, DefaultEventType)
	if err != nil {
		t.Fatal(err)
	}
	got := toMessage(eventstore.RecordedEvent{ID: ev.ID, Type: ev.Type, SchemaVersion: ev.SchemaVersion, Stream: "t", Data: ev.Data, Metadata: ev.Metadata})
	if got.UUID != msg.UUID || string(got.Payload) != "p" {
		t.Errorf("round trip: UUID %q payload %q", got.UUID, got.Payload)
	}
	for k, v := range msg.Metadata {
		if got.Metadata.Get(k) != v {
			t.Errorf("metadata %s = %q, want %q", k, got.Metadata.Get(k), v)
		}
	}
	if got.Metadata.Get(MetaEventID) != ev.ID.String() {
		t.Errorf("event id = %q, want %s", got.Metadata.Get(MetaEventID), ev.ID)
	}
}

func TestPositionOfMissingOrMalformed(t *testing.T) {
	for _, v := range []string{"", "17", "a/b"} {
		msg := message.NewMessage("u", nil)
		if v != "" {
			msg.Metadata.Set(MetaPosition, v)
		}
		if _, err := PositionOf(msg); !errors.Is(err, ErrNoPosition) {
			t.Errorf("PositionOf(%q) err = %v, want ErrNoPosition", v, err)
		}
	}
}
