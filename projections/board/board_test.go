package board_test

import (
	"slices"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections/board"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     board.Config
		wantErr bool
	}{
		{name: "zero takes the defaults", cfg: board.Config{}},
		{name: "explicit limits", cfg: board.Config{TrackLength: 1, SignificantLength: 1, ReportLength: 1}},
		{name: "negative limits", cfg: board.Config{TrackLength: -1, SignificantLength: -2}, wantErr: true},
		{name: "negative report length", cfg: board.Config{ReportLength: -1}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := board.New(opID, tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Errorf("New: %v, want error %v", err, tt.wantErr)
			}
		})
	}
	if _, err := board.New(domain.OperationID{}, board.Config{}); err == nil {
		t.Error("New accepted the zero operation ID")
	}
}

func TestOperationStatus(t *testing.T) {
	proposed := running().envs[0].Event.Payload
	agreed := func(a domain.AgencyID, v int) domain.Payload {
		return &operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: v}
	}
	tests := []struct {
		name        string
		events      []domain.Payload
		status      operation.Status
		agreed      []domain.AgencyID
		arrangement int
	}{
		{name: "proposed", events: ps(proposed, agreed(lead, 1)), status: operation.StatusProposed, agreed: ids(lead), arrangement: 1},
		{
			name:   "agreed by every participant",
			events: ps(proposed, agreed(lead, 1), agreed(partner, 1), agreed(third, 1)),
			status: operation.StatusAgreed, agreed: ids(lead, partner, third), arrangement: 1,
		},
		{
			name: "changed terms must be agreed again",
			events: ps(proposed, agreed(lead, 1), agreed(partner, 1), agreed(third, 1),
				&operation.AreaChanged{OperationID: opID, Area: area, ArrangementVersion: 2}, agreed(partner, 2)),
			status: operation.StatusProposed, agreed: ids(partner), arrangement: 2,
		},
		{
			name: "activated, suspended",
			events: ps(proposed, agreed(lead, 1), agreed(partner, 1), agreed(third, 1), &operation.Activated{OperationID: opID},
				&operation.Suspended{OperationID: opID, Reason: "storm"}),
			status: operation.StatusSuspended, agreed: ids(lead, partner, third), arrangement: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := feed(t, newLog().add(tt.events...), board.Config{}).board.View(viewer(partner))
			var agreed []domain.AgencyID
			for _, p := range v.Participants {
				if p.Agreed {
					agreed = append(agreed, p.Agency)
				}
			}
			if v.Status != tt.status || !slices.Equal(agreed, tt.agreed) || v.ArrangementVersion != tt.arrangement {
				t.Errorf("status %q, agreed %v, arrangement %d; want %q, %v, %d",
					v.Status, agreed, v.ArrangementVersion, tt.status, tt.agreed, tt.arrangement)
			}
			if v.Operation != opID || v.Lead != lead || v.Purpose == "" || v.Area.IsZero() || len(v.LegalBasis) != 1 {
				t.Errorf("operation fields missing: %+v", v)
			}
		})
	}
}

// TestDerivedFromTheViewsClock: the current operational period and the
// holder of a position follow the time of the latest event the agency saw,
// so an event hidden from it moves nothing.
func TestDerivedFromTheViewsClock(t *testing.T) {
	l := running() // events at minutes 1…7
	seat := dt.Position(1)
	l.add(
		&operation.OperationalPeriodPlanned{OperationID: opID, Number: 1, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(14*time.Minute))), Objectives: []string{"patrol"}},
		&operation.OperationalPeriodPlanned{OperationID: opID, Number: 2, Period: dt.Must(domain.NewPeriod(dt.At(14*time.Minute), dt.At(24*time.Minute))), Objectives: []string{"rest"}},
		&operation.ObjectiveAdded{OperationID: opID, OperationalPeriod: 2, Number: 2, Text: "debrief"},
		&operation.PositionEstablished{OperationID: opID, PositionID: seat, Title: "Commander DE", CommandSeatOf: lead},
		&operation.PositionFilled{OperationID: opID, PositionID: seat, Holder: dt.PersonRef(11, 1), EffectiveAt: dt.T0()},
		&operation.CommandTransferred{OperationID: opID, PositionID: seat, From: dt.PersonRef(11, 1), To: dt.PersonRef(12, 1),
			BriefingRef: "BRF-7", EffectiveAt: dt.At(14 * time.Minute)}, // recorded at minute 13
	)
	l.add(observed(100, leadUnit, strict, "hidden from the partner")) // minute 14: only the lead's clock moves
	f := feed(t, l, board.Config{})
	tests := []struct {
		name          string
		agency        domain.AgencyID
		currentPeriod int
		holder        domain.PersonID
	}{
		{name: "the lead saw minute 14", agency: lead, currentPeriod: 2, holder: dt.Person(12)},
		{name: "the partner saw minute 13 at most", agency: partner, currentPeriod: 1, holder: dt.Person(11)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := f.board.View(viewer(tt.agency))
			if v.CurrentPeriod != tt.currentPeriod || v.Positions[0].Holder == nil || v.Positions[0].Holder.Person() != tt.holder {
				t.Errorf("as of %s: period %d, holder %v", v.AsOf, v.CurrentPeriod, v.Positions[0].Holder)
			}
		})
	}
	if got, want := f.board.View(viewer(partner)).AsOf, dt.At(13*time.Minute); !got.Equal(want) {
		t.Errorf("the partner's view is as of %s, want %s (the hidden report must not move it)", got, want)
	}
	if objectives := f.board.View(viewer(partner)).OperationalPeriods[1].Objectives; !slices.Equal(objectives, []string{"rest", "debrief"}) {
		t.Errorf("objectives of period 2: %v", objectives)
	}

	l.add(observed(101, leadUnit, green, "now everyone is at minute 15"))
	v := feed(t, l, board.Config{}).board.View(viewer(partner))
	if len(v.Positions[0].Tenures) != 2 || v.CurrentPeriod != 2 || v.Positions[0].Holder.Person() != dt.Person(12) {
		t.Errorf("at minute 15: period %d, tenures %v, holder %v", v.CurrentPeriod, v.Positions[0].Tenures, v.Positions[0].Holder)
	}
}

func TestTasks(t *testing.T) {
	id := dt.Task(1)
	terms := task.Terms{Objective: "Observe the rest area", Window: dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))}
	issued := &task.Issued{TaskID: id, OperationID: opID, UnitID: partnerUnit, IssuedBy: lead, Terms: terms, Revision: 1}
	amended := &task.Amended{TaskID: id, Terms: task.Terms{Objective: "Observe the bridge", Window: terms.Window}, Revision: 2, Reason: "moved"}
	tests := []struct {
		name     string
		events   []domain.Payload
		open     bool
		status   task.Status
		awaiting bool
		revision int
	}{
		{name: "issued, awaiting acknowledgement", events: ps(issued), open: true, status: task.StatusIssued, awaiting: true, revision: 1},
		{name: "acknowledged", events: ps(issued, &task.Acknowledged{TaskID: id, UnitID: partnerUnit, Revision: 1}),
			open: true, status: task.StatusAcknowledged, revision: 1},
		{name: "amended after acknowledgement awaits it again", events: ps(issued, &task.Acknowledged{TaskID: id, UnitID: partnerUnit, Revision: 1}, amended),
			open: true, status: task.StatusAmended, awaiting: true, revision: 2},
		{name: "completed tasks leave the board", events: ps(issued, &task.Acknowledged{TaskID: id, UnitID: partnerUnit, Revision: 1},
			&task.Completed{TaskID: id, Outcome: "done"})},
		{name: "cancelled tasks leave the board", events: ps(issued, &task.Cancelled{TaskID: id, Reason: "r"})},
		{name: "events of a task of another operation are ignored", events: ps(&task.Issued{TaskID: id, OperationID: dt.Operation(2),
			UnitID: partnerUnit, IssuedBy: lead, Terms: terms, Revision: 1}, &task.Acknowledged{TaskID: id, UnitID: partnerUnit, Revision: 1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := feed(t, running().add(tt.events...), board.Config{}).board.View(viewer(third))
			if !tt.open {
				if len(v.Tasks) != 0 {
					t.Errorf("tasks %+v, want none open", v.Tasks)
				}
				return
			}
			if len(v.Tasks) != 1 {
				t.Fatalf("tasks %+v, want one", v.Tasks)
			}
			k := v.Tasks[0]
			if k.Status != tt.status || k.AwaitingAcknowledgement != tt.awaiting || k.Revision != tt.revision {
				t.Errorf("task %+v", k)
			}
		})
	}
}

func TestUnits(t *testing.T) {
	group := dt.OrgUnit(1)
	l := running().add(
		&operation.OrgUnitAdded{OperationID: opID, OrgUnitID: group, Kind: operation.KindGroup, Name: "Bridges"},
		&operation.ResourceAssigned{OperationID: opID, UnitID: leadUnit, OrgUnitID: group},
		&operation.ResourceStatusChanged{OperationID: opID, UnitID: partnerUnit, Status: operation.StatusOutOfService, Reason: "flat tyre"},
	)
	v := feed(t, l, board.Config{}).board.View(viewer(third))
	want := []board.Unit{
		{Unit: leadUnit, Agency: lead, Kind: operation.ResourceUnit, CallSign: "Adler 1", Personnel: 2, Status: operation.StatusAssigned, OrgUnit: group},
		{Unit: partnerUnit, Agency: partner, Kind: operation.ResourceVehicle, CallSign: "Aigle 2", Personnel: 3, Status: operation.StatusOutOfService, Reason: "flat tyre"},
	}
	if !slices.Equal(v.Units, want) || len(v.OrgUnits) != 1 {
		t.Errorf("units %+v\nwant %+v", v.Units, want)
	}
}

// TestTracks: a unit's track is the latest positions the agency may see,
// by field time; its last known position skips retracted and corrected
// ones.
func TestTracks(t *testing.T) {
	l := running().add(
		positioned(100, leadUnit, green, 48.00),
		positioned(101, leadUnit, green, 48.01),
		positioned(102, leadUnit, strict, 48.02),
		positioned(103, leadUnit, green, 48.03),
	)
	l.addLate(30*time.Minute, positioned(104, leadUnit, green, 47.99)) // an offline unit, half an hour late
	l.add(positioned(105, leadUnit, green, 48.05), retraction(106, 105, leadUnit))
	f := feed(t, l, board.Config{TrackLength: 3})
	tests := []struct {
		name   string
		agency domain.AgencyID
		points []domain.ReportID
		last   domain.ReportID
	}{
		{name: "the originator", agency: lead, points: rs(102, 103, 105), last: dt.Report(103)},
		{name: "a partner sees the GREEN ones only", agency: partner, points: rs(101, 103, 105), last: dt.Report(103)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := f.board.View(viewer(tt.agency))
			if len(v.Tracks) != 1 {
				t.Fatalf("tracks %+v", v.Tracks)
			}
			var got []domain.ReportID
			for _, p := range v.Tracks[0].Points {
				got = append(got, p.Report)
			}
			if !slices.Equal(got, tt.points) || v.Tracks[0].Last == nil || v.Tracks[0].Last.Report != tt.last {
				t.Errorf("points %v last %+v; want %v last %v", got, v.Tracks[0].Last, tt.points, tt.last)
			}
			if p := v.Tracks[0].Points[2]; !p.Retracted {
				t.Errorf("report 105 is not shown retracted: %+v", p)
			}
		})
	}

	corrected := feed(t, running().add(positioned(100, leadUnit, green, 48.00), &fieldlog.PositionReported{
		Header:   fieldlog.Header{ReportID: dt.Report(101), OperationID: opID, UnitID: leadUnit, Marking: green, Corrects: dt.Report(100)},
		Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceManual},
	}), board.Config{}).board.View(viewer(partner))
	if tr := corrected.Tracks[0]; tr.Points[0].CorrectedBy != dt.Report(101) || tr.Last.Report != dt.Report(101) || tr.Last.Corrects != dt.Report(100) {
		t.Errorf("corrected track %+v", tr)
	}
}

// TestSignificantLog: which events are significant, newest last, bounded
// per agency.
func TestSignificantLog(t *testing.T) {
	l := running().add(
		positioned(100, leadUnit, green, 48.0),
		observed(101, leadUnit, green, "grey Audi"),
		&operation.Suspended{OperationID: opID, Reason: "storm"},
		&operation.Resumed{OperationID: opID},
	)
	v := feed(t, l, board.Config{SignificantLength: 4}).board.View(viewer(partner))
	var types []string
	for _, e := range v.Significant {
		types = append(types, e.Type)
	}
	want := []string{operation.ResourceCheckedInType, fieldlog.ObservationReportedType, operation.SuspendedType, operation.ResumedType}
	if !slices.Equal(types, want) {
		t.Errorf("significant %v\nwant %v", types, want)
	}
	if e := v.Significant[1]; e.Report != dt.Report(101) || e.Summary != "Observation: grey Audi" || e.Key != dt.Report(101).String() {
		t.Errorf("report entry %+v", e)
	}
	if e := v.Significant[2]; e.Summary != "Operation suspended: storm" || e.Key != "operation-"+opID.String()+"@7" {
		t.Errorf("operation entry %+v", e)
	}
}

// TestMarkingOfEveryReport: each report carries the marking in force.
func TestMarkingOfEveryReport(t *testing.T) {
	amber := mark(lead, marking.TLPAmber, nil)
	l := running().add(observed(100, leadUnit, strict, "x"), relaxation(101, 100, leadUnit, strict, amber))
	v := feed(t, l, board.Config{}).board.View(viewer(partner))
	if len(v.Reports) != 1 || !v.Reports[0].Marking.Equal(amber) {
		t.Errorf("reports %+v", v.Reports)
	}
}
