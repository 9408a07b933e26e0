package task_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

var _ task.Operation = (*operation.Operation)(nil)

// fakeOp is an operation as tasking sees it.
type fakeOp struct {
	id           domain.OperationID
	active       bool
	attached     map[domain.UnitID]bool
	participants map[domain.AgencyID]bool
}

func (f fakeOp) ID() domain.OperationID              { return f.id }
func (f fakeOp) Active() bool                        { return f.active }
func (f fakeOp) Attached(u domain.UnitID) bool       { return f.attached[u] }
func (f fakeOp) Participates(a domain.AgencyID) bool { return f.participants[a] }

var (
	taskID  = dt.Task(1)
	opID    = dt.Operation(1)
	unit    = dt.Unit(7)
	other   = dt.Unit(8)
	issuer  = domain.Actor{Agency: dt.Agency(1), Person: dt.Person(11)}
	partner = domain.Actor{Agency: dt.Agency(2), Person: dt.Person(21)}
	outside = domain.Actor{Agency: dt.Agency(3), Person: dt.Person(31)}
	crew    = domain.Actor{Agency: dt.Agency(2), Unit: unit}
	strange = domain.Actor{Agency: dt.Agency(2), Unit: other}

	runningOp = fakeOp{
		id: opID, active: true,
		attached:     map[domain.UnitID]bool{unit: true},
		participants: map[domain.AgencyID]bool{dt.Agency(1): true, dt.Agency(2): true},
	}

	terms = task.Terms{
		Objective:   "Observe the rest area at km 112",
		Area:        dt.Must(geo.NewPolygon(orb.Polygon{{{7, 48}, {7.1, 48}, {7.1, 48.1}, {7, 48}}})),
		Window:      dt.Must(domain.NewPeriod(dt.At(2*time.Hour), dt.At(6*time.Hour))),
		Constraints: []string{"No entry into private premises"},
		LegalBasis:  []domain.LegalRef{dt.Must(domain.NewLegalRef("CISA", "Art. 40"))},
	}
	amendedTerms = task.Terms{Objective: "Observe the rest area at km 118", Window: terms.Window}
)

func withOp(edit func(*fakeOp)) fakeOp {
	f := runningOp
	edit(&f)
	return f
}

func at(t *testing.T, a domain.Actor) domain.Meta { return dt.Meta(t, a, dt.At(time.Hour)) }

func issued() *task.Issued {
	return &task.Issued{TaskID: taskID, OperationID: opID, UnitID: unit, IssuedBy: issuer.Agency, Terms: terms, Revision: 1}
}

func acked(rev int) *task.Acknowledged {
	return &task.Acknowledged{TaskID: taskID, UnitID: unit, Revision: rev}
}

func amended() *task.Amended {
	return &task.Amended{TaskID: taskID, Terms: amendedTerms, Revision: 2, Reason: "target moved"}
}

func ps(p ...domain.Payload) []domain.Payload { return p }

func TestIssue(t *testing.T) {
	issue := func(a domain.Actor, op task.Operation, u domain.UnitID, tm task.Terms) func(*task.Task) error {
		return func(k *task.Task) error { return k.Issue(at(t, a), op, u, tm) }
	}
	dt.Run(t, func() *task.Task { return task.New(taskID) }, []dt.Case[*task.Task]{
		{Name: "issue to an attached unit of an active operation", When: issue(issuer, runningOp, unit, terms), Then: ps(issued())},
		{
			Name:   "the operation must be active for tasking",
			When:   issue(issuer, withOp(func(f *fakeOp) { f.active = false }), unit, terms),
			Reject: task.CodeOperationNotActive,
		},
		{
			Name:   "tasks go to units attached to the operation",
			When:   issue(issuer, runningOp, other, terms),
			Reject: task.CodeUnitNotAttached,
		},
		{
			Name:   "the issuer's agency takes part",
			When:   issue(outside, runningOp, unit, terms),
			Reject: task.CodeIssuerNotParticipant, Kind: domain.ErrForbidden,
		},
		{
			Name:   "a task is issued once",
			Given:  ps(issued()),
			When:   issue(issuer, runningOp, unit, terms),
			Reject: task.CodeAlreadyIssued,
		},
		{
			Name: "a task has a unit, an objective and a window",
			When: issue(issuer, runningOp, domain.UnitID{}, task.Terms{Constraints: []string{""},
				LegalBasis: []domain.LegalRef{{}}}),
			Invalid: []string{"unit", "objective", "window", "constraints[0]", "legal_basis[0]"},
		},
	})
}

func TestTaskLife(t *testing.T) {
	dt.Run(t, func() *task.Task { return task.New(taskID) }, []dt.Case[*task.Task]{
		{
			Name:  "the unit acknowledges",
			Given: ps(issued()),
			When:  func(k *task.Task) error { return k.Acknowledge(at(t, crew), 1) },
			Then:  ps(acked(1)),
		},
		{
			Name:   "only the tasked unit acknowledges",
			Given:  ps(issued()),
			When:   func(k *task.Task) error { return k.Acknowledge(at(t, strange), 1) },
			Reject: task.CodeNotAssignee, Kind: domain.ErrForbidden,
		},
		{
			Name:   "an acknowledgement names the revision it saw",
			Given:  ps(issued(), amended()),
			When:   func(k *task.Task) error { return k.Acknowledge(at(t, crew), 1) },
			Reject: task.CodeStaleRevision,
		},
		{
			Name:   "a revision is acknowledged once",
			Given:  ps(issued(), acked(1)),
			When:   func(k *task.Task) error { return k.Acknowledge(at(t, crew), 1) },
			Reject: task.CodeAlreadyAcknowledged,
		},
		{
			Name:   "no acknowledgement of a task never issued",
			When:   func(k *task.Task) error { return k.Acknowledge(at(t, crew), 1) },
			Reject: task.CodeNotFound, Kind: domain.ErrNotFound,
		},
		{
			Name:  "the issuing agency amends; the new revision awaits acknowledgement",
			Given: ps(issued(), acked(1)),
			When:  func(k *task.Task) error { return k.Amend(at(t, issuer), runningOp, amendedTerms, "target moved") },
			Then:  ps(amended()),
		},
		{
			Name:  "the amended revision is acknowledged",
			Given: ps(issued(), acked(1), amended()),
			When:  func(k *task.Task) error { return k.Acknowledge(at(t, crew), 2) },
			Then:  ps(acked(2)),
		},
		{
			Name:   "another agency does not amend",
			Given:  ps(issued()),
			When:   func(k *task.Task) error { return k.Amend(at(t, partner), runningOp, amendedTerms, "target moved") },
			Reject: task.CodeNotIssuer, Kind: domain.ErrForbidden,
		},
		{
			Name:  "no amendment while the operation is suspended",
			Given: ps(issued()),
			When: func(k *task.Task) error {
				return k.Amend(at(t, issuer), withOp(func(f *fakeOp) { f.active = false }), amendedTerms, "target moved")
			},
			Reject: task.CodeOperationNotActive,
		},
		{
			Name:  "an amendment is checked against the task's own operation",
			Given: ps(issued()),
			When: func(k *task.Task) error {
				return k.Amend(at(t, issuer), withOp(func(f *fakeOp) { f.id = dt.Operation(2) }), amendedTerms, "target moved")
			},
			Reject: task.CodeWrongOperation,
		},
		{
			Name:   "the same terms are no amendment",
			Given:  ps(issued()),
			When:   func(k *task.Task) error { return k.Amend(at(t, issuer), runningOp, terms, "again") },
			Reject: task.CodeUnchanged,
		},
		{
			Name:    "an amendment states its reason",
			Given:   ps(issued()),
			When:    func(k *task.Task) error { return k.Amend(at(t, issuer), runningOp, amendedTerms, "") },
			Invalid: []string{"reason"},
		},
		{
			Name:  "the unit completes an acknowledged task",
			Given: ps(issued(), acked(1)),
			When:  func(k *task.Task) error { return k.Complete(at(t, crew), "Vehicle observed, handed to host officers") },
			Then:  ps(&task.Completed{TaskID: taskID, Outcome: "Vehicle observed, handed to host officers"}),
		},
		{
			Name:   "an amendment not yet acknowledged blocks completion",
			Given:  ps(issued(), acked(1), amended()),
			When:   func(k *task.Task) error { return k.Complete(at(t, crew), "done") },
			Reject: task.CodeNotAcknowledged,
		},
		{
			Name:   "someone else does not complete it",
			Given:  ps(issued(), acked(1)),
			When:   func(k *task.Task) error { return k.Complete(at(t, strange), "done") },
			Reject: task.CodeNotAssignee,
		},
		{
			Name:  "the issuing agency cancels",
			Given: ps(issued()),
			When:  func(k *task.Task) error { return k.Cancel(at(t, issuer), "target arrested elsewhere") },
			Then:  ps(&task.Cancelled{TaskID: taskID, Reason: "target arrested elsewhere"}),
		},
		{
			Name:   "the unit does not cancel",
			Given:  ps(issued()),
			When:   func(k *task.Task) error { return k.Cancel(at(t, crew), "tired") },
			Reject: task.CodeNotIssuer,
		},
		{
			Name:   "a completed task is closed",
			Given:  ps(issued(), acked(1), &task.Completed{TaskID: taskID, Outcome: "done"}),
			When:   func(k *task.Task) error { return k.Cancel(at(t, issuer), "too late") },
			Reject: task.CodeClosed,
		},
		{
			Name:   "a cancelled task is closed",
			Given:  ps(issued(), &task.Cancelled{TaskID: taskID, Reason: "r"}),
			When:   func(k *task.Task) error { return k.Acknowledge(at(t, crew), 1) },
			Reject: task.CodeClosed,
		},
	})
}

func TestTaskBoardFacts(t *testing.T) {
	tests := []struct {
		name         string
		history      []domain.Payload
		open, awaits bool
		revision     int
	}{
		{name: "issued", history: ps(issued()), open: true, awaits: true, revision: 1},
		{name: "acknowledged", history: ps(issued(), acked(1)), open: true, revision: 1},
		{name: "amended", history: ps(issued(), acked(1), amended()), open: true, awaits: true, revision: 2},
		{name: "cancelled", history: ps(issued(), &task.Cancelled{TaskID: taskID, Reason: "r"}), revision: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := dt.Given(t, task.New(taskID), tt.history...).Aggregate()
			if k.Open() != tt.open || k.AwaitsAcknowledgement() != tt.awaits || k.Revision() != tt.revision {
				t.Errorf("open %v awaits %v revision %d", k.Open(), k.AwaitsAcknowledgement(), k.Revision())
			}
		})
	}
}

// TestTaskingAgainstTheRealOperation runs Issue against an Operation
// aggregate, so the interface and the aggregate agree on what "attached"
// and "active" mean.
func TestTaskingAgainstTheRealOperation(t *testing.T) {
	lead, partnerAgency := dt.Agency(1), dt.Agency(2)
	area := terms.Area
	period := dt.Must(domain.NewPeriod(dt.T0(), dt.At(48*time.Hour)))
	history := ps(
		&operation.Proposed{OperationID: opID, Purpose: "p", Lead: lead, Participants: []domain.AgencyID{lead, partnerAgency},
			HostStates: []domain.StateCode{dt.State("DE")}, LegalBasis: terms.LegalBasis, Area: area, Period: period, ArrangementVersion: 1},
		&operation.Agreed{OperationID: opID, Agency: lead, ArrangementVersion: 1},
		&operation.Agreed{OperationID: opID, Agency: partnerAgency, ArrangementVersion: 1},
		&operation.Activated{OperationID: opID},
		&operation.ResourceCheckedIn{OperationID: opID, UnitID: unit, Agency: partnerAgency, Kind: operation.ResourceUnit, CallSign: "Aigle 1"},
	)
	op := dt.Given(t, operation.New(opID), history...).Aggregate()
	dt.Given(t, task.New(taskID)).When(func(k *task.Task) error { return k.Issue(at(t, issuer), op, unit, terms) }).Then(issued())
	dt.Given(t, task.New(taskID)).When(func(k *task.Task) error { return k.Issue(at(t, issuer), op, other, terms) }).
		ThenRejected(task.CodeUnitNotAttached, domain.ErrRejected)

	op.Replay(domain.Event{Payload: &operation.Suspended{OperationID: opID, Reason: "r"}})
	dt.Given(t, task.New(taskID)).When(func(k *task.Task) error { return k.Issue(at(t, issuer), op, unit, terms) }).
		ThenRejected(task.CodeOperationNotActive, domain.ErrRejected)
}
