package domaintest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
)

// Case is one Given/When/Then scenario of an aggregate. Exactly one of Then,
// Reject and Invalid states the expected outcome.
type Case[A domain.Aggregate] struct {
	Name string
	// Given are the payloads already in the aggregate's stream.
	Given []domain.Payload
	// When runs the decision under test.
	When func(A) error
	// Then are the payloads the decision must raise, in order.
	Then []domain.Payload
	// Reject is the rejection code the decision must return; Kind, if set,
	// is the kind it must be (ErrRejected, ErrForbidden, ErrNotFound).
	Reject domain.Code
	Kind   error
	// Invalid lists field paths of the *domain.ValidationError the
	// decision must return (each must be among its problems).
	Invalid []string
}

// Run runs every case on a fresh aggregate from newAggregate, each as a
// subtest.
func Run[A domain.Aggregate](t *testing.T, newAggregate func() A, cases []Case[A]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			outcomes := 0
			for _, set := range []bool{c.Then != nil, c.Reject != "", c.Invalid != nil} {
				if set {
					outcomes++
				}
			}
			if outcomes != 1 || c.When == nil {
				t.Fatalf("case %q must have a When and exactly one of Then, Reject, Invalid", c.Name)
			}
			r := Given(t, newAggregate(), c.Given...).When(c.When)
			switch {
			case c.Then != nil:
				r.Then(c.Then...)
			case c.Reject != "":
				r.ThenRejected(c.Reject, c.Kind)
			default:
				r.ThenInvalid(c.Invalid...)
			}
		})
	}
}

// Scenario is an aggregate with its history replayed.
type Scenario[A domain.Aggregate] struct {
	t   testing.TB
	agg A
}

// Given replays the payloads into agg as recorded events stamped at T0.
func Given[A domain.Aggregate](t testing.TB, agg A, history ...domain.Payload) *Scenario[A] {
	t.Helper()
	return GivenEvents(t, agg, stamped(history)...)
}

// GivenEvents replays full events into agg.
func GivenEvents[A domain.Aggregate](t testing.TB, agg A, history ...domain.Event) *Scenario[A] {
	t.Helper()
	for _, e := range history {
		agg.Replay(e)
	}
	if got := agg.Version(); got != uint64(len(history)) {
		t.Fatalf("after replaying %d events Version() = %d", len(history), got)
	}
	if n := len(agg.Changes()); n != 0 {
		t.Fatalf("replay raised %d changes; replay must only fold", n)
	}
	return &Scenario[A]{t: t, agg: agg}
}

// Aggregate returns the aggregate with its history replayed, for tests of
// its read methods.
func (s *Scenario[A]) Aggregate() A { return s.agg }

// When runs a decision and captures its outcome.
func (s *Scenario[A]) When(decide func(A) error) *Result[A] {
	err := decide(s.agg)
	return &Result[A]{t: s.t, agg: s.agg, err: err, changes: s.agg.Changes()}
}

// Result is the outcome of a decision.
type Result[A domain.Aggregate] struct {
	t       testing.TB
	agg     A
	err     error
	changes []domain.Event
}

// Then asserts the decision succeeded and raised exactly want.
func (r *Result[A]) Then(want ...domain.Payload) *Result[A] {
	r.t.Helper()
	if r.err != nil {
		r.t.Fatalf("decision failed: %v", r.err)
	}
	got := make([]domain.Payload, len(r.changes))
	for i, e := range r.changes {
		got[i] = e.Payload
		if e.Type != e.Payload.EventType() || e.SchemaVersion != e.Payload.SchemaVersion() {
			r.t.Errorf("event %d: envelope %s v%d does not match payload %s v%d",
				i, e.Type, e.SchemaVersion, e.Payload.EventType(), e.Payload.SchemaVersion())
		}
	}
	if (len(got) != 0 || len(want) != 0) && !reflect.DeepEqual(got, want) {
		r.t.Fatalf("raised events differ\n got: %s\nwant: %s", render(got), render(want))
	}
	return r
}

// ThenRejected asserts the decision returned a *domain.Rejection with code
// (and kind, when not nil) and raised nothing.
func (r *Result[A]) ThenRejected(code domain.Code, kind error) *Result[A] {
	r.t.Helper()
	r.noChanges()
	got, ok := domain.CodeOf(r.err)
	if !ok {
		r.t.Fatalf("error %v: want rejection %s", r.err, code)
	}
	if got != code {
		r.t.Fatalf("rejected with %s (%v), want %s", got, r.err, code)
	}
	if kind != nil && !errors.Is(r.err, kind) {
		r.t.Fatalf("rejection %v is not of kind %v", r.err, kind)
	}
	return r
}

// ThenInvalid asserts the decision returned a *domain.ValidationError with a
// problem at each of fields, and raised nothing.
func (r *Result[A]) ThenInvalid(fields ...string) *Result[A] {
	r.t.Helper()
	r.noChanges()
	var v *domain.ValidationError
	if !errors.As(r.err, &v) || !errors.Is(r.err, domain.ErrInvalid) {
		r.t.Fatalf("error %v: want a validation error", r.err)
	}
	for _, f := range fields {
		found := false
		for _, p := range v.Problems {
			found = found || p.Field == f
		}
		if !found {
			r.t.Errorf("no problem with %q in %v", f, r.err)
		}
	}
	return r
}

func (r *Result[A]) noChanges() {
	r.t.Helper()
	if len(r.changes) != 0 {
		var got []domain.Payload
		for _, e := range r.changes {
			got = append(got, e.Payload)
		}
		r.t.Errorf("a failed decision raised events: %s", render(got))
	}
}

// Events returns the raised events with their envelopes.
func (r *Result[A]) Events() []domain.Event { return r.changes }

// Aggregate returns the aggregate after the decision.
func (r *Result[A]) Aggregate() A { return r.agg }

// Err returns the decision's error.
func (r *Result[A]) Err() error { return r.err }

func render(ps []domain.Payload) string {
	var b strings.Builder
	for _, p := range ps {
		j, err := json.Marshal(p)
		if err != nil {
			j = fmt.Appendf(nil, "%+v (unmarshalable: %v)", p, err)
		}
		fmt.Fprintf(&b, "\n  %s %s", p.EventType(), j)
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}
