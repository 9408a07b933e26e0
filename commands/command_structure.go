package commands

import (
	"context"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
)

// OrgUnitAddition adds a node to the organisation tree.
type OrgUnitAddition struct {
	OperationCommand
	operation.OrgUnit
}

// PositionEstablishment establishes a position of the command structure.
type PositionEstablishment struct {
	OperationCommand
	operation.PositionSpec
}

// PositionFilling puts a person into a position from EffectiveAt.
type PositionFilling struct {
	OperationCommand
	Position    domain.PositionID
	Holder      domain.PersonRef
	EffectiveAt time.Time
}

// PositionVacating ends a position's tenure at EffectiveAt.
type PositionVacating struct {
	OperationCommand
	Position    domain.PositionID
	EffectiveAt time.Time
}

// CommandTransfer hands a position over from its current holder.
type CommandTransfer struct {
	OperationCommand
	operation.Transfer
}

// ResourceCheckIn attaches a resource to the operation.
type ResourceCheckIn struct {
	OperationCommand
	operation.CheckIn
}

// ResourceAssignment assigns a resource to an org unit.
type ResourceAssignment struct {
	OperationCommand
	Unit domain.UnitID
	To   domain.OrgUnitID
}

// ResourceChange changes a resource's status (available, out of service
// with a reason, checked out).
type ResourceChange struct {
	OperationCommand
	Unit   domain.UnitID
	Reason string
}

// AddOrgUnit adds an org unit.
func (h *Handlers) AddOrgUnit(ctx context.Context, p Principal, id CommandID, in OrgUnitAddition) (Accepted, error) {
	return onOperation(ctx, h, "add_org_unit", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.AddOrgUnit(m, in.OrgUnit) })
}

// EstablishPosition establishes a position.
func (h *Handlers) EstablishPosition(ctx context.Context, p Principal, id CommandID, in PositionEstablishment) (Accepted, error) {
	return onOperation(ctx, h, "establish_position", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.EstablishPosition(m, in.PositionSpec) })
}

// FillPosition fills a position.
func (h *Handlers) FillPosition(ctx context.Context, p Principal, id CommandID, in PositionFilling) (Accepted, error) {
	return onOperation(ctx, h, "fill_position", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error {
			return o.FillPosition(m, in.Position, in.Holder, in.EffectiveAt)
		})
}

// VacatePosition vacates a position.
func (h *Handlers) VacatePosition(ctx context.Context, p Principal, id CommandID, in PositionVacating) (Accepted, error) {
	return onOperation(ctx, h, "vacate_position", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error {
			return o.VacatePosition(m, in.Position, in.EffectiveAt)
		})
}

// TransferCommand transfers a position from its current holder; the
// operation decides whether the principal may (the holder or the unified
// command).
func (h *Handlers) TransferCommand(ctx context.Context, p Principal, id CommandID, in CommandTransfer) (Accepted, error) {
	return onOperation(ctx, h, "transfer_command", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.TransferCommand(m, in.Transfer) })
}

// CheckInResource checks a resource in.
func (h *Handlers) CheckInResource(ctx context.Context, p Principal, id CommandID, in ResourceCheckIn) (Accepted, error) {
	return onOperation(ctx, h, "check_in_resource", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.CheckInResource(m, in.CheckIn) })
}

// AssignResource assigns a resource to an org unit.
func (h *Handlers) AssignResource(ctx context.Context, p Principal, id CommandID, in ResourceAssignment) (Accepted, error) {
	return onOperation(ctx, h, "assign_resource", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.AssignResource(m, in.Unit, in.To) })
}

// MarkResourceAvailable marks a resource available.
func (h *Handlers) MarkResourceAvailable(ctx context.Context, p Principal, id CommandID, in ResourceChange) (Accepted, error) {
	return onOperation(ctx, h, "mark_resource_available", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.MarkResourceAvailable(m, in.Unit) })
}

// MarkResourceOutOfService marks a resource out of service with a reason.
func (h *Handlers) MarkResourceOutOfService(ctx context.Context, p Principal, id CommandID, in ResourceChange) (Accepted, error) {
	return onOperation(ctx, h, "mark_resource_out_of_service", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error {
			return o.MarkResourceOutOfService(m, in.Unit, in.Reason)
		})
}

// CheckOutResource checks a resource out.
func (h *Handlers) CheckOutResource(ctx context.Context, p Principal, id CommandID, in ResourceChange) (Accepted, error) {
	return onOperation(ctx, h, "check_out_resource", p, id, in, in.OperationCommand, true,
		func(o *operation.Operation, m domain.Meta) error { return o.CheckOutResource(m, in.Unit) })
}
