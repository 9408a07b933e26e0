package task

import "github.com/jointops/jointops/domain"

// StreamPrefix begins the name of every task stream.
const StreamPrefix = "task-"

// Stream names the stream of task id.
func Stream(id domain.TaskID) string { return StreamPrefix + id.String() }

// Rejection codes.
const (
	CodeAlreadyIssued        domain.Code = "task.already_issued"
	CodeNotFound             domain.Code = "task.not_found"
	CodeOperationNotActive   domain.Code = "operation.not_active"
	CodeUnitNotAttached      domain.Code = "task.unit_not_attached"
	CodeIssuerNotParticipant domain.Code = "task.issuer_not_participant"
	CodeWrongOperation       domain.Code = "task.wrong_operation"
	CodeNotAssignee          domain.Code = "task.not_assignee"
	CodeNotIssuer            domain.Code = "task.not_issuer"
	CodeStaleRevision        domain.Code = "task.stale_revision"
	CodeAlreadyAcknowledged  domain.Code = "task.already_acknowledged"
	CodeNotAcknowledged      domain.Code = "task.not_acknowledged"
	CodeClosed               domain.Code = "task.closed"
	CodeUnchanged            domain.Code = "task.unchanged"
)

// Status is where a task is in its life.
type Status string

// Statuses.
const (
	StatusNone         Status = ""
	StatusIssued       Status = "issued"
	StatusAcknowledged Status = "acknowledged"
	StatusAmended      Status = "amended" // awaiting acknowledgement of the new terms
	StatusCompleted    Status = "completed"
	StatusCancelled    Status = "cancelled"
)

// Operation is what tasking needs to know about the task's operation at the
// time of the decision. *operation.Operation satisfies it.
type Operation interface {
	// ID identifies the operation.
	ID() domain.OperationID
	// Active reports whether the operation is active: tasks are issued and
	// amended only then.
	Active() bool
	// Attached reports whether the unit is checked in and not checked out.
	Attached(unit domain.UnitID) bool
	// Participates reports whether the agency takes part in the operation.
	Participates(agency domain.AgencyID) bool
}

// Task is the Task aggregate. It is not safe for concurrent use.
type Task struct {
	root      domain.Root
	id        domain.TaskID
	status    Status
	operation domain.OperationID
	unit      domain.UnitID
	issuedBy  domain.AgencyID
	terms     Terms
	revision  int
}

// New returns the empty aggregate of task id.
func New(id domain.TaskID) *Task { return &Task{root: domain.NewRoot(Stream(id)), id: id} }

var _ domain.Aggregate = (*Task)(nil)

// Stream implements domain.Aggregate.
func (t *Task) Stream() string { return t.root.Stream() }

// Version implements domain.Aggregate.
func (t *Task) Version() uint64 { return t.root.Version() }

// Changes implements domain.Aggregate.
func (t *Task) Changes() []domain.Event { return t.root.Changes() }

// Commit implements domain.Aggregate.
func (t *Task) Commit() { t.root.Commit() }

// Replay implements domain.Aggregate.
func (t *Task) Replay(e domain.Event) {
	t.apply(e.Payload)
	t.root.Replayed()
}

func (t *Task) raise(m domain.Meta, p domain.Payload) {
	t.apply(p)
	t.root.Record(m.Event(p))
}

func (t *Task) apply(p domain.Payload) {
	switch e := p.(type) {
	case *Issued:
		t.status, t.operation, t.unit, t.issuedBy = StatusIssued, e.OperationID, e.UnitID, e.IssuedBy
		t.terms, t.revision = e.Terms.clone(), e.Revision
	case *Acknowledged:
		t.status = StatusAcknowledged
	case *Amended:
		t.status, t.terms, t.revision = StatusAmended, e.Terms.clone(), e.Revision
	case *Completed:
		t.status = StatusCompleted
	case *Cancelled:
		t.status = StatusCancelled
	}
}

// Issue orders unit to carry out terms. The operation must be active, the
// unit attached to it and the issuer's agency taking part in it.
func (t *Task) Issue(m domain.Meta, op Operation, unit domain.UnitID, terms Terms) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if unit.IsZero() {
		p.Add("unit", "required")
	}
	p.Merge("", terms.validate())
	if err := p.Err(); err != nil {
		return err
	}
	if t.status != StatusNone {
		return domain.Reject(CodeAlreadyIssued, "task %s was already issued", t.id)
	}
	if err := checkTasking(m, op); err != nil {
		return err
	}
	if !op.Attached(unit) {
		return domain.Reject(CodeUnitNotAttached, "unit %s is not attached to operation %s", unit, op.ID())
	}
	t.raise(m, &Issued{
		TaskID: t.id, OperationID: op.ID(), UnitID: unit, IssuedBy: m.Actor().Agency, Terms: terms.clone(), Revision: 1,
	})
	return nil
}

func checkTasking(m domain.Meta, op Operation) error {
	if !op.Active() {
		return domain.Reject(CodeOperationNotActive, "operation %s is not active: no tasking", op.ID())
	}
	if !op.Participates(m.Actor().Agency) {
		return domain.Forbid(CodeIssuerNotParticipant, "agency %s does not take part in operation %s", m.Actor().Agency, op.ID())
	}
	return nil
}

// Acknowledge records the tasked unit confirming revision, the one it was
// shown; an acknowledgement of superseded terms is refused.
func (t *Task) Acknowledge(m domain.Meta, revision int) error {
	if err := t.checkOpen(m); err != nil {
		return err
	}
	if m.Actor().Unit != t.unit {
		return domain.Forbid(CodeNotAssignee, "only unit %s acknowledges task %s", t.unit, t.id)
	}
	if revision != t.revision {
		return domain.Reject(CodeStaleRevision, "task %s is at revision %d, not %d", t.id, t.revision, revision)
	}
	if t.status == StatusAcknowledged {
		return domain.Reject(CodeAlreadyAcknowledged, "revision %d of task %s is already acknowledged", revision, t.id)
	}
	t.raise(m, &Acknowledged{TaskID: t.id, UnitID: t.unit, Revision: revision})
	return nil
}

// Amend changes the terms of an open task; the unit must acknowledge the
// new revision. Only the issuing agency amends, and only while the
// operation is active.
func (t *Task) Amend(m domain.Meta, op Operation, terms Terms, reason string) error {
	if err := t.checkOpen(m); err != nil {
		return err
	}
	var p domain.Problems
	p.Merge("", terms.validate())
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if err := t.checkIssuer(m); err != nil {
		return err
	}
	if op.ID() != t.operation {
		return domain.Reject(CodeWrongOperation, "task %s belongs to operation %s, not %s", t.id, t.operation, op.ID())
	}
	if err := checkTasking(m, op); err != nil {
		return err
	}
	if terms.equal(t.terms) {
		return domain.Reject(CodeUnchanged, "task %s already has these terms", t.id)
	}
	t.raise(m, &Amended{TaskID: t.id, Terms: terms.clone(), Revision: t.revision + 1, Reason: reason})
	return nil
}

// Complete records the task as carried out. The unit or the issuing agency
// completes it, once the unit has acknowledged the current terms.
func (t *Task) Complete(m domain.Meta, outcome string) error {
	if err := t.checkOpen(m); err != nil {
		return err
	}
	var p domain.Problems
	p.RequireText("outcome", outcome, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if m.Actor().Unit != t.unit && m.Actor().Agency != t.issuedBy {
		return domain.Forbid(CodeNotAssignee, "only unit %s or the issuing agency completes task %s", t.unit, t.id)
	}
	if t.status != StatusAcknowledged {
		return domain.Reject(CodeNotAcknowledged, "revision %d of task %s has not been acknowledged", t.revision, t.id)
	}
	t.raise(m, &Completed{TaskID: t.id, Outcome: outcome})
	return nil
}

// Cancel withdraws an open task. Only the issuing agency cancels.
func (t *Task) Cancel(m domain.Meta, reason string) error {
	if err := t.checkOpen(m); err != nil {
		return err
	}
	var p domain.Problems
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if err := t.checkIssuer(m); err != nil {
		return err
	}
	t.raise(m, &Cancelled{TaskID: t.id, Reason: reason})
	return nil
}

func (t *Task) checkOpen(m domain.Meta) error {
	if err := m.Check(); err != nil {
		return err
	}
	switch t.status {
	case StatusNone:
		return domain.Missing(CodeNotFound, "task %s was never issued", t.id)
	case StatusCompleted, StatusCancelled:
		return domain.Reject(CodeClosed, "task %s is %s", t.id, t.status)
	}
	return nil
}

func (t *Task) checkIssuer(m domain.Meta) error {
	if m.Actor().Agency != t.issuedBy {
		return domain.Forbid(CodeNotIssuer, "only the issuing agency %s changes task %s", t.issuedBy, t.id)
	}
	return nil
}

// ID returns the task's ID.
func (t *Task) ID() domain.TaskID { return t.id }

// Status returns where the task is in its life.
func (t *Task) Status() Status { return t.status }

// Operation returns the operation the task belongs to.
func (t *Task) Operation() domain.OperationID { return t.operation }

// Unit returns the tasked unit.
func (t *Task) Unit() domain.UnitID { return t.unit }

// Terms returns the current terms.
func (t *Task) Terms() Terms { return t.terms.clone() }

// Revision returns the current revision of the terms.
func (t *Task) Revision() int { return t.revision }

// Open reports whether the task is neither completed nor cancelled.
func (t *Task) Open() bool {
	return t.status != StatusNone && t.status != StatusCompleted && t.status != StatusCancelled
}

// AwaitsAcknowledgement reports whether the unit has yet to acknowledge the
// current terms.
func (t *Task) AwaitsAcknowledgement() bool {
	return t.status == StatusIssued || t.status == StatusAmended
}
