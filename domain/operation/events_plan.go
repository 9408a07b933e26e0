package operation

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Event type names of the lifecycle and planning. They are stable forever.
const (
	ProposedType                 = "jointops.operation.proposed"
	ParticipantAddedType         = "jointops.operation.participant_added"
	AgreedType                   = "jointops.operation.agreed"
	ActivatedType                = "jointops.operation.activated"
	SuspendedType                = "jointops.operation.suspended"
	ResumedType                  = "jointops.operation.resumed"
	ClosedType                   = "jointops.operation.closed"
	AreaChangedType              = "jointops.operation.area_changed"
	PeriodChangedType            = "jointops.operation.period_changed"
	LegalBasisChangedType        = "jointops.operation.legal_basis_changed"
	OperationalPeriodPlannedType = "jointops.operation.operational_period_planned"
	ObjectiveAddedType           = "jointops.operation.objective_added"
)

// Proposed: the lead agency proposed a joint arrangement. Its terms are
// arrangement version 1.
type Proposed struct {
	OperationID        domain.OperationID `json:"operation_id"`
	Purpose            string             `json:"purpose"`
	Lead               domain.AgencyID    `json:"lead"`
	Participants       []domain.AgencyID  `json:"participants"`
	HostStates         []domain.StateCode `json:"host_states"`
	LegalBasis         []domain.LegalRef  `json:"legal_basis"`
	Area               geo.Polygon        `json:"area"`
	Period             domain.Period      `json:"period"`
	ArrangementVersion int                `json:"arrangement_version"`
}

// ParticipantAdded: another agency joined. While the operation is only
// proposed this changes the arrangement, so its version moves on and every
// agency must agree again.
type ParticipantAdded struct {
	OperationID        domain.OperationID `json:"operation_id"`
	Agency             domain.AgencyID    `json:"agency"`
	ArrangementVersion int                `json:"arrangement_version"`
}

// Agreed: a participating agency agreed to the arrangement of the given
// version.
type Agreed struct {
	OperationID        domain.OperationID `json:"operation_id"`
	Agency             domain.AgencyID    `json:"agency"`
	ArrangementVersion int                `json:"arrangement_version"`
}

// Activated: the operation started, every participant having agreed.
type Activated struct {
	OperationID domain.OperationID `json:"operation_id"`
}

// Suspended: the operation was paused.
type Suspended struct {
	OperationID domain.OperationID `json:"operation_id"`
	Reason      string             `json:"reason"`
}

// Resumed: a suspended operation became active again.
type Resumed struct {
	OperationID domain.OperationID `json:"operation_id"`
}

// Closed: the operation ended; nothing more may be decided in it.
type Closed struct {
	OperationID domain.OperationID `json:"operation_id"`
	Reason      string             `json:"reason,omitempty"`
}

// AreaChanged: the area of operations was redrawn.
type AreaChanged struct {
	OperationID        domain.OperationID `json:"operation_id"`
	Area               geo.Polygon        `json:"area"`
	ArrangementVersion int                `json:"arrangement_version"`
}

// PeriodChanged: the operation's period was changed.
type PeriodChanged struct {
	OperationID        domain.OperationID `json:"operation_id"`
	Period             domain.Period      `json:"period"`
	ArrangementVersion int                `json:"arrangement_version"`
}

// LegalBasisChanged: the agreements and provisions the operation rests on
// were replaced.
type LegalBasisChanged struct {
	OperationID        domain.OperationID `json:"operation_id"`
	LegalBasis         []domain.LegalRef  `json:"legal_basis"`
	ArrangementVersion int                `json:"arrangement_version"`
}

// OperationalPeriodPlanned: an operational period of the incident action
// plan, numbered from 1, with its objectives.
type OperationalPeriodPlanned struct {
	OperationID domain.OperationID `json:"operation_id"`
	Number      int                `json:"number"`
	Period      domain.Period      `json:"period"`
	Objectives  []string           `json:"objectives"`
}

// ObjectiveAdded: an objective was added to an operational period; objectives
// are numbered from 1 within their period.
type ObjectiveAdded struct {
	OperationID       domain.OperationID `json:"operation_id"`
	OperationalPeriod int                `json:"operational_period"`
	Number            int                `json:"number"`
	Text              string             `json:"text"`
}

// EventType implements domain.Payload.
func (Proposed) EventType() string { return ProposedType }

// SchemaVersion implements domain.Payload.
func (Proposed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ParticipantAdded) EventType() string { return ParticipantAddedType }

// SchemaVersion implements domain.Payload.
func (ParticipantAdded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Agreed) EventType() string { return AgreedType }

// SchemaVersion implements domain.Payload.
func (Agreed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Activated) EventType() string { return ActivatedType }

// SchemaVersion implements domain.Payload.
func (Activated) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Suspended) EventType() string { return SuspendedType }

// SchemaVersion implements domain.Payload.
func (Suspended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Resumed) EventType() string { return ResumedType }

// SchemaVersion implements domain.Payload.
func (Resumed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Closed) EventType() string { return ClosedType }

// SchemaVersion implements domain.Payload.
func (Closed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (AreaChanged) EventType() string { return AreaChangedType }

// SchemaVersion implements domain.Payload.
func (AreaChanged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PeriodChanged) EventType() string { return PeriodChangedType }

// SchemaVersion implements domain.Payload.
func (PeriodChanged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (LegalBasisChanged) EventType() string { return LegalBasisChangedType }

// SchemaVersion implements domain.Payload.
func (LegalBasisChanged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (OperationalPeriodPlanned) EventType() string { return OperationalPeriodPlannedType }

// SchemaVersion implements domain.Payload.
func (OperationalPeriodPlanned) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ObjectiveAdded) EventType() string { return ObjectiveAddedType }

// SchemaVersion implements domain.Payload.
func (ObjectiveAdded) SchemaVersion() uint32 { return 1 }
