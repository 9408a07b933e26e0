package commands

import (
	"context"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

// Reads of single aggregates, for clients that act on one (the board's read
// models live in projections/). A reader must belong to an agency taking part
// in the operation; the refusal for an outsider does not say whether the
// operation exists, so that existence itself does not leak.

// OperationView is the state of one operation.
type OperationView struct {
	ID                 domain.OperationID            `json:"id"`
	Version            uint64                        `json:"version"`
	Status             operation.Status              `json:"status"`
	Purpose            string                        `json:"purpose"`
	Lead               domain.AgencyID               `json:"lead"`
	Participants       []domain.AgencyID             `json:"participants"`
	ArrangementVersion int                           `json:"arrangement_version"`
	HostStates         []domain.StateCode            `json:"host_states"`
	LegalBasis         []domain.LegalRef             `json:"legal_basis"`
	Area               geo.Polygon                   `json:"area"`
	Period             domain.Period                 `json:"period"`
	OperationalPeriods []operation.OperationalPeriod `json:"operational_periods"`
}

// TaskView is the state of one task.
type TaskView struct {
	ID                    domain.TaskID      `json:"id"`
	Version               uint64             `json:"version"`
	Operation             domain.OperationID `json:"operation"`
	Unit                  domain.UnitID      `json:"unit"`
	Status                task.Status        `json:"status"`
	Revision              int                `json:"revision"`
	AwaitsAcknowledgement bool               `json:"awaits_acknowledgement"`
	Terms                 task.Terms         `json:"terms"`
}

// CodeNotVisible refuses a read of an operation the principal's agency does
// not take part in (or that does not exist).
const CodeNotVisible domain.Code = "read.not_visible"

func notVisible(op domain.OperationID) error {
	return domain.Forbid(CodeNotVisible, "operation %s is not visible to your agency", op)
}

// Operation returns the current state of an operation.
func (h *Handlers) Operation(ctx context.Context, p Principal, id domain.OperationID) (OperationView, error) {
	var v OperationView
	err := view(ctx, h, operation.Stream(id), func() *operation.Operation { return operation.New(id) },
		func(o *operation.Operation) error {
			if o.Version() == 0 || !o.Participates(p.Agency) {
				return notVisible(id)
			}
			v = OperationView{ID: id, Version: o.Version(), Status: o.Status(), Purpose: o.Purpose(), Lead: o.Lead(),
				Participants: o.Participants(), ArrangementVersion: o.ArrangementVersion(), HostStates: o.HostStates(),
				LegalBasis: o.LegalBasis(), Area: o.Area(), Period: o.Period(), OperationalPeriods: o.OperationalPeriods()}
			return nil
		})
	return v, err
}

// Task returns the current state of a task of an operation the principal's
// agency takes part in.
func (h *Handlers) Task(ctx context.Context, p Principal, id domain.TaskID) (TaskView, error) {
	var v TaskView
	err := view(ctx, h, task.Stream(id), func() *task.Task { return task.New(id) },
		func(t *task.Task) error {
			if t.Version() == 0 {
				return domain.Forbid(CodeNotVisible, "task %s is not visible to your agency", id)
			}
			v = TaskView{ID: id, Version: t.Version(), Operation: t.Operation(), Unit: t.Unit(), Status: t.Status(),
				Revision: t.Revision(), AwaitsAcknowledgement: t.AwaitsAcknowledgement(), Terms: t.Terms()}
			return nil
		})
	if err != nil {
		return TaskView{}, err
	}
	// The operation is checked after the task's lock is released: no read
	// holds two stream locks.
	if _, err := h.Operation(ctx, p, v.Operation); err != nil {
		return TaskView{}, domain.Forbid(CodeNotVisible, "task %s is not visible to your agency", id)
	}
	return v, nil
}
