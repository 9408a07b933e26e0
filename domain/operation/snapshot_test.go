package operation_test

import (
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
)

// commandStructure is the history of an operation that went through every
// part of its command structure and planning: a third agency joined and
// agreed, the plan changed, the org tree grew three levels, the seats were
// filled and one handed over, a staff position was filled and vacated,
// resources checked in, were assigned, went out of service and checked
// out, and the operation was suspended and resumed.
func commandStructure() []domain.Payload {
	team := dt.OrgUnit(3)
	return history(unifiedCommand(), events(
		&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 1},
		agreed(third, 1),
		&operation.AreaChanged{OperationID: opID, Area: square(7, 48, 9, 49), ArrangementVersion: 1},
		&operation.LegalBasisChanged{OperationID: opID, LegalBasis: basis, ArrangementVersion: 1},
		&operation.OperationalPeriodPlanned{OperationID: opID, Number: 1, Period: span(0, 12), Objectives: []string{"Secure the crossing"}},
		&operation.ObjectiveAdded{OperationID: opID, OperationalPeriod: 1, Number: 2, Text: "Patrol the A4"},
		orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations"),
		orgUnit(branch, section, operation.KindBranch, "North"),
		orgUnit(team, branch, operation.KindTeam, "Dog team"),
		&operation.PositionEstablished{OperationID: opID, PositionID: chief, OrgUnitID: section, Title: "Operations section chief"},
		filled(chief, dt.PersonRef(20, 1), hours(0.5)),
		&operation.PositionVacated{OperationID: opID, PositionID: chief, Holder: dt.PersonRef(20, 1), EffectiveAt: hours(0.75)},
		&operation.CommandTransferred{OperationID: opID, PositionID: seatPartner, From: cmdPartner, To: nextPart,
			BriefingRef: "ICS-201 #1", EffectiveAt: hours(0.9), Notified: []domain.PersonRef{cmdLead}},
		checkedIn(dt.Unit(7), partner),
		checkedIn(dt.Unit(8), lead),
		checkedIn(dt.Unit(9), third),
		&operation.ResourceAssigned{OperationID: opID, UnitID: dt.Unit(7), OrgUnitID: team},
		&operation.ResourceStatusChanged{OperationID: opID, UnitID: dt.Unit(8), Status: operation.StatusOutOfService, Reason: "flat tyre"},
		&operation.ResourceCheckedOut{OperationID: opID, UnitID: dt.Unit(9)},
		&operation.SpanOfControlExceeded{OperationID: opID, OrgUnitID: branch, Span: 8, Limit: operation.MaxSpanOfControl},
		&operation.Suspended{OperationID: opID, Reason: "weather"},
		&operation.Resumed{OperationID: opID},
	))
}

func TestSnapshotRestoreThenReplayIsReplay(t *testing.T) {
	team := dt.OrgUnit(3)
	nextPartner := domain.Actor{Agency: partner, Person: nextPart.Person()}
	dt.CheckSnapshots(t, newOp, commandStructure(), []func(*operation.Operation) error{
		func(o *operation.Operation) error { // refused: the org unit exists
			return o.AddOrgUnit(as(t, leadOfficer), operation.OrgUnit{ID: section, Kind: operation.KindSection, Name: "Again"})
		},
		func(o *operation.Operation) error { // refused: the partner's seat passed to its next commander
			return o.TransferCommand(as(t, partnerCmdr), operation.Transfer{Position: seatPartner, From: cmdPartner.Person(),
				To: cmdPartner, BriefingRef: "ICS-201 #2", EffectiveAt: hours(1.5)})
		},
		func(o *operation.Operation) error { // the new holder sits in the unified command and plans
			return o.AddOrgUnit(as(t, nextPartner), operation.OrgUnit{ID: dt.OrgUnit(4), Parent: branch, Kind: operation.KindGroup, Name: "Recon"})
		},
		func(o *operation.Operation) error { // refused: the vacated chief's position is vacant
			return o.VacatePosition(as(t, leadOfficer), chief, hours(1))
		},
		func(o *operation.Operation) error {
			return o.FillPosition(as(t, leadOfficer), chief, dt.PersonRef(13, 1), hours(1))
		},
		func(o *operation.Operation) error { // refused: unit 7 is already checked in
			return o.CheckInResource(as(t, partnerOfficer), checkIn(dt.Unit(7), partner))
		},
		func(o *operation.Operation) error { // refused: unit 8 is out of service
			return o.AssignResource(as(t, leadOfficer), dt.Unit(8), team)
		},
		func(o *operation.Operation) error { // unit 9 checked out and may check in again
			return o.CheckInResource(as(t, leadOfficer), checkIn(dt.Unit(9), third))
		},
		func(o *operation.Operation) error {
			return o.PlanOperationalPeriod(as(t, leadOfficer), span(12, 24), []string{"Hold the line"})
		},
		func(o *operation.Operation) error { // refused: overlaps the first operational period
			return o.PlanOperationalPeriod(as(t, leadOfficer), span(6, 18), []string{"Overlap"})
		},
		func(o *operation.Operation) error { return o.Close(as(t, leadOfficer), "done") },
		func(o *operation.Operation) error { // refused: closed
			return o.AddObjective(as(t, leadOfficer), 1, "Too late")
		},
	})
}

func TestSnapshotRefusals(t *testing.T) {
	replayed := func() *operation.Operation {
		return dt.Given(t, newOp(), commandStructure()...).Aggregate()
	}
	snap, err := replayed().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	other, err := dt.Given(t, operation.New(dt.Operation(2)), &operation.Activated{OperationID: dt.Operation(2)}).Aggregate().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		into    func() *operation.Operation
		version uint64
		b       []byte
	}{
		{"a snapshot of another operation", newOp, 3, other},
		{"into an operation that replayed events", replayed, 3, snap},
		{"after no events", newOp, 0, snap},
		{"a corrupt snapshot", newOp, 3, snap[:len(snap)-3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.into().RestoreSnapshot(tt.version, tt.b); !errors.Is(err, domain.ErrSnapshotUnusable) {
				t.Fatalf("RestoreSnapshot = %v, want ErrSnapshotUnusable", err)
			}
		})
	}

	pending := replayed()
	if err := pending.Close(as(t, leadOfficer), "done"); err != nil {
		t.Fatal(err)
	}
	if _, err := pending.Snapshot(); err == nil {
		t.Fatal("snapshot with a change pending: no error")
	}
}
