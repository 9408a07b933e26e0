package demo

import (
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// The request bodies of the API routes the demo uses, as docs/API.md
// documents them. The API refuses unknown fields, so these carry exactly
// the documented ones.

// body is a command body: it carries the command fields and is stamped
// with the times of the moment it is sent.
type body interface {
	fields() *commandFields
	// stamp sets the times that depend on when the command is sent.
	stamp(now time.Time, lateBy time.Duration)
}

// commandFields are what every command carries.
type commandFields struct {
	CommandID  uuid.UUID `json:"command_id"`
	OccurredAt string    `json:"occurred_at"`
}

func (c *commandFields) fields() *commandFields { return c }

// stamp sets occurred_at to now, or lateBy before it: a report delivered
// late by a unit that was out of coverage.
func (c *commandFields) stamp(now time.Time, lateBy time.Duration) {
	c.OccurredAt = rfc3339(now.Add(-lateBy))
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// timedFields are the command fields of a body whose times are fixed when
// it is built (the seed's, so that a repeated seed is the same command).
type timedFields struct {
	commandFields
}

func (*timedFields) stamp(time.Time, time.Duration) {}

type multiPolygonJSON struct {
	Type        string           `json:"type"`
	Coordinates orb.MultiPolygon `json:"coordinates"`
}

type polygonJSON struct {
	Type        string      `json:"type"`
	Coordinates orb.Polygon `json:"coordinates"`
}

type lineJSON struct {
	Type        string         `json:"type"`
	Coordinates orb.LineString `json:"coordinates"`
}

type periodJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func period(start, end time.Time) *periodJSON {
	return &periodJSON{Start: rfc3339(start), End: rfc3339(end)}
}

type personRefJSON struct {
	Person uuid.UUID `json:"person"`
	Agency uuid.UUID `json:"agency"`
}

// Reference data.

type stateBody struct {
	timedFields
	Code      string           `json:"code"`
	Name      string           `json:"name"`
	Territory multiPolygonJSON `json:"territory"`
}

type borderBody struct {
	timedFields
	Neighbour string   `json:"neighbour"`
	Line      lineJSON `json:"line"`
}

type agencyBody struct {
	timedFields
	ID    uuid.UUID `json:"id"`
	State string    `json:"state"`
	Name  string    `json:"name"`
	Kind  string    `json:"kind"`
}

type contactPointBody struct {
	timedFields
	ID      uuid.UUID `json:"id"`
	Purpose string    `json:"purpose"`
	Name    string    `json:"name"`
	Channel string    `json:"channel"`
	Address string    `json:"address"`
}

// The operation, its plan and command structure.

type proposalBody struct {
	timedFields
	ID           uuid.UUID   `json:"id"`
	Purpose      string      `json:"purpose"`
	Lead         uuid.UUID   `json:"lead"`
	Participants []uuid.UUID `json:"participants"`
	HostStates   []string    `json:"host_states"`
	LegalBasis   []LegalRef  `json:"legal_basis"`
	Area         polygonJSON `json:"area"`
	Period       *periodJSON `json:"period"`
}

type agreementBody struct {
	timedFields
	ArrangementVersion int `json:"arrangement_version"`
}

type emptyBody struct {
	timedFields
}

type operationalPeriodBody struct {
	timedFields
	Period     *periodJSON `json:"period"`
	Objectives []string    `json:"objectives"`
}

type objectiveBody struct {
	timedFields
	Objective string `json:"objective"`
}

type orgUnitBody struct {
	timedFields
	ID     uuid.UUID `json:"id"`
	Parent string    `json:"parent,omitempty"`
	Kind   string    `json:"kind"`
	Name   string    `json:"name"`
}

type positionBody struct {
	timedFields
	ID            uuid.UUID `json:"id"`
	OrgUnit       string    `json:"org_unit,omitempty"`
	Title         string    `json:"title"`
	CommandSeatOf string    `json:"command_seat_of,omitempty"`
}

type fillBody struct {
	timedFields
	Holder      personRefJSON `json:"holder"`
	EffectiveAt string        `json:"effective_at"`
}

type checkInBody struct {
	timedFields
	Unit      uuid.UUID `json:"unit"`
	Agency    uuid.UUID `json:"agency"`
	Kind      string    `json:"kind"`
	CallSign  string    `json:"call_sign"`
	Personnel int       `json:"personnel"`
}

type assignBody struct {
	timedFields
	OrgUnit uuid.UUID `json:"org_unit"`
}

// Tasks.

// taskTermsJSON are the terms of a task; the window opens when the task is
// sent and lasts windowLength.
type taskTermsJSON struct {
	Objective    string        `json:"objective"`
	Window       *periodJSON   `json:"window"`
	Constraints  []string      `json:"constraints,omitempty"`
	LegalBasis   []LegalRef    `json:"legal_basis,omitempty"`
	windowLength time.Duration // the window opens at the issue
	windowStart  time.Time     // set by the first stamp, kept by amendments
}

func (t *taskTermsJSON) stampWindow(now time.Time) {
	if t.windowStart.IsZero() {
		t.windowStart = now.UTC().Truncate(time.Minute)
	}
	t.Window = period(t.windowStart, t.windowStart.Add(t.windowLength))
}

type taskIssueBody struct {
	commandFields
	ID   uuid.UUID `json:"id"`
	Unit uuid.UUID `json:"unit"`
	*taskTermsJSON
}

func (b *taskIssueBody) stamp(now time.Time, lateBy time.Duration) {
	b.commandFields.stamp(now, lateBy)
	b.stampWindow(now)
}

type taskAmendBody struct {
	commandFields
	Reason string `json:"reason"`
	*taskTermsJSON
}

func (b *taskAmendBody) stamp(now time.Time, lateBy time.Duration) {
	b.commandFields.stamp(now, lateBy)
	b.stampWindow(now)
}

type taskAckBody struct {
	commandFields
	Revision int `json:"revision"`
}

type taskCompleteBody struct {
	commandFields
	Outcome string `json:"outcome"`
}

// Field reports.

type markingJSON struct {
	Originator   uuid.UUID       `json:"originator"`
	TLP          string          `json:"tlp"`
	Handling     []string        `json:"handling,omitempty"`
	H3Text       string          `json:"h3_text,omitempty"`
	ReleasableTo *recipientsJSON `json:"releasable_to,omitempty"`
	Evaluation   string          `json:"evaluation"`
}

type recipientsJSON struct {
	Agencies []uuid.UUID `json:"agencies,omitempty"`
	States   []string    `json:"states,omitempty"`
}

type pointJSON struct {
	Lat      float64  `json:"lat"`
	Lon      float64  `json:"lon"`
	Accuracy *float64 `json:"accuracy_m,omitempty"`
}

// entryFields are what every field report carries besides its kind's
// fields.
type entryFields struct {
	commandFields
	ReportID uuid.UUID   `json:"report_id"`
	Marking  markingJSON `json:"marking"`
}

type positionReport struct {
	entryFields
	Point  pointJSON `json:"point"`
	Source string    `json:"source"`
}

type borderCrossingReport struct {
	entryFields
	From     string     `json:"from"`
	To       string     `json:"to"`
	Point    pointJSON  `json:"point"`
	Mode     string     `json:"mode"`
	Activity *uuid.UUID `json:"activity,omitempty"`
}

type hostNotificationReport struct {
	entryFields
	Notification uuid.UUID  `json:"notification"`
	HostState    string     `json:"host_state"`
	Authority    uuid.UUID  `json:"authority"`
	ContactPoint *uuid.UUID `json:"contact_point,omitempty"`
	Channel      string     `json:"channel"`
	Activity     *uuid.UUID `json:"activity,omitempty"`
	Text         string     `json:"text"`
}

type hostAcknowledgementReport struct {
	entryFields
	Notification   uuid.UUID `json:"notification"`
	AcknowledgedBy string    `json:"acknowledged_by"`
	Reference      string    `json:"reference,omitempty"`
	Authorised     bool      `json:"authorised"`
}

type surveillanceStartReport struct {
	entryFields
	Activity         uuid.UUID  `json:"activity"`
	Target           string     `json:"target"`
	Offence          string     `json:"offence"`
	Authorisation    string     `json:"authorisation"`
	AuthorisationRef string     `json:"authorisation_ref,omitempty"`
	Point            *pointJSON `json:"point,omitempty"`
}

type surveillanceHandoverReport struct {
	entryFields
	Activity uuid.UUID  `json:"activity"`
	ToAgency uuid.UUID  `json:"to_agency"`
	ToUnit   *uuid.UUID `json:"to_unit,omitempty"`
	Point    *pointJSON `json:"point,omitempty"`
}

type surveillanceEndReport struct {
	entryFields
	Activity uuid.UUID  `json:"activity"`
	Reason   string     `json:"reason"`
	Point    *pointJSON `json:"point,omitempty"`
}

type pursuitStartReport struct {
	entryFields
	Activity uuid.UUID `json:"activity"`
	Grounds  string    `json:"grounds"`
	Offence  string    `json:"offence"`
	Target   string    `json:"target"`
	Point    pointJSON `json:"point"`
}

type pursuitCeaseReport struct {
	entryFields
	Activity uuid.UUID `json:"activity"`
	Reason   string    `json:"reason"`
	Point    pointJSON `json:"point"`
}

type apprehensionReport struct {
	entryFields
	Subject     uuid.UUID  `json:"subject"`
	Nationality string     `json:"nationality,omitempty"`
	Grounds     string     `json:"grounds"`
	Activity    *uuid.UUID `json:"activity,omitempty"`
	Point       pointJSON  `json:"point"`
}

type personHandoverReport struct {
	entryFields
	Subject  uuid.UUID  `json:"subject"`
	ToAgency uuid.UUID  `json:"to_agency"`
	Point    *pointJSON `json:"point,omitempty"`
}

type seizureReport struct {
	entryFields
	CustodyID   string     `json:"custody_id"`
	Description string     `json:"description"`
	Subject     *uuid.UUID `json:"subject,omitempty"`
	Point       *pointJSON `json:"point,omitempty"`
}

type useOfForceReport struct {
	entryFields
	Kind        string     `json:"kind"`
	Description string     `json:"description"`
	Injuries    bool       `json:"injuries"`
	Subject     *uuid.UUID `json:"subject,omitempty"`
	Point       *pointJSON `json:"point,omitempty"`
}

type observationReport struct {
	entryFields
	Text  string     `json:"text"`
	Point *pointJSON `json:"point,omitempty"`
}

type situationReport struct {
	entryFields
	Summary string `json:"summary"`
}

type postActionReport struct {
	entryFields
	Summary    string      `json:"summary"`
	Activities []uuid.UUID `json:"activities,omitempty"`
}
