package eventlog

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/catalog"
	"github.com/jointops/jointops/infra/eventstore"
)

// Codec turns domain events into stored events and back. Build it with
// NewCodec; it is immutable and safe for concurrent use.
type Codec struct {
	types map[string]registration
}

type registration struct {
	version    uint32
	newPayload func() domain.Payload
}

// NewCodec returns a codec that knows every event type of the domain.
func NewCodec() (*Codec, error) {
	c := &Codec{types: make(map[string]registration)}
	r := &registry{c: c}
	catalog.RegisterEvents(r)
	if r.err != nil {
		return nil, r.err
	}
	return c, nil
}

// registry implements domain.Registry for NewCodec.
type registry struct {
	c   *Codec
	err error
}

func (r *registry) Register(eventType string, version uint32, newPayload func() domain.Payload) {
	if _, dup := r.c.types[eventType]; dup && r.err == nil {
		r.err = fmt.Errorf("event type %s registered twice", eventType)
	}
	r.c.types[eventType] = registration{version: version, newPayload: newPayload}
}

// Envelope is the command context stored with an event.
type Envelope struct {
	CommandID     uuid.UUID
	CorrelationID uuid.UUID
	Operation     domain.OperationID
}

// Encode returns the stored form of e; id is its event ID.
func (c *Codec) Encode(id uuid.UUID, e domain.Event, env Envelope) (eventstore.EventData, error) {
	reg, ok := c.types[e.Type]
	if !ok {
		return eventstore.EventData{}, fmt.Errorf("encode: unregistered event type %q", e.Type)
	}
	if reg.version != e.SchemaVersion {
		return eventstore.EventData{}, fmt.Errorf("encode %s: schema version %d, registered %d", e.Type, e.SchemaVersion, reg.version)
	}
	data, err := json.Marshal(e.Payload)
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("encode %s: %w", e.Type, err)
	}
	meta, err := json.Marshal(metadata{
		OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt, LateByNanos: int64(e.LateBy),
		Actor: e.Actor, CommandID: env.CommandID, CorrelationID: env.CorrelationID, Operation: env.Operation,
	})
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("encode %s metadata: %w", e.Type, err)
	}
	return eventstore.EventData{ID: id, Type: e.Type, SchemaVersion: e.SchemaVersion, Data: data, Metadata: meta}, nil
}

// Decode returns the domain event of a stored one; known is false for a
// type this build does not know (a newer writer's), which callers skip.
func (c *Codec) Decode(r eventstore.RecordedEvent) (e domain.Event, known bool, err error) {
	reg, ok := c.types[r.Type]
	if !ok || r.SchemaVersion != reg.version {
		// A version without an upcaster is as unknown as a new type.
		return domain.Event{}, false, nil
	}
	p, err := decodePayload(reg, r.Type, r.SchemaVersion, r.Data)
	if err != nil {
		return domain.Event{}, false, fmt.Errorf("decode %s %s@%d: %w", r.Type, r.Stream, r.Revision, err)
	}
	m, err := decodeMetadata(r.Metadata)
	if err != nil {
		return domain.Event{}, false, fmt.Errorf("decode metadata of %s@%d: %w", r.Stream, r.Revision, err)
	}
	return domain.Event{
		Type: r.Type, SchemaVersion: r.SchemaVersion,
		OccurredAt: m.OccurredAt, RecordedAt: m.RecordedAt, LateBy: time.Duration(m.LateByNanos),
		Actor: m.Actor, Payload: p,
	}, true, nil
}
