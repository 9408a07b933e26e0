package domain

import "time"

// Payload is the body of an event: a plain struct with snake_case JSON tags.
// Its type name is stable forever (a changed schema gets a new version and an
// upcaster, never a new meaning under the old name). Aggregates raise
// payloads as pointers, and registered constructors return pointers, so an
// apply function switches on one form.
type Payload interface {
	// EventType is the stable type name, e.g. "jointops.operation.activated".
	EventType() string
	// SchemaVersion is the version of the payload schema for the type, ≥ 1.
	SchemaVersion() uint32
}

// Event is a payload with the facts of its decision: when it happened in the
// field, when the server recorded it, how late it arrived and who acted. The
// application layer stores Type, SchemaVersion and Payload as the event and
// the rest as envelope metadata; it must keep all of them, because replay and
// the compliance rules read them back.
type Event struct {
	Type          string
	SchemaVersion uint32
	// OccurredAt is the field clock's time of the fact, as the caller gave it.
	OccurredAt time.Time
	// RecordedAt is the server clock's time of the decision.
	RecordedAt time.Time
	// LateBy is how much later than OccurredAt the fact was recorded, when
	// that exceeds the policy's lateness threshold; zero otherwise.
	LateBy time.Duration
	// Actor is who decided: agency, person, unit.
	Actor   Actor
	Payload Payload
}

// Late reports whether the event was recorded late (an offline unit).
func (e Event) Late() bool { return e.LateBy > 0 }

// Registry learns every event type so the application layer can
// (de)serialize payloads. It is declared here, implemented by the
// application, and filled by the RegisterEvents functions of the aggregate
// packages (see package catalog) — never by init().
type Registry interface {
	// Register announces an event type, its schema version and a
	// constructor of an empty payload (a pointer) to unmarshal into.
	Register(eventType string, schemaVersion uint32, newPayload func() Payload)
}

// Register registers each constructor under the type and version its payload
// reports, so the name and version are written once, on the payload type.
func Register(r Registry, constructors ...func() Payload) {
	for _, newPayload := range constructors {
		p := newPayload()
		r.Register(p.EventType(), p.SchemaVersion(), newPayload)
	}
}
