package eventlog_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

func checkIn(t testing.TB, e *env, by commands.Principal, unit uint64, agency domain.AgencyID) {
	t.Helper()
	_, err := e.h.CheckInResource(t.Context(), by, cmdID(), commands.ResourceCheckIn{OperationCommand: opCmd(),
		CheckIn: operation.CheckIn{Unit: dt.Unit(unit), Agency: agency, Kind: operation.ResourceUnit, CallSign: "Kilo 7", Personnel: 2}})
	if err != nil {
		t.Fatal(err)
	}
}

func issue(taskN, unit uint64) commands.TaskIssue {
	return commands.TaskIssue{
		TaskCommand: commands.TaskCommand{OperationCommand: opCmd(), Task: dt.Task(taskN)},
		Unit:        dt.Unit(unit),
		Terms: task.Terms{Objective: "Watch the A4 exit 12 car park",
			Window: dt.Must(domain.NewPeriod(now, now.Add(4*time.Hour)))},
	}
}

func TestTaskingThroughTheCommandPath(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	checkIn(t, e, partnerCmdr, 7, partner)

	if _, err := e.h.IssueTask(ctx, leadCommander, cmdID(), issue(1, 7)); err != nil {
		t.Fatal(err)
	}
	ack := commands.TaskAcknowledgement{TaskCommand: commands.TaskCommand{OperationCommand: opCmd(), Task: dt.Task(1)}, Revision: 1}
	before := e.events(t)
	denials := []struct {
		name string
		do   func() error
		kind error
	}{
		{"observer issues", func() error { _, err := e.h.IssueTask(ctx, partnerObserver, cmdID(), issue(2, 7)); return err }, domain.ErrForbidden},
		{"outsider issues", func() error { _, err := e.h.IssueTask(ctx, outsideCmdr, cmdID(), issue(2, 7)); return err }, domain.ErrForbidden},
		{"task to a unit not attached", func() error { _, err := e.h.IssueTask(ctx, leadCommander, cmdID(), issue(2, 9)); return err }, domain.ErrRejected},
		{"another unit acknowledges", func() error {
			_, err := e.h.AcknowledgeTask(ctx, principal(partner, 9, commands.RoleFieldUnit), cmdID(), ack)
			return err
		}, domain.ErrForbidden},
		{"commander acknowledges for the unit", func() error { _, err := e.h.AcknowledgeTask(ctx, partnerCmdr, cmdID(), ack); return err }, domain.ErrForbidden},
	}
	for _, d := range denials {
		t.Run(d.name, func(t *testing.T) {
			if err := d.do(); !errors.Is(err, d.kind) {
				t.Fatalf("err = %v, want kind %v", err, d.kind)
			}
		})
	}
	if n := e.events(t); n != before {
		t.Fatalf("denied commands appended %d events", n-before)
	}
	if _, err := e.h.AcknowledgeTask(ctx, unit7, cmdID(), ack); err != nil {
		t.Fatal(err)
	}
	amend := commands.TaskAmendment{TaskCommand: ack.TaskCommand, Terms: issue(1, 7).Terms, Reason: "widen the window"}
	amend.Terms.Window = dt.Must(domain.NewPeriod(now, now.Add(6*time.Hour)))
	if _, err := e.h.AmendTask(ctx, leadCommander, cmdID(), amend); err != nil {
		t.Fatal(err)
	}
	ack.Revision = 2
	if _, err := e.h.AcknowledgeTask(ctx, unit7, cmdID(), ack); err != nil {
		t.Fatal(err)
	}
	if _, err := e.h.CompleteTask(ctx, leadCommander, cmdID(), commands.TaskClosing{TaskCommand: ack.TaskCommand, Text: "nothing seen"}); err != nil {
		t.Fatal(err)
	}
}

func TestSuspendedOperationTakesNoTasks(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	checkIn(t, e, partnerCmdr, 7, partner)
	if _, err := e.h.SuspendOperation(ctx, leadCommander, cmdID(), commands.Reasoned{OperationCommand: opCmd(), Reason: "weather"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.h.IssueTask(ctx, leadCommander, cmdID(), issue(1, 7)); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("task in a suspended operation: %v, want a rejection", err)
	}
}

func TestReadsFromEverySide(t *testing.T) {
	e := newEnv(t)
	e.activeOperation(t)
	ctx := t.Context()
	checkIn(t, e, partnerCmdr, 7, partner)
	if _, err := e.h.IssueTask(ctx, leadCommander, cmdID(), issue(1, 7)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []commands.Principal{leadCommander, partnerObserver, investigator, unit7} {
		v, err := e.h.Operation(ctx, p, opID)
		if err != nil || v.Status != operation.StatusActive || len(v.Participants) != 2 {
			t.Fatalf("%s of %s reads operation: %+v, %v", p.Role, p.Agency, v, err)
		}
		tv, err := e.h.Task(ctx, p, dt.Task(1))
		if err != nil || tv.Unit != dt.Unit(7) || !tv.AwaitsAcknowledgement {
			t.Fatalf("%s of %s reads task: %+v, %v", p.Role, p.Agency, tv, err)
		}
	}
	// An outsider learns nothing, not even which IDs exist.
	_, errExisting := e.h.Operation(ctx, outsideCmdr, opID)
	_, errMissing := e.h.Operation(ctx, outsideCmdr, dt.Operation(99))
	if !errors.Is(errExisting, domain.ErrForbidden) || !errors.Is(errMissing, domain.ErrForbidden) {
		t.Fatalf("outsider reads: %v / %v, want forbidden both", errExisting, errMissing)
	}
	_, taskExisting := e.h.Task(ctx, outsideCmdr, dt.Task(1))
	_, taskMissing := e.h.Task(ctx, outsideCmdr, dt.Task(99))
	if taskExisting == nil || taskMissing == nil || taskExisting.Error() != strings.Replace(taskMissing.Error(), dt.Task(99).String(), dt.Task(1).String(), 1) {
		t.Fatalf("outsider task reads differ beyond the ID: %v / %v", taskExisting, taskMissing)
	}
}
