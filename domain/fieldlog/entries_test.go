package fieldlog_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// snapshotTables decodes the tables of a log's snapshot: its event types
// and its markings.
func snapshotTables(t *testing.T, l *fieldlog.Log) (types []string, markings []json.RawMessage) {
	t.Helper()
	var snap struct {
		State struct {
			Types    []string          `json:"types"`
			Markings []json.RawMessage `json:"markings"`
		} `json:"state"`
	}
	if err := json.Unmarshal(dt.Must(l.Snapshot()), &snap); err != nil {
		t.Fatal(err)
	}
	return snap.State.Types, snap.State.Markings
}

func TestMarkingsAreKeptOnce(t *testing.T) {
	h1 := dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPAmber, Evaluation: b2,
		Handling: []marking.HandlingCode{marking.H1}}))
	tests := []struct {
		name     string
		cycle    []marking.Marking // of the reports, in turn
		distinct int
	}{
		{"one marking", []marking.Marking{amber}, 1},
		{"two alternating", []marking.Marking{amber, green}, 2},
		{"four in turn", []marking.Marking{amber, green, h1, clear}, 4},
		{"back and forth", []marking.Marking{amber, green, clear, green}, 3},
		{"equal but not the same value", []marking.Marking{amber, dt.Must(marking.New(amber.Spec()))}, 1},
		{"differing only in handling", []marking.Marking{amber, h1}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 40
			l := newLog()
			for i := range n {
				h := header(uint64(i + 1))
				h.Marking = tt.cycle[i%len(tt.cycle)]
				l.Replay(domain.Event{Payload: &fieldlog.PositionReported{Header: h, Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}}})
			}
			if _, markings := snapshotTables(t, l); len(markings) != tt.distinct {
				t.Fatalf("%d reports keep %d markings, want %d", n, len(markings), tt.distinct)
			}
			for i := range n {
				want := tt.cycle[i%len(tt.cycle)]
				if got, ok := l.Marking(dt.Report(uint64(i + 1))); !ok || !got.Equal(want) {
					t.Fatalf("report %d: marking %+v, want %+v", i+1, got.Spec(), want.Spec())
				}
			}
		})
	}
}

func TestRelaxingToAKnownMarkingKeepsNoNewOne(t *testing.T) {
	report := func(n uint64, m marking.Marking) *fieldlog.PositionReported {
		p := positioned(n, pt)
		p.Marking = m
		return p
	}
	l := dt.Given(t, newLog(),
		report(1, amber), report(2, green), report(3, clear),
		&fieldlog.MarkingRelaxed{ReportID: dt.Report(4), OperationID: opID, UnitID: unit, Report: dt.Report(1), From: amber, To: green},
	).Aggregate()
	if m, ok := l.Marking(dt.Report(1)); !ok || !m.Equal(green) {
		t.Fatalf("relaxed report: marking %+v, want GREEN", m.Spec())
	}
	if _, markings := snapshotTables(t, l); len(markings) != 3 {
		t.Fatalf("%d markings kept, want 3 (AMBER, GREEN, CLEAR)", len(markings))
	}
}

// TestSnapshotsOfTheFormerLogAreRead restores a snapshot written by the
// log before its entries became plain values (testdata, of busyLog: it
// lists AMBER twice, as that log did when a report's marking differed from
// the one before): it must restore to the state of folding busyLog, with
// each marking kept once.
func TestSnapshotsOfTheFormerLogAreRead(t *testing.T) {
	old := dt.Must(os.ReadFile("testdata/snapshot-format1-busylog.json"))
	events := busyLog()
	restored := newLog()
	if err := restored.RestoreSnapshot(uint64(len(events)), old); err != nil {
		t.Fatal(err)
	}
	replayed := dt.Given(t, newLog(), events...).Aggregate()
	if err := dt.SameState(replayed, restored); err != nil {
		t.Fatalf("restored from the former snapshot: %v", err)
	}
	if a, b := dt.Must(replayed.Snapshot()), dt.Must(restored.Snapshot()); !bytes.Equal(a, b) {
		t.Fatalf("restored from the former snapshot, it snapshots to\n%s\nreplayed:\n%s", b, a)
	}
	if _, markings := snapshotTables(t, restored); len(markings) != 3 {
		t.Fatalf("%d markings kept, want 3 (AMBER, GREEN, CLEAR)", len(markings))
	}
	// A decision that reads the restored tables: correct the surveillance
	// start (activity key, AMBER) of busyLog.
	if err := restored.StartSurveillance(now(t, crew), correction(30, 6), survStart); err != nil {
		t.Fatalf("correcting a report of the former snapshot: %v", err)
	}
}

func TestEveryEventTypeIsKept(t *testing.T) {
	var reg dt.Registry
	fieldlog.RegisterEvents(&reg)
	// An ID, and a marking for the reports; the other fields do not matter.
	fields := dt.Must(json.Marshal(map[string]any{"report_id": dt.Report(1), "marking": amber}))
	for _, r := range reg.Registrations {
		t.Run(r.Type, func(t *testing.T) {
			p := r.New()
			if err := json.Unmarshal(fields, p); err != nil {
				t.Fatal(err)
			}
			l := newLog()
			l.Replay(domain.Event{Payload: p})
			if types, _ := snapshotTables(t, l); len(types) != 1 || types[0] != r.Type {
				t.Fatalf("an entry of %s snapshots as of types %q", r.Type, types)
			}
		})
	}
}

func TestWeightIsTheNumberOfEntries(t *testing.T) {
	events := busyLog()
	if w := dt.Given(t, newLog(), events...).Aggregate().Weight(); w != len(events) {
		t.Fatalf("weight %d after %d entries", w, len(events))
	}
	if w := newLog().Weight(); w != 0 {
		t.Fatalf("weight %d of an empty log", w)
	}
}
