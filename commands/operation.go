package commands

import (
	"context"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
)

// OperationCommand is the common part of commands on an operation.
type OperationCommand struct {
	Operation  domain.OperationID
	OccurredAt time.Time
}

// Proposal opens a joint operation, proposed by its lead agency.
type Proposal struct {
	OperationCommand
	operation.Proposal
}

// Agreement is a participating agency's agreement to a version of the
// joint arrangement.
type Agreement struct {
	OperationCommand
	ArrangementVersion int
}

// Participant adds an agency to the operation (changing the arrangement).
type Participant struct {
	OperationCommand
	Agency domain.AgencyID
}

// Reasoned is a lifecycle change with a reason (suspend, close).
type Reasoned struct {
	OperationCommand
	Reason string
}

// AreaChange replaces the area of operations.
type AreaChange struct {
	OperationCommand
	Area geo.Polygon
}

// OperationalPeriodPlan plans an operational period with its objectives.
type OperationalPeriodPlan struct {
	OperationCommand
	Period     domain.Period
	Objectives []string
}

// onOperation runs one operation decision. Planning and lifecycle are for
// commanders (and administrators); who among them may — the lead agency, the
// unified command — is the operation's own rule, checked when it decides.
func onOperation(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any,
	c OperationCommand, mustExist bool, decide func(*operation.Operation, domain.Meta) error) (Accepted, error) {
	return run(ctx, h, command[*operation.Operation]{
		useCase: useCase, id: id, p: p, input: input, op: c.Operation,
		stream: operation.Stream(c.Operation),
		fresh:  func() *operation.Operation { return operation.New(c.Operation) },
		decide: func(_ context.Context, o *operation.Operation) error {
			if err := p.requireRole(RoleCommander, RoleAdmin); err != nil {
				return err
			}
			if mustExist && o.Version() == 0 {
				return domain.Missing(operation.CodeNotFound, "operation %s does not exist", c.Operation)
			}
			m, _, err := h.meta(p, c.OccurredAt)
			if err != nil {
				return err
			}
			return decide(o, m)
		},
	})
}

// ProposeOperation opens an operation as proposed.
func (h *Handlers) ProposeOperation(ctx context.Context, p Principal, id CommandID, in Proposal) (Accepted, error) {
	return onOperation(ctx, h, "propose_operation", p, id, in, in.OperationCommand, false,
		func(o *operation.Operation, m domain.Meta) error { return o.Propose(m, in.Proposal) })
}

// AddParticipant adds an agency to the operation.
func (h *Handlers) AddParticipant(ctx context.Context, p Principal, id CommandID, in Participant) (Accepted, error) {
	return onOperation(ctx, h, "add_participant", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.AddParticipant(m, in.Agency) })
}

// AgreeToOperation records the principal's agency's agreement.
func (h *Handlers) AgreeToOperation(ctx context.Context, p Principal, id CommandID, in Agreement) (Accepted, error) {
	return onOperation(ctx, h, "agree_to_operation", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.Agree(m, in.ArrangementVersion) })
}

// ActivateOperation activates an agreed operation.
func (h *Handlers) ActivateOperation(ctx context.Context, p Principal, id CommandID, in OperationCommand) (Accepted, error) {
	return onOperation(ctx, h, "activate_operation", p, id, in, in, true,
		func(o *operation.Operation, m domain.Meta) error { return o.Activate(m) })
}

// SuspendOperation suspends an active operation.
func (h *Handlers) SuspendOperation(ctx context.Context, p Principal, id CommandID, in Reasoned) (Accepted, error) {
	return onOperation(ctx, h, "suspend_operation", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.Suspend(m, in.Reason) })
}

// ResumeOperation resumes a suspended operation.
func (h *Handlers) ResumeOperation(ctx context.Context, p Principal, id CommandID, in OperationCommand) (Accepted, error) {
	return onOperation(ctx, h, "resume_operation", p, id, in, in, true,
		func(o *operation.Operation, m domain.Meta) error { return o.Resume(m) })
}

// CloseOperation closes an operation.
func (h *Handlers) CloseOperation(ctx context.Context, p Principal, id CommandID, in Reasoned) (Accepted, error) {
	return onOperation(ctx, h, "close_operation", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.Close(m, in.Reason) })
}

// ChangeArea replaces the area of operations.
func (h *Handlers) ChangeArea(ctx context.Context, p Principal, id CommandID, in AreaChange) (Accepted, error) {
	return onOperation(ctx, h, "change_area", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.ChangeArea(m, in.Area) })
}

// PlanOperationalPeriod plans an operational period with its objectives.
func (h *Handlers) PlanOperationalPeriod(ctx context.Context, p Principal, id CommandID, in OperationalPeriodPlan) (Accepted, error) {
	return onOperation(ctx, h, "plan_operational_period", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error {
			return o.PlanOperationalPeriod(m, in.Period, in.Objectives)
		})
}

// PeriodChange replaces the operation's period.
type PeriodChange struct {
	OperationCommand
	Period domain.Period
}

// LegalBasisChange replaces the operation's legal basis.
type LegalBasisChange struct {
	OperationCommand
	LegalBasis []domain.LegalRef
}

// ObjectiveAddition adds an objective to an operational period.
type ObjectiveAddition struct {
	OperationCommand
	OperationalPeriod int
	Objective         string
}

// ChangePeriod replaces the operation's period.
func (h *Handlers) ChangePeriod(ctx context.Context, p Principal, id CommandID, in PeriodChange) (Accepted, error) {
	return onOperation(ctx, h, "change_period", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.ChangePeriod(m, in.Period) })
}

// ChangeLegalBasis replaces the operation's legal basis.
func (h *Handlers) ChangeLegalBasis(ctx context.Context, p Principal, id CommandID, in LegalBasisChange) (Accepted, error) {
	return onOperation(ctx, h, "change_legal_basis", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.ChangeLegalBasis(m, in.LegalBasis) })
}

// AddObjective adds an objective to an operational period.
func (h *Handlers) AddObjective(ctx context.Context, p Principal, id CommandID, in ObjectiveAddition) (Accepted, error) {
	return onOperation(ctx, h, "add_objective", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error {
			return o.AddObjective(m, in.OperationalPeriod, in.Objective)
		})
}
