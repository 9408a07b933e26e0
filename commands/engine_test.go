package commands

import (
	"errors"
	"math"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// The handlers are exercised end to end on the real SQLite store in
// infra/eventlog (this package may not import infra/); these are the pure
// parts of the engine.

func TestRefusalRoundTrip(t *testing.T) {
	var p domain.Problems
	p.Add("entry.id", "required")
	tests := []struct {
		name string
		err  error
		kind error
	}{
		{"validation", p.Err(), domain.ErrInvalid},
		{"rejection", domain.Reject("x.rule", "no %d", 1), domain.ErrRejected},
		{"forbidden", domain.Forbid("x.who", "not you"), domain.ErrForbidden},
		{"not found", domain.Missing("x.what", "nothing"), domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := refusalOf(tt.err)
			if !ok {
				t.Fatal("not recognised as a refusal")
			}
			back := r.Err()
			if !errors.Is(back, tt.kind) || back.Error() != tt.err.Error() {
				t.Fatalf("rebuilt %v (%T), want %v", back, back, tt.err)
			}
		})
	}
	for _, transient := range []error{ErrConflict, errors.New("disk on fire")} {
		if _, ok := refusalOf(transient); ok {
			t.Errorf("%v recorded as a refusal: a retry must run it again", transient)
		}
	}
}

func TestFingerprintTellsCommandsApart(t *testing.T) {
	a := Principal{Role: RoleFieldUnit, Subject: uuid.New()}
	b := a
	b.Subject = uuid.New()
	base, err := fingerprint("report_position", a, map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	same, _ := fingerprint("report_position", a, map[string]int{"n": 1})
	if base != same {
		t.Fatal("fingerprint not deterministic")
	}
	for name, fp := range map[string]func() ([32]byte, error){
		"use case":  func() ([32]byte, error) { return fingerprint("report_seizure", a, map[string]int{"n": 1}) },
		"principal": func() ([32]byte, error) { return fingerprint("report_position", b, map[string]int{"n": 1}) },
		"body":      func() ([32]byte, error) { return fingerprint("report_position", a, map[string]int{"n": 2}) },
	} {
		got, err := fp()
		if err != nil || got == base {
			t.Errorf("changing the %s does not change the fingerprint (%v)", name, err)
		}
	}
}

type fakeAggregate struct {
	domain.Root
}

func (f *fakeAggregate) Replay(domain.Event) { f.Replayed() }

func TestAggregateCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newAggregateCache(2, math.MaxInt)
	get := func(stream string) domain.Aggregate { a, _ := c.get(stream); return a }
	a, b, d := &fakeAggregate{}, &fakeAggregate{}, &fakeAggregate{}
	c.put("a", a, 0)
	c.put("b", b, 0)
	if get("a") != a { // a is now the most recent
		t.Fatal("a missing")
	}
	c.put("d", d, 0) // evicts b
	if get("b") != nil || get("a") != a || get("d") != d {
		t.Fatal("wrong eviction")
	}
	c.drop("a")
	if get("a") != nil {
		t.Fatal("drop kept a")
	}
}

func TestAggregateCacheClaimsEachSnapshotOnce(t *testing.T) {
	c := newAggregateCache(2, math.MaxInt)
	a := &fakeAggregate{}
	c.put("a", a, 2)
	for range 5 {
		a.Replayed()
	}
	if _, ok := c.claimSnapshot("a", a, 3); ok {
		t.Fatal("claimed at version 5, 3 events past the snapshot at 2; want more than 3")
	}
	a.Replayed()
	previous, ok := c.claimSnapshot("a", a, 3)
	if !ok || previous != 2 {
		t.Fatalf("claim at version 6 = %d, %v; want previous 2, claimed", previous, ok)
	}
	if _, ok := c.claimSnapshot("a", a, 3); ok {
		t.Fatal("the same snapshot claimed twice")
	}
	if _, ok := c.claimSnapshot("a", &fakeAggregate{}, 0); ok {
		t.Fatal("claimed a snapshot of an aggregate that is not the cached one")
	}
	c.unclaimSnapshot("a", 6, previous)
	if _, snap := c.get("a"); snap != 2 {
		t.Fatalf("after unclaiming, the latest snapshot is at %d, want 2", snap)
	}
	if _, ok := c.claimSnapshot("a", a, 3); !ok {
		t.Fatal("an unclaimed snapshot cannot be claimed again")
	}
}

func TestParseCommandID(t *testing.T) {
	for _, bad := range []string{"", "nope", uuid.Nil.String()} {
		if _, err := ParseCommandID(bad); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("ParseCommandID(%q) = %v, want ErrInvalid", bad, err)
		}
	}
	u := uuid.New()
	id, err := ParseCommandID(u.String())
	if err != nil || id.String() != u.String() {
		t.Fatalf("ParseCommandID = %v, %v", id, err)
	}
}

func TestNewPrincipal(t *testing.T) {
	agency, _ := domain.NewAgencyID(uuid.New())
	if _, err := NewPrincipal(agency, uuid.New(), "superuser"); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("unknown role accepted: %v", err)
	}
	p, err := NewPrincipal(agency, uuid.New(), RoleFieldUnit)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Unit(); !ok {
		t.Fatal("field unit without a unit")
	}
	if _, ok := p.Person(); ok {
		t.Fatal("field unit with a person")
	}
	if a := p.Actor(); a.Unit.IsZero() || !a.Person.IsZero() {
		t.Fatalf("actor %+v", a)
	}
	for _, r := range []Role{RoleObserver, RoleInvestigator} {
		if err := (Principal{Role: r}).mayWrite(); !errors.Is(err, domain.ErrForbidden) {
			t.Errorf("%s may write", r)
		}
	}
}
