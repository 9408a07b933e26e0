package agency

import "github.com/jointops/jointops/domain"

// Event type names. They are stable forever.
const (
	RegisteredType             = "jointops.agency.registered"
	ContactPointDesignatedType = "jointops.agency.contact_point_designated"
	ContactPointWithdrawnType  = "jointops.agency.contact_point_withdrawn"
)

// Kind is what sort of body an agency is.
type Kind string

// Agency kinds.
const (
	KindPolice      Kind = "police"
	KindBorderGuard Kind = "border_guard"
	KindCustoms     Kind = "customs"
	KindGendarmerie Kind = "gendarmerie"
	KindCoastGuard  Kind = "coast_guard"
	KindJudicial    Kind = "judicial"
	KindOther       Kind = "other"
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindPolice, KindBorderGuard, KindCustoms, KindGendarmerie, KindCoastGuard, KindJudicial, KindOther:
		return true
	}
	return false
}

// Purpose is what a contact point is to be contacted for.
type Purpose string

// Contact point purposes.
const (
	PurposeSurveillanceNotification Purpose = "surveillance_notification"
	PurposePursuitNotification      Purpose = "pursuit_notification"
	PurposeAuthorisationRequests    Purpose = "authorisation_requests"
	PurposeDutyOffice               Purpose = "duty_office"
	PurposeLiaison                  Purpose = "liaison"
)

// Valid reports whether p is one of the purposes.
func (p Purpose) Valid() bool {
	switch p {
	case PurposeSurveillanceNotification, PurposePursuitNotification, PurposeAuthorisationRequests,
		PurposeDutyOffice, PurposeLiaison:
		return true
	}
	return false
}

// Channel is how a contact point is reached.
type Channel string

// Contact channels.
const (
	ChannelPhone  Channel = "phone"
	ChannelEmail  Channel = "email"
	ChannelRadio  Channel = "radio"
	ChannelSystem Channel = "system"
)

// Valid reports whether c is one of the channels.
func (c Channel) Valid() bool {
	switch c {
	case ChannelPhone, ChannelEmail, ChannelRadio, ChannelSystem:
		return true
	}
	return false
}

// Registered: an agency became known.
type Registered struct {
	AgencyID domain.AgencyID  `json:"agency_id"`
	State    domain.StateCode `json:"state"`
	Name     string           `json:"name"`
	Kind     Kind             `json:"kind"`
}

// ContactPointDesignated: the agency designated a contact point.
type ContactPointDesignated struct {
	AgencyID       domain.AgencyID       `json:"agency_id"`
	ContactPointID domain.ContactPointID `json:"contact_point_id"`
	Purpose        Purpose               `json:"purpose"`
	Name           string                `json:"name"`
	Channel        Channel               `json:"channel"`
	Address        string                `json:"address"`
}

// ContactPointWithdrawn: the agency withdrew a contact point.
type ContactPointWithdrawn struct {
	AgencyID       domain.AgencyID       `json:"agency_id"`
	ContactPointID domain.ContactPointID `json:"contact_point_id"`
}

// EventType implements domain.Payload.
func (Registered) EventType() string { return RegisteredType }

// SchemaVersion implements domain.Payload.
func (Registered) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ContactPointDesignated) EventType() string { return ContactPointDesignatedType }

// SchemaVersion implements domain.Payload.
func (ContactPointDesignated) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ContactPointWithdrawn) EventType() string { return ContactPointWithdrawnType }

// SchemaVersion implements domain.Payload.
func (ContactPointWithdrawn) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(Registered) },
		func() domain.Payload { return new(ContactPointDesignated) },
		func() domain.Payload { return new(ContactPointWithdrawn) },
	)
}
