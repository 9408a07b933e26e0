package commands

import (
	"context"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

// TaskCommand is the common part of commands on a task.
type TaskCommand struct {
	OperationCommand
	Task domain.TaskID
}

// TaskIssue issues a task to a unit attached to the operation.
type TaskIssue struct {
	TaskCommand
	Unit  domain.UnitID
	Terms task.Terms
}

// TaskAcknowledgement is the tasked unit confirming the revision it saw.
type TaskAcknowledgement struct {
	TaskCommand
	Revision int
}

// TaskAmendment changes the terms of an open task.
type TaskAmendment struct {
	TaskCommand
	Terms  task.Terms
	Reason string
}

// TaskClosing completes (Outcome) or cancels (Reason) a task.
type TaskClosing struct {
	TaskCommand
	Text string
}

// operationFacts is what a task decision needs to know of its operation,
// copied under the operation's lock so that the task's own decision runs
// without holding two locks. It implements task.Operation.
type operationFacts struct {
	id           domain.OperationID
	active       bool
	unit         domain.UnitID
	unitAttached bool
	participants map[domain.AgencyID]bool
}

var _ task.Operation = operationFacts{}

func (f operationFacts) ID() domain.OperationID { return f.id }
func (f operationFacts) Active() bool           { return f.active }

// Attached answers for the one unit the facts were taken for.
func (f operationFacts) Attached(u domain.UnitID) bool { return u == f.unit && f.unitAttached }

func (f operationFacts) Participates(a domain.AgencyID) bool { return f.participants[a] }

// factsOf copies the facts of op relevant to unit.
func (h *Handlers) factsOf(ctx context.Context, op domain.OperationID, unit domain.UnitID) (operationFacts, error) {
	var f operationFacts
	err := view(ctx, h, operation.Stream(op), func() *operation.Operation { return operation.New(op) },
		func(o *operation.Operation) error {
			if o.Version() == 0 {
				return domain.Missing(operation.CodeNotFound, "operation %s does not exist", op)
			}
			f = operationFacts{id: op, active: o.Active(), unit: unit, unitAttached: o.Attached(unit),
				participants: make(map[domain.AgencyID]bool)}
			for _, a := range o.Participants() {
				f.participants[a] = true
			}
			return nil
		})
	return f, err
}

// onTask runs one task decision; withOp loads the operation's facts first
// (for the unit named, or the task's own unit when zero).
func onTask(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any,
	c TaskCommand, roles []Role, withOp bool, unit domain.UnitID, decide func(*task.Task, domain.Meta, task.Operation) error) (Accepted, error) {
	var facts operationFacts
	cmd := command[*task.Task]{
		useCase: useCase, id: id, p: p, input: input, op: c.Operation,
		stream: task.Stream(c.Task),
		fresh:  func() *task.Task { return task.New(c.Task) },
		authorize: func(ctx context.Context) error {
			if err := p.requireRole(roles...); err != nil {
				return err
			}
			if !withOp {
				return nil
			}
			u := unit
			if u.IsZero() { // an amendment: the unit is the task's own
				err := view(ctx, h, task.Stream(c.Task), func() *task.Task { return task.New(c.Task) },
					func(t *task.Task) error { u = t.Unit(); return nil })
				if err != nil {
					return err
				}
			}
			var err error
			facts, err = h.factsOf(ctx, c.Operation, u)
			if err != nil {
				return err
			}
			if !facts.Participates(p.Agency) {
				return domain.Forbid(CodeNotParticipant, "agency %s does not take part in operation %s", p.Agency, c.Operation)
			}
			return nil
		},
		decide: func(_ context.Context, t *task.Task) error {
			m, _, err := h.meta(p, c.OccurredAt)
			if err != nil {
				return err
			}
			return decide(t, m, facts)
		},
	}
	return run(ctx, h, cmd)
}

var taskers = []Role{RoleCommander, RoleAdmin}

// IssueTask issues a task; the operation must be active and the unit
// attached to it.
func (h *Handlers) IssueTask(ctx context.Context, p Principal, id CommandID, in TaskIssue) (Accepted, error) {
	return onTask(ctx, h, "issue_task", p, id, in, in.TaskCommand, taskers, true, in.Unit,
		func(t *task.Task, m domain.Meta, op task.Operation) error { return t.Issue(m, op, in.Unit, in.Terms) })
}

// AcknowledgeTask is the tasked unit's acknowledgement.
func (h *Handlers) AcknowledgeTask(ctx context.Context, p Principal, id CommandID, in TaskAcknowledgement) (Accepted, error) {
	return onTask(ctx, h, "acknowledge_task", p, id, in, in.TaskCommand, []Role{RoleFieldUnit}, false, domain.UnitID{},
		func(t *task.Task, m domain.Meta, _ task.Operation) error { return t.Acknowledge(m, in.Revision) })
}

// AmendTask changes the terms of an open task; the unit must acknowledge
// the new revision.
func (h *Handlers) AmendTask(ctx context.Context, p Principal, id CommandID, in TaskAmendment) (Accepted, error) {
	return onTask(ctx, h, "amend_task", p, id, in, in.TaskCommand, taskers, true, domain.UnitID{},
		func(t *task.Task, m domain.Meta, op task.Operation) error { return t.Amend(m, op, in.Terms, in.Reason) })
}

// CompleteTask completes a task.
func (h *Handlers) CompleteTask(ctx context.Context, p Principal, id CommandID, in TaskClosing) (Accepted, error) {
	return onTask(ctx, h, "complete_task", p, id, in, in.TaskCommand, taskers, false, domain.UnitID{},
		func(t *task.Task, m domain.Meta, _ task.Operation) error { return t.Complete(m, in.Text) })
}

// CancelTask cancels a task.
func (h *Handlers) CancelTask(ctx context.Context, p Principal, id CommandID, in TaskClosing) (Accepted, error) {
	return onTask(ctx, h, "cancel_task", p, id, in, in.TaskCommand, taskers, false, domain.UnitID{},
		func(t *task.Task, m domain.Meta, _ task.Operation) error { return t.Cancel(m, in.Text) })
}
