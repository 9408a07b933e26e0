package httpapi

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
)

// entryIn is what every field report carries besides its body: the
// device-minted report ID, the marking, and the report it corrects, if any.
type entryIn struct {
	ReportID string     `json:"report_id"`
	Marking  *markingIn `json:"marking"`
	Corrects string     `json:"corrects,omitempty"`
}

func (w entryIn) build(p *domain.Problems) fieldlog.Entry {
	if w.Marking == nil {
		p.Add("marking", "required")
	}
	return fieldlog.Entry{
		ID:       requireID[domain.ReportID](p, "report_id", w.ReportID),
		Marking:  w.Marking.build(p, "marking"),
		Corrects: parseID[domain.ReportID](p, "corrects", w.Corrects),
	}
}

// optionalPoint builds an optional point as the domain's *geo.Point.
func optionalPoint(p *domain.Problems, field string, w *pointIn) *geo.Point {
	if w == nil {
		return nil
	}
	pt := w.build(p, field)
	return &pt
}

type positionIn struct {
	Point  *pointIn `json:"point"`
	Source string   `json:"source"`
}

func (w positionIn) build(p *domain.Problems) fieldlog.Position {
	return fieldlog.Position{Point: w.Point.build(p, "point"), Source: fieldlog.Source(w.Source)}
}

type borderCrossingIn struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Point    *pointIn `json:"point"`
	Mode     string   `json:"mode"`
	Activity string   `json:"activity,omitempty"`
}

func (w borderCrossingIn) build(p *domain.Problems) fieldlog.BorderCrossing {
	return fieldlog.BorderCrossing{
		From:     parseState(p, "from", w.From),
		To:       parseState(p, "to", w.To),
		Point:    w.Point.build(p, "point"),
		Mode:     fieldlog.Mode(w.Mode),
		Activity: parseID[domain.ActivityID](p, "activity", w.Activity),
	}
}

type hostNotificationIn struct {
	Notification string `json:"notification"`
	HostState    string `json:"host_state"`
	Authority    string `json:"authority"`
	ContactPoint string `json:"contact_point,omitempty"`
	Channel      string `json:"channel"`
	Activity     string `json:"activity,omitempty"`
	Text         string `json:"text"`
}

func (w hostNotificationIn) build(p *domain.Problems) fieldlog.HostNotification {
	return fieldlog.HostNotification{
		Notification: parseID[domain.NotificationID](p, "notification", w.Notification),
		HostState:    parseState(p, "host_state", w.HostState),
		Authority:    parseID[domain.AgencyID](p, "authority", w.Authority),
		ContactPoint: parseID[domain.ContactPointID](p, "contact_point", w.ContactPoint),
		Channel:      fieldlog.Channel(w.Channel),
		Activity:     parseID[domain.ActivityID](p, "activity", w.Activity),
		Text:         w.Text,
	}
}

type hostAcknowledgementIn struct {
	Notification   string `json:"notification"`
	AcknowledgedBy string `json:"acknowledged_by"`
	Reference      string `json:"reference,omitempty"`
	Authorised     bool   `json:"authorised"`
}

func (w hostAcknowledgementIn) build(p *domain.Problems) fieldlog.HostAcknowledgement {
	return fieldlog.HostAcknowledgement{
		Notification:   parseID[domain.NotificationID](p, "notification", w.Notification),
		AcknowledgedBy: w.AcknowledgedBy,
		Reference:      w.Reference,
		Authorised:     w.Authorised,
	}
}

type surveillanceStartIn struct {
	Activity         string   `json:"activity"`
	Target           string   `json:"target"`
	Offence          string   `json:"offence"`
	Authorisation    string   `json:"authorisation"`
	AuthorisationRef string   `json:"authorisation_ref,omitempty"`
	Point            *pointIn `json:"point,omitempty"`
}

func (w surveillanceStartIn) build(p *domain.Problems) fieldlog.SurveillanceStart {
	return fieldlog.SurveillanceStart{
		Activity:         parseID[domain.ActivityID](p, "activity", w.Activity),
		Target:           w.Target,
		Offence:          w.Offence,
		Authorisation:    fieldlog.Authorisation(w.Authorisation),
		AuthorisationRef: w.AuthorisationRef,
		Point:            optionalPoint(p, "point", w.Point),
	}
}

type surveillanceHandoverIn struct {
	Activity string   `json:"activity"`
	ToAgency string   `json:"to_agency"`
	ToUnit   string   `json:"to_unit,omitempty"`
	Point    *pointIn `json:"point,omitempty"`
}

func (w surveillanceHandoverIn) build(p *domain.Problems) fieldlog.SurveillanceHandover {
	return fieldlog.SurveillanceHandover{
		Activity: parseID[domain.ActivityID](p, "activity", w.Activity),
		ToAgency: parseID[domain.AgencyID](p, "to_agency", w.ToAgency),
		ToUnit:   parseID[domain.UnitID](p, "to_unit", w.ToUnit),
		Point:    optionalPoint(p, "point", w.Point),
	}
}

type surveillanceEndIn struct {
	Activity string   `json:"activity"`
	Reason   string   `json:"reason"`
	Point    *pointIn `json:"point,omitempty"`
}

func (w surveillanceEndIn) build(p *domain.Problems) fieldlog.SurveillanceEnd {
	return fieldlog.SurveillanceEnd{
		Activity: parseID[domain.ActivityID](p, "activity", w.Activity),
		Reason:   fieldlog.SurveillanceEndReason(w.Reason),
		Point:    optionalPoint(p, "point", w.Point),
	}
}

type pursuitStartIn struct {
	Activity string   `json:"activity"`
	Grounds  string   `json:"grounds"`
	Offence  string   `json:"offence"`
	Target   string   `json:"target"`
	Point    *pointIn `json:"point"`
}

func (w pursuitStartIn) build(p *domain.Problems) fieldlog.PursuitStart {
	return fieldlog.PursuitStart{
		Activity: parseID[domain.ActivityID](p, "activity", w.Activity),
		Grounds:  fieldlog.Grounds(w.Grounds),
		Offence:  w.Offence,
		Target:   w.Target,
		Point:    w.Point.build(p, "point"),
	}
}

type pursuitCeaseIn struct {
	Activity string   `json:"activity"`
	Reason   string   `json:"reason"`
	Point    *pointIn `json:"point"`
}

func (w pursuitCeaseIn) build(p *domain.Problems) fieldlog.PursuitCease {
	return fieldlog.PursuitCease{
		Activity: parseID[domain.ActivityID](p, "activity", w.Activity),
		Reason:   fieldlog.CeaseReason(w.Reason),
		Point:    w.Point.build(p, "point"),
	}
}

type apprehensionIn struct {
	Subject     string   `json:"subject"`
	Nationality string   `json:"nationality,omitempty"`
	Grounds     string   `json:"grounds"`
	Activity    string   `json:"activity,omitempty"`
	Point       *pointIn `json:"point"`
}

func (w apprehensionIn) build(p *domain.Problems) fieldlog.Apprehension {
	return fieldlog.Apprehension{
		Subject:     parseID[domain.SubjectID](p, "subject", w.Subject),
		Nationality: parseState(p, "nationality", w.Nationality),
		Grounds:     w.Grounds,
		Activity:    parseID[domain.ActivityID](p, "activity", w.Activity),
		Point:       w.Point.build(p, "point"),
	}
}

type personHandoverIn struct {
	Subject  string   `json:"subject"`
	ToAgency string   `json:"to_agency"`
	Point    *pointIn `json:"point,omitempty"`
}

func (w personHandoverIn) build(p *domain.Problems) fieldlog.PersonHandover {
	return fieldlog.PersonHandover{
		Subject:  parseID[domain.SubjectID](p, "subject", w.Subject),
		ToAgency: parseID[domain.AgencyID](p, "to_agency", w.ToAgency),
		Point:    optionalPoint(p, "point", w.Point),
	}
}

type seizureIn struct {
	CustodyID   string   `json:"custody_id"`
	Description string   `json:"description"`
	Subject     string   `json:"subject,omitempty"`
	Point       *pointIn `json:"point,omitempty"`
}

func (w seizureIn) build(p *domain.Problems) fieldlog.Seizure {
	return fieldlog.Seizure{
		CustodyID:   w.CustodyID,
		Description: w.Description,
		Subject:     parseID[domain.SubjectID](p, "subject", w.Subject),
		Point:       optionalPoint(p, "point", w.Point),
	}
}

type useOfForceIn struct {
	Kind        string   `json:"kind"`
	Description string   `json:"description"`
	Injuries    bool     `json:"injuries"`
	Subject     string   `json:"subject,omitempty"`
	Point       *pointIn `json:"point,omitempty"`
}

func (w useOfForceIn) build(p *domain.Problems) fieldlog.UseOfForce {
	return fieldlog.UseOfForce{
		Kind:        fieldlog.ForceKind(w.Kind),
		Description: w.Description,
		Injuries:    w.Injuries,
		Subject:     parseID[domain.SubjectID](p, "subject", w.Subject),
		Point:       optionalPoint(p, "point", w.Point),
	}
}

type observationIn struct {
	Text  string   `json:"text"`
	Point *pointIn `json:"point,omitempty"`
}

func (w observationIn) build(p *domain.Problems) fieldlog.Observation {
	return fieldlog.Observation{Text: w.Text, Point: optionalPoint(p, "point", w.Point)}
}

type situationIn struct {
	Summary string `json:"summary"`
}

func (w situationIn) build(*domain.Problems) fieldlog.Situation {
	return fieldlog.Situation{Summary: w.Summary}
}

type postActionIn struct {
	Summary    string   `json:"summary"`
	Activities []string `json:"activities,omitempty"`
}

func (w postActionIn) build(p *domain.Problems) fieldlog.PostAction {
	return fieldlog.PostAction{
		Summary:    w.Summary,
		Activities: parseIDs[domain.ActivityID](p, "activities", w.Activities),
	}
}
