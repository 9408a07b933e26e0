package fieldlog_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
)

var (
	survHandover = fieldlog.SurveillanceHandover{Activity: surv, ToAgency: dt.Agency(5)}
	survEnd      = fieldlog.SurveillanceEnd{Activity: surv, Reason: fieldlog.EndCompleted}
	pursCease    = fieldlog.PursuitCease{Activity: purs, Reason: fieldlog.CeaseTargetLost, Point: ptAlt}
	note2        = dt.Notification(2)
	subj2        = dt.Subject(2)
	seizure      = fieldlog.Seizure{CustodyID: "DE-BPOL-2025-0042", Description: "2 kg cocaine", Subject: subj}
)

// busyLog is the history of a unit that used every kind of entry: reports
// corrected, relaxed and retracted, a surveillance handed over, a pursuit
// ceased, notifications acknowledged or not, persons apprehended and handed
// over, an item seized.
func busyLog() []domain.Payload {
	n2 := notification
	n2.Notification = note2
	a2 := apprehension
	a2.Subject = subj2
	return ps(
		positioned(1, pt),
		&fieldlog.PositionReported{Header: correctionHeader(2, 1), Position: fieldlog.Position{Point: ptAlt, Source: fieldlog.SourceGPS}},
		&fieldlog.MarkingRelaxed{ReportID: dt.Report(3), OperationID: opID, UnitID: unit, Report: dt.Report(2), From: amber, To: green},
		positioned(4, pt), retracted(5, 4),
		survStarted(6),
		&fieldlog.SurveillanceHandedOver{Header: header(7), SurveillanceHandover: survHandover},
		pursStarted(8),
		&fieldlog.PursuitCeased{Header: header(9), PursuitCease: pursCease},
		&fieldlog.HostNotified{Header: header(10), HostNotification: notification},
		&fieldlog.HostNotificationAcknowledged{Header: header(11), HostAcknowledgement: fieldlog.HostAcknowledgement{
			Notification: note, AcknowledgedBy: "CCPD Kehl, duty officer", Authorised: true}},
		&fieldlog.HostNotified{Header: header(12), HostNotification: n2},
		&fieldlog.PersonApprehended{Header: header(13), Apprehension: apprehension},
		&fieldlog.PersonHandedOver{Header: header(14), PersonHandover: fieldlog.PersonHandover{Subject: subj, ToAgency: dt.Agency(5)}},
		&fieldlog.PersonApprehended{Header: header(15), Apprehension: a2},
		&fieldlog.ItemSeized{Header: header(16), Seizure: seizure},
		&fieldlog.PositionReported{Header: fieldlog.Header{ReportID: dt.Report(17), OperationID: opID, UnitID: unit, Marking: clear},
			Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}},
	)
}

func TestSnapshotRestoreThenReplayIsReplay(t *testing.T) {
	position := fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}
	dt.CheckSnapshots(t, newLog, busyLog(), []func(*fieldlog.Log) error{
		func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), entry(17), position) },         // refused: duplicate
		func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(18, 4), position) }, // refused: retracted
		func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(18, 1), position) }, // refused: corrected
		func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(18, 2), position) },
		func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(19), dt.Report(18), clear) },
		func(l *fieldlog.Log) error {
			return l.Retract(now(t, crew), dt.Report(20), dt.Report(18), "wrong place")
		},
		func(l *fieldlog.Log) error { return l.NotifyHost(now(t, crew), entry(21), notification) }, // refused: exists
		func(l *fieldlog.Log) error {
			return l.AcknowledgeHostNotification(now(t, crew), entry(22), fieldlog.HostAcknowledgement{Notification: note2, AcknowledgedBy: "PAF"})
		},
		func(l *fieldlog.Log) error { return l.EndSurveillance(now(t, crew), entry(23), survEnd) },         // refused: handed over
		func(l *fieldlog.Log) error { return l.CeasePursuit(now(t, crew), entry(23), pursCease) },          // refused: ceased
		func(l *fieldlog.Log) error { return l.ReportApprehension(now(t, crew), entry(23), apprehension) }, // handed over: may be held again
		func(l *fieldlog.Log) error { return l.ReportApprehension(now(t, crew), entry(24), apprehension) }, // refused: in custody
		func(l *fieldlog.Log) error {
			return l.ReportPersonHandover(now(t, crew), entry(25), fieldlog.PersonHandover{Subject: subj2, ToAgency: dt.Agency(5)})
		},
		func(l *fieldlog.Log) error { return l.ReportSeizure(now(t, crew), entry(26), seizure) },                 // refused: custody ID reused
		func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(27), dt.Report(17), green) }, // refused: not a relaxation
	})
}

func TestSnapshotRefusals(t *testing.T) {
	replayed := func() *fieldlog.Log { return dt.Given(t, newLog(), busyLog()...).Aggregate() }
	snap, err := replayed().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	otherUnit, err := dt.Given(t, fieldlog.New(opID, dt.Unit(8)), positioned(1, pt)).Aggregate().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Snapshots of the right shape whose entry columns do not add up.
	columns := func(edit func(state map[string]any)) []byte {
		id := dt.Report(1).UUID()
		state := map[string]any{
			"operation": opID, "unit": unit, "types": []string{fieldlog.PositionReportedType},
			"entry_ids": id[:], "entry_types": []byte{0}, "entry_markings": []byte{0}, "entry_flags": []byte{0},
		}
		edit(state)
		return dt.Must(json.Marshal(map[string]any{"kind": "fieldlog", "format": 1, "state": state}))
	}
	if err := newLog().RestoreSnapshot(1, columns(func(map[string]any) {})); err != nil {
		t.Fatalf("the well-formed columns are refused: %v", err)
	}
	tests := []struct {
		name    string
		into    func() *fieldlog.Log
		version uint64
		b       []byte
	}{
		{"a snapshot of another unit's log", newLog, 1, otherUnit},
		{"into a log that replayed events", replayed, 3, snap},
		{"a marking index out of range", newLog, 1, columns(func(s map[string]any) { s["entry_markings"] = []byte{4} })},
		{"a type index out of range", newLog, 1, columns(func(s map[string]any) { s["entry_types"] = []byte{1} })},
		{"an event type of no field log", newLog, 1, columns(func(s map[string]any) { s["types"] = []string{"x"} })},
		{"columns of unequal length", newLog, 1, columns(func(s map[string]any) { s["entry_flags"] = []byte{0, 0} })},
		{"a partial entry ID", newLog, 1, columns(func(s map[string]any) { s["entry_ids"] = []byte{1, 2, 3} })},
		{"a key of no entry", newLog, 1, columns(func(s map[string]any) { s["entry_keys"] = []map[string]any{{"entry": 5, "key": "k"}} })},
		{"a corrupt snapshot", newLog, 3, snap[1:]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.into().RestoreSnapshot(tt.version, tt.b); !errors.Is(err, domain.ErrSnapshotUnusable) {
				t.Fatalf("RestoreSnapshot = %v, want ErrSnapshotUnusable", err)
			}
		})
	}
	pending := replayed()
	if err := pending.ReportPosition(now(t, crew), entry(30), fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}); err != nil {
		t.Fatal(err)
	}
	if _, err := pending.Snapshot(); err == nil {
		t.Fatal("snapshot with a change pending: no error")
	}
}
