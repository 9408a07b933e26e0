package eventlog_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
)

func TestCodecRoundTripAndEnvelope(t *testing.T) {
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	l := fieldlog.New(opID, dt.Unit(7))
	in := position(7, 1, partner, now.Add(-3*time.Hour))
	if err := l.ReportPosition(dt.MetaAt(t, unit7.Actor(), in.OccurredAt, now), in.Entry, in.Body); err != nil {
		t.Fatal(err)
	}
	e := l.Changes()[0]
	env := eventlog.Envelope{CommandID: uuid.New(), CorrelationID: uuid.New(), Operation: opID}
	id := uuid.New()
	stored, err := codec.Encode(id, e, env)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal(stored.Metadata, &meta); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"occurred_at", "recorded_at", "late_by_ns", "actor", "command_id", "correlation_id", "operation_id"} {
		if _, ok := meta[field]; !ok {
			t.Errorf("metadata lacks %s: %s", field, stored.Metadata)
		}
	}
	if stored.ID != id || stored.Type != e.Type || stored.SchemaVersion != e.SchemaVersion {
		t.Fatalf("stored as %s %s@%d", stored.ID, stored.Type, stored.SchemaVersion)
	}

	back, known, err := codec.Decode(eventstore.RecordedEvent{Type: stored.Type, SchemaVersion: stored.SchemaVersion,
		Data: stored.Data, Metadata: stored.Metadata})
	if err != nil || !known {
		t.Fatalf("decode: known %v, %v", known, err)
	}
	if !reflect.DeepEqual(back, e) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, e)
	}
}

func TestCodecSkipsUnknownTypes(t *testing.T) {
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []eventstore.RecordedEvent{
		{Type: "jointops.from.the.future", SchemaVersion: 1, Data: []byte(`{}`)},
		{Type: fieldlog.PositionReportedType, SchemaVersion: 99, Data: []byte(`{}`)},
	} {
		if _, known, err := codec.Decode(r); known || err != nil {
			t.Errorf("%s@%d: known %v, err %v; want skipped", r.Type, r.SchemaVersion, known, err)
		}
	}
	if _, err := codec.Encode(uuid.New(), domain.Event{Type: "jointops.unregistered", SchemaVersion: 1}, eventlog.Envelope{}); err == nil {
		t.Fatal("encoded an unregistered type")
	}
}

// TestStreamWithUnknownEventsTakesCommands: an event a newer build wrote is
// counted by the aggregate, so commands on the stream still expect the
// right revision.
func TestStreamWithUnknownEventsTakesCommands(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	stream := fieldlog.Stream(opID, dt.Unit(7))
	if _, err := e.h.ReportPosition(ctx, unit7, cmdID(), position(7, 1, partner, now)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Append(ctx, stream, eventstore.Exact(0), eventstore.EventData{ID: uuid.New(),
		Type: "jointops.fieldlog.from_the_future", SchemaVersion: 1, Data: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	e.restart(t) // a cold aggregate folds the unknown event
	acc, err := e.h.ReportPosition(ctx, unit7, cmdID(), position(7, 2, partner, now))
	if err != nil || acc.Revision != 2 {
		t.Fatalf("report after an unknown event = %+v, %v; want revision 2", acc, err)
	}
}
