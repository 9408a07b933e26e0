package domaintest

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/jointops/jointops/domain"
)

// CheckSnapshots proves that the snapshots of an aggregate are a faithful
// cache of its fold. For every prefix of history (one event or more) it
// snapshots an aggregate that replayed the prefix, restores the snapshot
// into a fresh aggregate and replays the rest of history into it. The
// result must have the same state (SameState) as an aggregate that replayed
// all of history, encode to the same snapshot, and take each decision of
// then alike, in order: the same events, or the same refusal.
func CheckSnapshots[A domain.Snapshotter](t testing.TB, newAggregate func() A, history []domain.Payload, then []func(A) error) {
	t.Helper()
	events := stamped(history)
	for split := 1; split <= len(events); split++ {
		full := newAggregate()
		for _, e := range events {
			full.Replay(e)
		}
		prefix := newAggregate()
		for _, e := range events[:split] {
			prefix.Replay(e)
		}
		snap, err := prefix.Snapshot()
		if err != nil {
			t.Fatalf("snapshot after %d events: %v", split, err)
		}
		restored := newAggregate()
		if err := restored.RestoreSnapshot(uint64(split), snap); err != nil {
			t.Fatalf("restore the snapshot after %d events: %v\n%s", split, err, snap)
		}
		for _, e := range events[split:] {
			restored.Replay(e)
		}
		if restored.Version() != full.Version() {
			t.Fatalf("restored after %d events and replayed the rest: version %d, want %d", split, restored.Version(), full.Version())
		}
		if err := SameState(full, restored); err != nil {
			t.Fatalf("restored after %d events and replayed the rest: %v", split, err)
		}
		sameSnapshot(t, full, restored, split)
		for i, decide := range then {
			errFull, errRestored := decide(full), decide(restored)
			if (errFull == nil) != (errRestored == nil) || (errFull != nil && errFull.Error() != errRestored.Error()) {
				t.Fatalf("restored after %d events, decision %d: %v; replayed in full: %v", split, i, errRestored, errFull)
			}
			if got, want := restored.Changes(), full.Changes(); !reflect.DeepEqual(got, want) {
				t.Fatalf("restored after %d events, decision %d raised%s\nreplayed in full:%s", split, i, render(payloads(got)), render(payloads(want)))
			}
			full.Commit()
			restored.Commit()
		}
		if err := SameState(full, restored); err != nil {
			t.Fatalf("restored after %d events, after the decisions: %v", split, err)
		}
	}
}

func sameSnapshot(t testing.TB, a, b domain.Snapshotter, split int) {
	t.Helper()
	sa, err := a.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sa, sb) {
		t.Fatalf("restored after %d events and replayed the rest, it snapshots to\n%s\nreplayed in full:\n%s", split, sb, sa)
	}
}

// stamped makes recorded events of payloads, as Given does.
func stamped(history []domain.Payload) []domain.Event {
	events := make([]domain.Event, len(history))
	for i, p := range history {
		events[i] = domain.Event{Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: T0(), RecordedAt: T0(), Payload: p}
	}
	return events
}

func payloads(events []domain.Event) []domain.Payload {
	out := make([]domain.Payload, len(events))
	for i, e := range events {
		out[i] = e.Payload
	}
	return out
}
