package fieldlog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// The bodies below are what each kind of report says beyond its Header.
// They are the inputs of the Log's report methods and, embedded next to the
// Header, the payloads of its events.

// body is implemented by every report body.
type body interface {
	// validate records the body's problems.
	validate(p *domain.Problems)
	// key is the identity a correction must keep: the activity,
	// notification, subject or custody ID the report is about ("" if none).
	key() string
}

func requirePoint(p *domain.Problems, field string, pt geo.Point) {
	if pt == (geo.Point{}) {
		p.Add(field, "required")
	}
}

// Position is a position report.
type Position struct {
	Point  geo.Point `json:"point"`
	Source Source    `json:"source"`
}

func (b Position) validate(p *domain.Problems) {
	requirePoint(p, "point", b.Point)
	if !b.Source.Valid() {
		p.Addf("source", "unknown source %q", b.Source)
	}
}

func (Position) key() string { return "" }

// BorderCrossing reports crossing from one state into another, possibly in
// the course of a surveillance or pursuit (Activity).
type BorderCrossing struct {
	From     domain.StateCode  `json:"from"`
	To       domain.StateCode  `json:"to"`
	Point    geo.Point         `json:"point"`
	Mode     Mode              `json:"mode"`
	Activity domain.ActivityID `json:"activity,omitzero"`
}

func (b BorderCrossing) validate(p *domain.Problems) {
	if b.From.IsZero() {
		p.Add("from", "required")
	}
	if b.To.IsZero() {
		p.Add("to", "required")
	}
	if !b.From.IsZero() && b.From == b.To {
		p.Add("to", "must differ from from")
	}
	requirePoint(p, "point", b.Point)
	if !b.Mode.Valid() {
		p.Addf("mode", "unknown mode %q", b.Mode)
	}
}

func (BorderCrossing) key() string { return "" }

// HostNotification reports notifying a host state's authority of an
// action, such as a surveillance or pursuit crossing into its territory.
type HostNotification struct {
	Notification domain.NotificationID `json:"notification"`
	HostState    domain.StateCode      `json:"host_state"`
	// Authority is the host agency notified; ContactPoint the designated
	// contact point used, when known.
	Authority    domain.AgencyID       `json:"authority"`
	ContactPoint domain.ContactPointID `json:"contact_point,omitzero"`
	Channel      Channel               `json:"channel"`
	Activity     domain.ActivityID     `json:"activity,omitzero"`
	Text         string                `json:"text"`
}

func (b HostNotification) validate(p *domain.Problems) {
	if b.Notification.IsZero() {
		p.Add("notification", "required")
	}
	if b.HostState.IsZero() {
		p.Add("host_state", "required")
	}
	if b.Authority.IsZero() {
		p.Add("authority", "required")
	}
	if !b.Channel.Valid() {
		p.Addf("channel", "unknown channel %q", b.Channel)
	}
	p.RequireText("text", b.Text, domain.MaxText)
}

func (b HostNotification) key() string { return b.Notification.String() }

// HostAcknowledgement reports the host authority's acknowledgement of a
// notification, and whether it authorised the action.
type HostAcknowledgement struct {
	Notification   domain.NotificationID `json:"notification"`
	AcknowledgedBy string                `json:"acknowledged_by"`
	Reference      string                `json:"reference,omitempty"`
	Authorised     bool                  `json:"authorised"`
}

func (b HostAcknowledgement) validate(p *domain.Problems) {
	if b.Notification.IsZero() {
		p.Add("notification", "required")
	}
	p.RequireText("acknowledged_by", b.AcknowledgedBy, domain.MaxName)
	p.OptionalText("reference", b.Reference, domain.MaxName)
}

func (b HostAcknowledgement) key() string { return b.Notification.String() }

// SurveillanceStart reports the start of an observation of a person or
// vehicle that may continue across a border.
type SurveillanceStart struct {
	Activity         domain.ActivityID `json:"activity"`
	Target           string            `json:"target"`
	Offence          string            `json:"offence"`
	Authorisation    Authorisation     `json:"authorisation"`
	AuthorisationRef string            `json:"authorisation_ref,omitempty"`
	Point            *geo.Point        `json:"point,omitempty"`
}

func (b SurveillanceStart) validate(p *domain.Problems) {
	if b.Activity.IsZero() {
		p.Add("activity", "required")
	}
	p.RequireText("target", b.Target, domain.MaxText)
	p.RequireText("offence", b.Offence, domain.MaxName)
	if !b.Authorisation.Valid() {
		p.Addf("authorisation", "unknown authorisation %q", b.Authorisation)
	}
	p.OptionalText("authorisation_ref", b.AuthorisationRef, domain.MaxName)
}

func (b SurveillanceStart) key() string { return b.Activity.String() }

// SurveillanceHandover reports handing a surveillance over to officers of
// another agency (usually the host's); it ends this unit's part.
type SurveillanceHandover struct {
	Activity domain.ActivityID `json:"activity"`
	ToAgency domain.AgencyID   `json:"to_agency"`
	ToUnit   domain.UnitID     `json:"to_unit,omitzero"`
	Point    *geo.Point        `json:"point,omitempty"`
}

func (b SurveillanceHandover) validate(p *domain.Problems) {
	if b.Activity.IsZero() {
		p.Add("activity", "required")
	}
	if b.ToAgency.IsZero() {
		p.Add("to_agency", "required")
	}
}

func (b SurveillanceHandover) key() string { return b.Activity.String() }

// SurveillanceEnd reports the end of a surveillance.
type SurveillanceEnd struct {
	Activity domain.ActivityID     `json:"activity"`
	Reason   SurveillanceEndReason `json:"reason"`
	Point    *geo.Point            `json:"point,omitempty"`
}

func (b SurveillanceEnd) validate(p *domain.Problems) {
	if b.Activity.IsZero() {
		p.Add("activity", "required")
	}
	if !b.Reason.Valid() {
		p.Addf("reason", "unknown reason %q", b.Reason)
	}
}

func (b SurveillanceEnd) key() string { return b.Activity.String() }

// PursuitStart reports the start of a hot pursuit.
type PursuitStart struct {
	Activity domain.ActivityID `json:"activity"`
	Grounds  Grounds           `json:"grounds"`
	Offence  string            `json:"offence"`
	Target   string            `json:"target"`
	Point    geo.Point         `json:"point"`
}

func (b PursuitStart) validate(p *domain.Problems) {
	if b.Activity.IsZero() {
		p.Add("activity", "required")
	}
	if !b.Grounds.Valid() {
		p.Addf("grounds", "unknown grounds %q", b.Grounds)
	}
	p.RequireText("offence", b.Offence, domain.MaxName)
	p.RequireText("target", b.Target, domain.MaxText)
	requirePoint(p, "point", b.Point)
}

func (b PursuitStart) key() string { return b.Activity.String() }

// PursuitCease reports the end of a hot pursuit.
type PursuitCease struct {
	Activity domain.ActivityID `json:"activity"`
	Reason   CeaseReason       `json:"reason"`
	Point    geo.Point         `json:"point"`
}

func (b PursuitCease) validate(p *domain.Problems) {
	if b.Activity.IsZero() {
		p.Add("activity", "required")
	}
	if !b.Reason.Valid() {
		p.Addf("reason", "unknown reason %q", b.Reason)
	}
	requirePoint(p, "point", b.Point)
}

func (b PursuitCease) key() string { return b.Activity.String() }

// Apprehension reports apprehending (or holding until local officers
// arrive) a person, named only by a subject ID within this log.
type Apprehension struct {
	Subject     domain.SubjectID  `json:"subject"`
	Nationality domain.StateCode  `json:"nationality,omitzero"`
	Grounds     string            `json:"grounds"`
	Activity    domain.ActivityID `json:"activity,omitzero"`
	Point       geo.Point         `json:"point"`
}

func (b Apprehension) validate(p *domain.Problems) {
	if b.Subject.IsZero() {
		p.Add("subject", "required")
	}
	p.RequireText("grounds", b.Grounds, domain.MaxText)
	requirePoint(p, "point", b.Point)
}

func (b Apprehension) key() string { return b.Subject.String() }

// PersonHandover reports handing an apprehended person over to another
// agency's officers.
type PersonHandover struct {
	Subject  domain.SubjectID `json:"subject"`
	ToAgency domain.AgencyID  `json:"to_agency"`
	Point    *geo.Point       `json:"point,omitempty"`
}

func (b PersonHandover) validate(p *domain.Problems) {
	if b.Subject.IsZero() {
		p.Add("subject", "required")
	}
	if b.ToAgency.IsZero() {
		p.Add("to_agency", "required")
	}
}

func (b PersonHandover) key() string { return b.Subject.String() }

// Seizure reports an item seized, under a chain-of-custody ID unique in the
// log.
type Seizure struct {
	CustodyID   string           `json:"custody_id"`
	Description string           `json:"description"`
	Subject     domain.SubjectID `json:"subject,omitzero"`
	Point       *geo.Point       `json:"point,omitempty"`
}

func (b Seizure) validate(p *domain.Problems) {
	p.RequireText("custody_id", b.CustodyID, domain.MaxName)
	p.RequireText("description", b.Description, domain.MaxText)
}

func (b Seizure) key() string { return b.CustodyID }

// UseOfForce reports force used by the unit.
type UseOfForce struct {
	Kind        ForceKind        `json:"kind"`
	Description string           `json:"description"`
	Injuries    bool             `json:"injuries"`
	Subject     domain.SubjectID `json:"subject,omitzero"`
	Point       *geo.Point       `json:"point,omitempty"`
}

func (b UseOfForce) validate(p *domain.Problems) {
	if !b.Kind.Valid() {
		p.Addf("kind", "unknown kind %q", b.Kind)
	}
	p.RequireText("description", b.Description, domain.MaxText)
}

func (UseOfForce) key() string { return "" }

// Observation reports something seen: a sighting, a vehicle, a person.
type Observation struct {
	Text  string     `json:"text"`
	Point *geo.Point `json:"point,omitempty"`
}

func (b Observation) validate(p *domain.Problems) { p.RequireText("text", b.Text, domain.MaxText) }

func (Observation) key() string { return "" }

// Situation is a situation report (SITREP).
type Situation struct {
	Summary string `json:"summary"`
}

func (b Situation) validate(p *domain.Problems) { p.RequireText("summary", b.Summary, domain.MaxText) }

func (Situation) key() string { return "" }

// PostAction is the report due after a cross-border action, naming the
// surveillances and pursuits it covers.
type PostAction struct {
	Summary    string              `json:"summary"`
	Activities []domain.ActivityID `json:"activities,omitempty"`
}

func (b PostAction) validate(p *domain.Problems) {
	p.RequireText("summary", b.Summary, domain.MaxText)
	for i, a := range b.Activities {
		if a.IsZero() {
			p.Add(domain.Index("activities", i), "required")
		}
	}
}

func (PostAction) key() string { return "" }
