package domain

import (
	"errors"
	"fmt"
	"time"
)

// Rejection codes of Meta.
const (
	// CodeOccurredInFuture: occurred_at is later than now plus the tolerated
	// clock skew.
	CodeOccurredInFuture Code = "time.occurred_in_future"
)

// Actor is who issues a command, as established by authentication. Agency
// is always set; Person is the officer; Unit is set when a field unit acts.
type Actor struct {
	Agency AgencyID `json:"agency"`
	Person PersonID `json:"person,omitzero"`
	Unit   UnitID   `json:"unit,omitzero"`
}

// TimePolicy bounds how the field clock may differ from the server clock.
// Field devices drift and go offline: a fact may be recorded hours after it
// occurred (accepted, flagged late) but not noticeably before (rejected).
type TimePolicy struct {
	// MaxFutureSkew is how far occurred_at may be ahead of recorded_at.
	// Default 2 minutes.
	MaxFutureSkew time.Duration
	// LateAfter is the delay from occurred_at to recorded_at above which a
	// fact is flagged late. Default 5 minutes.
	LateAfter time.Duration
}

// Defaults of TimePolicy.
const (
	DefaultMaxFutureSkew = 2 * time.Minute
	DefaultLateAfter     = 5 * time.Minute
)

// WithDefaults returns p with every zero field set to its default.
func (p TimePolicy) WithDefaults() TimePolicy {
	if p.MaxFutureSkew == 0 {
		p.MaxFutureSkew = DefaultMaxFutureSkew
	}
	if p.LateAfter == 0 {
		p.LateAfter = DefaultLateAfter
	}
	return p
}

// Validate reports every problem of the policy.
func (p TimePolicy) Validate() error {
	var errs []error
	if p.MaxFutureSkew < 0 {
		errs = append(errs, fmt.Errorf("time policy: max future skew %s is negative", p.MaxFutureSkew))
	}
	if p.LateAfter < 0 {
		errs = append(errs, fmt.Errorf("time policy: late-after %s is negative", p.LateAfter))
	}
	return errors.Join(errs...)
}

// Meta is what every decision needs from outside the domain: the actor and
// the two clocks. Build it with NewMeta; aggregates refuse the zero Meta.
type Meta struct {
	actor      Actor
	occurredAt time.Time
	recordedAt time.Time
	lateBy     time.Duration
}

// NewMeta checks the actor and the times of a command under policy (zero
// fields take their defaults). occurredAt is the field clock's time of the
// fact; recordedAt is the server's "now". An occurredAt beyond now plus the
// tolerated skew is rejected with CodeOccurredInFuture; an occurredAt later
// than the lateness threshold is accepted and its delay kept.
func NewMeta(actor Actor, occurredAt, recordedAt time.Time, policy TimePolicy) (Meta, error) {
	policy = policy.WithDefaults()
	if err := policy.Validate(); err != nil {
		return Meta{}, err
	}
	var p Problems
	if actor.Agency.IsZero() {
		p.Add("actor.agency", "required")
	}
	if occurredAt.IsZero() {
		p.Add("occurred_at", "required")
	}
	if recordedAt.IsZero() {
		p.Add("recorded_at", "required")
	}
	if err := p.Err(); err != nil {
		return Meta{}, err
	}
	occurredAt, recordedAt = occurredAt.UTC(), recordedAt.UTC()
	if ahead := occurredAt.Sub(recordedAt); ahead > policy.MaxFutureSkew {
		return Meta{}, Reject(CodeOccurredInFuture,
			"occurred_at %s is %s ahead of now %s; at most %s of clock skew is tolerated",
			occurredAt.Format(time.RFC3339), ahead, recordedAt.Format(time.RFC3339), policy.MaxFutureSkew)
	}
	m := Meta{actor: actor, occurredAt: occurredAt, recordedAt: recordedAt}
	if delay := recordedAt.Sub(occurredAt); delay > policy.LateAfter {
		m.lateBy = delay
	}
	return m, nil
}

// Actor returns who acts.
func (m Meta) Actor() Actor { return m.actor }

// OccurredAt returns the field clock's time of the fact (UTC).
func (m Meta) OccurredAt() time.Time { return m.occurredAt }

// RecordedAt returns the server's time of the decision (UTC).
func (m Meta) RecordedAt() time.Time { return m.recordedAt }

// LateBy returns the delay of a late fact, zero when on time.
func (m Meta) LateBy() time.Duration { return m.lateBy }

// Check returns an error that Is ErrInvalid when m was not built by NewMeta.
func (m Meta) Check() error {
	if m.actor.Agency.IsZero() || m.occurredAt.IsZero() || m.recordedAt.IsZero() {
		var p Problems
		p.Add("meta", "missing: build it with NewMeta")
		return p.Err()
	}
	return nil
}

// Event wraps a payload raised by this decision into an Event.
func (m Meta) Event(p Payload) Event {
	return Event{
		Type:          p.EventType(),
		SchemaVersion: p.SchemaVersion(),
		OccurredAt:    m.occurredAt,
		RecordedAt:    m.recordedAt,
		LateBy:        m.lateBy,
		Actor:         m.actor,
		Payload:       p,
	}
}
