package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func TestNewMeta(t *testing.T) {
	now := dt.T0()
	actor := domain.Actor{Agency: dt.Agency(1), Person: dt.Person(2)}
	tests := []struct {
		name     string
		actor    domain.Actor
		occurred time.Time
		policy   domain.TimePolicy
		lateBy   time.Duration
		reject   domain.Code
		invalid  bool
	}{
		{name: "on time", actor: actor, occurred: now},
		{name: "a little late is on time", actor: actor, occurred: now.Add(-domain.DefaultLateAfter)},
		{name: "late by hours: accepted and flagged", actor: actor, occurred: now.Add(-6 * time.Hour), lateBy: 6 * time.Hour},
		{name: "slightly ahead within the skew", actor: actor, occurred: now.Add(domain.DefaultMaxFutureSkew)},
		{name: "too far in the future", actor: actor, occurred: now.Add(domain.DefaultMaxFutureSkew + time.Second),
			reject: domain.CodeOccurredInFuture},
		{name: "a tighter policy", actor: actor, occurred: now.Add(-2 * time.Minute),
			policy: domain.TimePolicy{LateAfter: time.Minute}, lateBy: 2 * time.Minute},
		{name: "a stricter skew", actor: actor, occurred: now.Add(2 * time.Second),
			policy: domain.TimePolicy{MaxFutureSkew: time.Second}, reject: domain.CodeOccurredInFuture},
		{name: "no agency", actor: domain.Actor{Person: dt.Person(2)}, occurred: now, invalid: true},
		{name: "no occurred_at", actor: actor, invalid: true},
		{name: "negative policy", actor: actor, occurred: now, policy: domain.TimePolicy{LateAfter: -time.Second}, invalid: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := domain.NewMeta(tt.actor, tt.occurred, now, tt.policy)
			switch {
			case tt.reject != "":
				if code, _ := domain.CodeOf(err); code != tt.reject || !errors.Is(err, domain.ErrRejected) {
					t.Fatalf("NewMeta = %v, want %s", err, tt.reject)
				}
				return
			case tt.invalid:
				if err == nil {
					t.Fatal("NewMeta accepted it")
				}
				return
			case err != nil:
				t.Fatalf("NewMeta: %v", err)
			}
			if m.LateBy() != tt.lateBy {
				t.Errorf("LateBy() = %s, want %s", m.LateBy(), tt.lateBy)
			}
			if err := m.Check(); err != nil {
				t.Errorf("Check() = %v", err)
			}
			e := m.Event(stubPayload{})
			if e.Type != "jointops.test.stub" || e.SchemaVersion != 3 || e.LateBy != tt.lateBy ||
				!e.OccurredAt.Equal(tt.occurred) || !e.RecordedAt.Equal(now) || e.Actor != tt.actor || e.Late() != (tt.lateBy > 0) {
				t.Errorf("Event() = %+v", e)
			}
		})
	}
}

func TestMetaNormalisesToUTC(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	m, err := domain.NewMeta(domain.Actor{Agency: dt.Agency(1)}, dt.T0().In(cet), dt.T0().In(cet), domain.TimePolicy{})
	if err != nil {
		t.Fatal(err)
	}
	if m.OccurredAt().Location() != time.UTC || m.RecordedAt().Location() != time.UTC {
		t.Errorf("times not in UTC: %s, %s", m.OccurredAt(), m.RecordedAt())
	}
}

func TestZeroMetaIsRefused(t *testing.T) {
	if err := (domain.Meta{}).Check(); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("Check() on the zero Meta = %v", err)
	}
}

func TestTimePolicyDefaults(t *testing.T) {
	p := domain.TimePolicy{}.WithDefaults()
	if p.MaxFutureSkew != domain.DefaultMaxFutureSkew || p.LateAfter != domain.DefaultLateAfter {
		t.Errorf("defaults = %+v", p)
	}
	err := domain.TimePolicy{MaxFutureSkew: -1, LateAfter: -1}.Validate()
	if err == nil || len(err.(interface{ Unwrap() []error }).Unwrap()) != 2 {
		t.Errorf("Validate() = %v, want both problems joined", err)
	}
}

type stubPayload struct{}

func (stubPayload) EventType() string     { return "jointops.test.stub" }
func (stubPayload) SchemaVersion() uint32 { return 3 }
