package operation

import (
	"time"

	"github.com/jointops/jointops/domain"
)

// Event type names of the command structure and resources. They are stable
// forever.
const (
	OrgUnitAddedType          = "jointops.command.org_unit_added"
	PositionEstablishedType   = "jointops.command.position_established"
	PositionFilledType        = "jointops.command.position_filled"
	PositionVacatedType       = "jointops.command.position_vacated"
	CommandTransferredType    = "jointops.command.transferred"
	SpanOfControlExceededType = "jointops.command.span_of_control_exceeded"
	ResourceCheckedInType     = "jointops.resource.checked_in"
	ResourceAssignedType      = "jointops.resource.assigned"
	ResourceStatusChangedType = "jointops.resource.status_changed"
	ResourceCheckedOutType    = "jointops.resource.checked_out"
)

// OrgUnitKind is the level of an org unit in the ICS tree.
type OrgUnitKind string

// Org unit kinds, from the top of the tree down.
const (
	KindSection    OrgUnitKind = "section"
	KindBranch     OrgUnitKind = "branch"
	KindDivision   OrgUnitKind = "division" // geographic
	KindGroup      OrgUnitKind = "group"    // functional
	KindTaskForce  OrgUnitKind = "task_force"
	KindStrikeTeam OrgUnitKind = "strike_team"
	KindTeam       OrgUnitKind = "team"
)

// level is the depth of a kind in the tree; a child sits strictly below its
// parent. Zero means unknown.
func (k OrgUnitKind) level() int {
	switch k {
	case KindSection:
		return 1
	case KindBranch:
		return 2
	case KindDivision, KindGroup:
		return 3
	case KindTaskForce, KindStrikeTeam, KindTeam:
		return 4
	}
	return 0
}

// Valid reports whether k is one of the kinds.
func (k OrgUnitKind) Valid() bool { return k.level() > 0 }

// ResourceKind is what sort of resource checked in.
type ResourceKind string

// Resource kinds.
const (
	ResourceUnit     ResourceKind = "unit"
	ResourceTeam     ResourceKind = "team"
	ResourceVehicle  ResourceKind = "vehicle"
	ResourceDog      ResourceKind = "dog"
	ResourceAircraft ResourceKind = "aircraft"
	ResourceVessel   ResourceKind = "vessel"
)

// Valid reports whether k is one of the kinds.
func (k ResourceKind) Valid() bool {
	switch k {
	case ResourceUnit, ResourceTeam, ResourceVehicle, ResourceDog, ResourceAircraft, ResourceVessel:
		return true
	}
	return false
}

// ResourceStatus is a checked-in resource's availability.
type ResourceStatus string

// Resource statuses.
const (
	StatusAvailable    ResourceStatus = "available"
	StatusAssigned     ResourceStatus = "assigned"
	StatusOutOfService ResourceStatus = "out_of_service"
)

// OrgUnitAdded: a node was added to the org tree; a zero parent puts it
// directly under the unified command.
type OrgUnitAdded struct {
	OperationID domain.OperationID `json:"operation_id"`
	OrgUnitID   domain.OrgUnitID   `json:"org_unit_id"`
	ParentID    domain.OrgUnitID   `json:"parent_id,omitzero"`
	Kind        OrgUnitKind        `json:"kind"`
	Name        string             `json:"name"`
}

// PositionEstablished: a position of the command structure was created,
// either in an org unit or, with CommandSeatOf set, as the seat of an
// agency's commander in the unified command.
type PositionEstablished struct {
	OperationID   domain.OperationID `json:"operation_id"`
	PositionID    domain.PositionID  `json:"position_id"`
	OrgUnitID     domain.OrgUnitID   `json:"org_unit_id,omitzero"`
	Title         string             `json:"title"`
	CommandSeatOf domain.AgencyID    `json:"command_seat_of,omitzero"`
}

// PositionFilled: a vacant position got a holder from EffectiveAt on.
type PositionFilled struct {
	OperationID domain.OperationID `json:"operation_id"`
	PositionID  domain.PositionID  `json:"position_id"`
	Holder      domain.PersonRef   `json:"holder"`
	EffectiveAt time.Time          `json:"effective_at"`
}

// PositionVacated: the holder left the position at EffectiveAt without a
// successor.
type PositionVacated struct {
	OperationID domain.OperationID `json:"operation_id"`
	PositionID  domain.PositionID  `json:"position_id"`
	Holder      domain.PersonRef   `json:"holder"`
	EffectiveAt time.Time          `json:"effective_at"`
}

// CommandTransferred: command of a position passes from one holder to the
// next at EffectiveAt, after a briefing; the outgoing holder stays in
// charge until then.
type CommandTransferred struct {
	OperationID domain.OperationID `json:"operation_id"`
	PositionID  domain.PositionID  `json:"position_id"`
	From        domain.PersonRef   `json:"from"`
	To          domain.PersonRef   `json:"to"`
	BriefingRef string             `json:"briefing_ref"`
	EffectiveAt time.Time          `json:"effective_at"`
	Notified    []domain.PersonRef `json:"notified,omitempty"`
}

// SpanOfControlExceeded warns that an org unit (or, with a zero OrgUnitID,
// the unified command) now directs more than Limit subordinates. It is a
// warning, raised alongside the change that caused it, never a rejection.
type SpanOfControlExceeded struct {
	OperationID domain.OperationID `json:"operation_id"`
	OrgUnitID   domain.OrgUnitID   `json:"org_unit_id,omitzero"`
	Span        int                `json:"span"`
	Limit       int                `json:"limit"`
}

// ResourceCheckedIn: a resource of a participating agency reported for the
// operation and is available.
type ResourceCheckedIn struct {
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	Agency      domain.AgencyID    `json:"agency"`
	Kind        ResourceKind       `json:"kind"`
	CallSign    string             `json:"call_sign"`
	Personnel   int                `json:"personnel"`
}

// ResourceAssigned: a resource was assigned to an org unit; its status is
// assigned.
type ResourceAssigned struct {
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	OrgUnitID   domain.OrgUnitID   `json:"org_unit_id"`
}

// ResourceStatusChanged: a resource became available (leaving any
// assignment) or out of service (with a reason).
type ResourceStatusChanged struct {
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	Status      ResourceStatus     `json:"status"`
	Reason      string             `json:"reason,omitempty"`
}

// ResourceCheckedOut: a resource left the operation; it is no longer
// attached and cannot be tasked.
type ResourceCheckedOut struct {
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
}

// EventType implements domain.Payload.
func (OrgUnitAdded) EventType() string { return OrgUnitAddedType }

// SchemaVersion implements domain.Payload.
func (OrgUnitAdded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PositionEstablished) EventType() string { return PositionEstablishedType }

// SchemaVersion implements domain.Payload.
func (PositionEstablished) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PositionFilled) EventType() string { return PositionFilledType }

// SchemaVersion implements domain.Payload.
func (PositionFilled) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PositionVacated) EventType() string { return PositionVacatedType }

// SchemaVersion implements domain.Payload.
func (PositionVacated) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (CommandTransferred) EventType() string { return CommandTransferredType }

// SchemaVersion implements domain.Payload.
func (CommandTransferred) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (SpanOfControlExceeded) EventType() string { return SpanOfControlExceededType }

// SchemaVersion implements domain.Payload.
func (SpanOfControlExceeded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ResourceCheckedIn) EventType() string { return ResourceCheckedInType }

// SchemaVersion implements domain.Payload.
func (ResourceCheckedIn) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ResourceAssigned) EventType() string { return ResourceAssignedType }

// SchemaVersion implements domain.Payload.
func (ResourceAssigned) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ResourceStatusChanged) EventType() string { return ResourceStatusChangedType }

// SchemaVersion implements domain.Payload.
func (ResourceStatusChanged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ResourceCheckedOut) EventType() string { return ResourceCheckedOutType }

// SchemaVersion implements domain.Payload.
func (ResourceCheckedOut) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(Proposed) },
		func() domain.Payload { return new(ParticipantAdded) },
		func() domain.Payload { return new(Agreed) },
		func() domain.Payload { return new(Activated) },
		func() domain.Payload { return new(Suspended) },
		func() domain.Payload { return new(Resumed) },
		func() domain.Payload { return new(Closed) },
		func() domain.Payload { return new(AreaChanged) },
		func() domain.Payload { return new(PeriodChanged) },
		func() domain.Payload { return new(LegalBasisChanged) },
		func() domain.Payload { return new(OperationalPeriodPlanned) },
		func() domain.Payload { return new(ObjectiveAdded) },
		func() domain.Payload { return new(OrgUnitAdded) },
		func() domain.Payload { return new(PositionEstablished) },
		func() domain.Payload { return new(PositionFilled) },
		func() domain.Payload { return new(PositionVacated) },
		func() domain.Payload { return new(CommandTransferred) },
		func() domain.Payload { return new(SpanOfControlExceeded) },
		func() domain.Payload { return new(ResourceCheckedIn) },
		func() domain.Payload { return new(ResourceAssigned) },
		func() domain.Payload { return new(ResourceStatusChanged) },
		func() domain.Payload { return new(ResourceCheckedOut) },
	)
}
