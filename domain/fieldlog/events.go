package fieldlog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// Event type names. They are stable forever.
const (
	PositionReportedType             = "jointops.field.position_reported"
	BorderCrossedType                = "jointops.field.border_crossed"
	HostNotifiedType                 = "jointops.field.host_notified"
	HostNotificationAcknowledgedType = "jointops.field.host_notification_acknowledged"
	SurveillanceStartedType          = "jointops.field.surveillance_started"
	SurveillanceHandedOverType       = "jointops.field.surveillance_handed_over"
	SurveillanceEndedType            = "jointops.field.surveillance_ended"
	PursuitStartedType               = "jointops.field.pursuit_started"
	PursuitCeasedType                = "jointops.field.pursuit_ceased"
	PersonApprehendedType            = "jointops.field.person_apprehended"
	PersonHandedOverType             = "jointops.field.person_handed_over"
	ItemSeizedType                   = "jointops.field.item_seized"
	ForceUsedType                    = "jointops.field.force_used"
	ObservationReportedType          = "jointops.field.observation_reported"
	SituationReportedType            = "jointops.field.situation_reported"
	PostActionReportedType           = "jointops.field.post_action_reported"
	ReportRetractedType              = "jointops.field.report_retracted"
	MarkingRelaxedType               = "jointops.field.marking_relaxed"
)

// Header is carried by every report: its ID in the log, the log it belongs
// to, its information-handling marking and, for a correction, the report it
// corrects (a correction is a report of the same kind that supersedes the
// earlier one; both stay in the log).
type Header struct {
	ReportID    domain.ReportID    `json:"report_id"`
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	Marking     marking.Marking    `json:"marking"`
	Corrects    domain.ReportID    `json:"corrects,omitzero"`
}

// Head returns the header; every report payload has it through embedding.
func (h Header) Head() Header { return h }

// Report is implemented by the payload of every report (not by retractions
// and relaxations, which are about reports). Projections use it to read
// the marking of any report without a type switch.
type Report interface {
	domain.Payload
	Head() Header
}

// PositionReported: a unit reported where it is.
type PositionReported struct {
	Header
	Position
}

// BorderCrossed: the unit crossed a border.
type BorderCrossed struct {
	Header
	BorderCrossing
}

// HostNotified: the unit notified a host authority.
type HostNotified struct {
	Header
	HostNotification
}

// HostNotificationAcknowledged: the host authority acknowledged a notification.
type HostNotificationAcknowledged struct {
	Header
	HostAcknowledgement
}

// SurveillanceStarted: the unit began a surveillance.
type SurveillanceStarted struct {
	Header
	SurveillanceStart
}

// SurveillanceHandedOver: the unit handed a surveillance over.
type SurveillanceHandedOver struct {
	Header
	SurveillanceHandover
}

// SurveillanceEnded: a surveillance ended.
type SurveillanceEnded struct {
	Header
	SurveillanceEnd
}

// PursuitStarted: the unit began a hot pursuit.
type PursuitStarted struct {
	Header
	PursuitStart
}

// PursuitCeased: a hot pursuit ceased.
type PursuitCeased struct {
	Header
	PursuitCease
}

// PersonApprehended: the unit apprehended a person.
type PersonApprehended struct {
	Header
	Apprehension
}

// PersonHandedOver: the unit handed an apprehended person over.
type PersonHandedOver struct {
	Header
	PersonHandover
}

// ItemSeized: the unit seized an item.
type ItemSeized struct {
	Header
	Seizure
}

// ForceUsed: the unit used force.
type ForceUsed struct {
	Header
	UseOfForce
}

// ObservationReported: the unit observed something.
type ObservationReported struct {
	Header
	Observation
}

// SituationReported: the unit sent a situation report.
type SituationReported struct {
	Header
	Situation
}

// PostActionReported: the unit filed a post-action report.
type PostActionReported struct {
	Header
	PostAction
}

// ReportRetracted: an earlier report is withdrawn as wrong. It stays in
// the log; the retraction is visible to whoever may see the report.
type ReportRetracted struct {
	ReportID    domain.ReportID    `json:"report_id"`
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	Retracts    domain.ReportID    `json:"retracts"`
	Reason      string             `json:"reason"`
}

// MarkingRelaxed: the originator loosened the marking of an earlier report.
type MarkingRelaxed struct {
	ReportID    domain.ReportID    `json:"report_id"`
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	Report      domain.ReportID    `json:"report"`
	From        marking.Marking    `json:"from"`
	To          marking.Marking    `json:"to"`
}

// EventType implements domain.Payload.
func (PositionReported) EventType() string { return PositionReportedType }

// SchemaVersion implements domain.Payload.
func (PositionReported) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (BorderCrossed) EventType() string { return BorderCrossedType }

// SchemaVersion implements domain.Payload.
func (BorderCrossed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (HostNotified) EventType() string { return HostNotifiedType }

// SchemaVersion implements domain.Payload.
func (HostNotified) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (HostNotificationAcknowledged) EventType() string { return HostNotificationAcknowledgedType }

// SchemaVersion implements domain.Payload.
func (HostNotificationAcknowledged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (SurveillanceStarted) EventType() string { return SurveillanceStartedType }

// SchemaVersion implements domain.Payload.
func (SurveillanceStarted) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (SurveillanceHandedOver) EventType() string { return SurveillanceHandedOverType }

// SchemaVersion implements domain.Payload.
func (SurveillanceHandedOver) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (SurveillanceEnded) EventType() string { return SurveillanceEndedType }

// SchemaVersion implements domain.Payload.
func (SurveillanceEnded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PursuitStarted) EventType() string { return PursuitStartedType }

// SchemaVersion implements domain.Payload.
func (PursuitStarted) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PursuitCeased) EventType() string { return PursuitCeasedType }

// SchemaVersion implements domain.Payload.
func (PursuitCeased) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PersonApprehended) EventType() string { return PersonApprehendedType }

// SchemaVersion implements domain.Payload.
func (PersonApprehended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PersonHandedOver) EventType() string { return PersonHandedOverType }

// SchemaVersion implements domain.Payload.
func (PersonHandedOver) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ItemSeized) EventType() string { return ItemSeizedType }

// SchemaVersion implements domain.Payload.
func (ItemSeized) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ForceUsed) EventType() string { return ForceUsedType }

// SchemaVersion implements domain.Payload.
func (ForceUsed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ObservationReported) EventType() string { return ObservationReportedType }

// SchemaVersion implements domain.Payload.
func (ObservationReported) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (SituationReported) EventType() string { return SituationReportedType }

// SchemaVersion implements domain.Payload.
func (SituationReported) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (PostActionReported) EventType() string { return PostActionReportedType }

// SchemaVersion implements domain.Payload.
func (PostActionReported) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ReportRetracted) EventType() string { return ReportRetractedType }

// SchemaVersion implements domain.Payload.
func (ReportRetracted) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (MarkingRelaxed) EventType() string { return MarkingRelaxedType }

// SchemaVersion implements domain.Payload.
func (MarkingRelaxed) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(PositionReported) },
		func() domain.Payload { return new(BorderCrossed) },
		func() domain.Payload { return new(HostNotified) },
		func() domain.Payload { return new(HostNotificationAcknowledged) },
		func() domain.Payload { return new(SurveillanceStarted) },
		func() domain.Payload { return new(SurveillanceHandedOver) },
		func() domain.Payload { return new(SurveillanceEnded) },
		func() domain.Payload { return new(PursuitStarted) },
		func() domain.Payload { return new(PursuitCeased) },
		func() domain.Payload { return new(PersonApprehended) },
		func() domain.Payload { return new(PersonHandedOver) },
		func() domain.Payload { return new(ItemSeized) },
		func() domain.Payload { return new(ForceUsed) },
		func() domain.Payload { return new(ObservationReported) },
		func() domain.Payload { return new(SituationReported) },
		func() domain.Payload { return new(PostActionReported) },
		func() domain.Payload { return new(ReportRetracted) },
		func() domain.Payload { return new(MarkingRelaxed) },
		func() domain.Payload { return new(JudicialUsePermitted) },
	)
}
