package board

import (
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

// View is the board as one agency may see it: a plain value, safe to keep
// and to encode as JSON. Collections are sorted (see each field); the
// derived fields CurrentPeriod, Position.Holder and Track.Last follow from
// AsOf and the rest.
type View struct {
	Operation domain.OperationID `json:"operation_id,omitzero"`
	// AsOf is the server time of the latest event that changed this view.
	AsOf               time.Time          `json:"as_of,omitzero"`
	Status             operation.Status   `json:"status,omitempty"`
	Purpose            string             `json:"purpose,omitempty"`
	Lead               domain.AgencyID    `json:"lead,omitzero"`
	ArrangementVersion int                `json:"arrangement_version,omitempty"`
	Participants       []Participant      `json:"participants,omitempty"` // by agency ID
	HostStates         []domain.StateCode `json:"host_states,omitempty"`
	LegalBasis         []domain.LegalRef  `json:"legal_basis,omitempty"`
	Area               geo.Polygon        `json:"area,omitzero"`
	Period             domain.Period      `json:"period,omitzero"`
	// OperationalPeriods are the incident action plan's, by number.
	OperationalPeriods []OperationalPeriod `json:"operational_periods,omitempty"`
	// CurrentPeriod is the number of the operational period containing
	// AsOf; 0 when none does.
	CurrentPeriod int        `json:"current_period,omitempty"`
	OrgUnits      []OrgUnit  `json:"org_units,omitempty"` // by ID
	Positions     []Position `json:"positions,omitempty"` // by ID
	Units         []Unit     `json:"units,omitempty"`     // by unit ID
	// Tracks are the units' recent positions, by unit ID; a unit has a
	// track once the agency may see one of its position reports.
	Tracks []Track `json:"tracks,omitempty"`
	// Tasks are the open tasks, by ID.
	Tasks []Task `json:"tasks,omitempty"`
	// Reports are the latest Limits.ReportLength field reports other than
	// positions the agency may see, in the order they were recorded
	// (recorded_at, then ID).
	Reports []Report `json:"reports,omitempty"`
	// Significant is the significant-events log, newest last (recorded_at,
	// then key), at most Limits.SignificantLength entries.
	Significant []Entry `json:"significant,omitempty"`
	// Flags are the compliance flags, open and cleared, in the order they
	// were raised (recorded_at, then ID).
	Flags  []Flag `json:"flags,omitempty"`
	Limits Limits `json:"limits"`
}

// Participant is an agency taking part in the operation.
type Participant struct {
	Agency domain.AgencyID `json:"agency"`
	Lead   bool            `json:"lead,omitempty"`
	// Agreed is whether it agreed to the current arrangement.
	Agreed bool `json:"agreed"`
}

// OperationalPeriod is one period of the incident action plan.
type OperationalPeriod struct {
	Number     int           `json:"number"`
	Period     domain.Period `json:"period"`
	Objectives []string      `json:"objectives"`
}

// OrgUnit is a node of the org tree; a zero Parent is the unified command.
type OrgUnit struct {
	ID     domain.OrgUnitID      `json:"id"`
	Parent domain.OrgUnitID      `json:"parent_id,omitzero"`
	Kind   operation.OrgUnitKind `json:"kind"`
	Name   string                `json:"name"`
}

// Position is a position of the command structure with its holders.
type Position struct {
	ID            domain.PositionID `json:"id"`
	OrgUnit       domain.OrgUnitID  `json:"org_unit_id,omitzero"`
	Title         string            `json:"title"`
	CommandSeatOf domain.AgencyID   `json:"command_seat_of,omitzero"`
	// Tenures are the holders over time, in order; a transfer of command
	// not yet effective shows as a tenure starting in the future.
	Tenures []Tenure `json:"tenures,omitempty"`
	// Holder is who holds the position at the view's AsOf, if anyone.
	Holder *domain.PersonRef `json:"holder,omitempty"`
}

// Tenure is one holder's time in a position; a zero End is open.
type Tenure struct {
	Holder domain.PersonRef `json:"holder"`
	Start  time.Time        `json:"start"`
	End    time.Time        `json:"end,omitzero"`
}

// Unit is a resource checked in to the operation.
type Unit struct {
	Unit       domain.UnitID            `json:"unit_id"`
	Agency     domain.AgencyID          `json:"agency"`
	Kind       operation.ResourceKind   `json:"kind"`
	CallSign   string                   `json:"call_sign"`
	Personnel  int                      `json:"personnel"`
	Status     operation.ResourceStatus `json:"status"`
	Reason     string                   `json:"reason,omitempty"`
	OrgUnit    domain.OrgUnitID         `json:"org_unit_id,omitzero"`
	CheckedOut bool                     `json:"checked_out,omitempty"`
}

// Track is a unit's recent positions as the agency may see them.
type Track struct {
	Unit domain.UnitID `json:"unit_id"`
	// Points are the latest Limits.TrackLength positions, by field time
	// (occurred_at, then report ID), oldest first.
	Points []TrackPoint `json:"points"`
	// Last is the last known position: the latest point neither retracted
	// nor corrected; nil when there is none.
	Last *TrackPoint `json:"last,omitempty"`
}

// TrackPoint is one position report.
type TrackPoint struct {
	Report      domain.ReportID `json:"report_id"`
	Unit        domain.UnitID   `json:"unit_id"`
	OccurredAt  time.Time       `json:"occurred_at"`
	RecordedAt  time.Time       `json:"recorded_at"`
	Point       geo.Point       `json:"point"`
	Source      fieldlog.Source `json:"source"`
	Marking     marking.Marking `json:"marking"`
	Corrects    domain.ReportID `json:"corrects,omitzero"`
	CorrectedBy domain.ReportID `json:"corrected_by,omitzero"`
	Retracted   bool            `json:"retracted,omitempty"`
}

// Task is an open task.
type Task struct {
	Task        domain.TaskID     `json:"task_id"`
	Unit        domain.UnitID     `json:"unit_id"`
	IssuedBy    domain.AgencyID   `json:"issued_by"`
	Objective   string            `json:"objective"`
	Area        geo.Polygon       `json:"area,omitzero"`
	Window      domain.Period     `json:"window"`
	Constraints []string          `json:"constraints,omitempty"`
	LegalBasis  []domain.LegalRef `json:"legal_basis,omitempty"`
	Revision    int               `json:"revision"`
	Status      task.Status       `json:"status"`
	// AcknowledgedRevision is the latest revision the unit acknowledged.
	AcknowledgedRevision int `json:"acknowledged_revision,omitempty"`
	// AwaitingAcknowledgement is whether the unit has yet to acknowledge
	// the current revision.
	AwaitingAcknowledgement bool `json:"awaiting_acknowledgement"`
}

// Report is a field report other than a position report.
type Report struct {
	Report     domain.ReportID `json:"report_id"`
	Unit       domain.UnitID   `json:"unit_id"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	// LateBySeconds is how late the report was recorded, when late.
	LateBySeconds int64 `json:"late_by_s,omitempty"`
	// Marking is the marking in force.
	Marking     marking.Marking `json:"marking"`
	Corrects    domain.ReportID `json:"corrects,omitzero"`
	CorrectedBy domain.ReportID `json:"corrected_by,omitzero"`
	Retraction  *Retraction     `json:"retraction,omitempty"`
	// Body is what the report says: the body struct of its payload
	// (fieldlog.Seizure, fieldlog.Observation, …), without the header.
	Body any `json:"body"`
}

// Retraction says that a report was withdrawn as wrong.
type Retraction struct {
	Report     domain.ReportID `json:"report_id"`
	Reason     string          `json:"reason"`
	RecordedAt time.Time       `json:"recorded_at"`
}

// Entry is one line of the significant-events log.
type Entry struct {
	// Key identifies the entry: the report ID for field reports and
	// retractions, "<stream>@<revision>" for other events.
	Key        string          `json:"key"`
	Type       string          `json:"type"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
	Summary    string          `json:"summary"`
	Report     domain.ReportID `json:"report_id,omitzero"`
	Unit       domain.UnitID   `json:"unit_id,omitzero"`
	Task       domain.TaskID   `json:"task_id,omitzero"`
}

// FlagState says whether a flag still stands.
type FlagState string

// Flag states.
const (
	FlagOpen    FlagState = "open"
	FlagCleared FlagState = "cleared"
)

// AnswerKind says how an agency answered a flag.
type AnswerKind string

// Answers to a flag.
const (
	AnswerAcknowledged AnswerKind = "acknowledged"
	AnswerDisputed     AnswerKind = "disputed"
)

// Flag is a compliance flag the policy raised: which rule the evidence
// breaches, under which provision, why, and how the agencies answered it.
type Flag struct {
	ID       compliance.FlagID   `json:"id"`
	Rule     compliance.Rule     `json:"rule"`
	Severity compliance.Severity `json:"severity"`
	// Unit is the unit whose action breached the rule, and Agency its
	// agency, when known.
	Unit      domain.UnitID          `json:"unit_id,omitzero"`
	Agency    domain.AgencyID        `json:"agency,omitzero"`
	Provision agreement.ProvisionRef `json:"provision,omitzero"`
	// Evidence are the events that show the breach, in log order.
	Evidence []Evidence `json:"evidence"`
	// Explanation says what is wrong, in Language (a BCP 47 tag).
	Explanation string `json:"explanation"`
	Language    string `json:"language"`
	// OccurredAt is when the breach happened or the deadline passed;
	// RecordedAt when the policy raised the flag.
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
	State      FlagState `json:"state"`
	// Cleared says why and when later evidence resolved the flag.
	Cleared *FlagClearance `json:"cleared,omitempty"`
	// Answers are the agencies' acknowledgements and disputes, in the
	// order recorded; an agency answers a flag once.
	Answers []FlagAnswer `json:"answers,omitempty"`
}

// Evidence names one event a flag rests on: a field report by its ID, any
// other event by its stream and revision.
type Evidence struct {
	Report   domain.ReportID `json:"report_id,omitzero"`
	Stream   string          `json:"stream,omitempty"`
	Revision uint64          `json:"revision,omitempty"`
}

// FlagClearance says that later evidence resolved a flag.
type FlagClearance struct {
	Reason     string    `json:"reason"`
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
}

// FlagAnswer is one agency's acknowledgement or dispute of a flag, by one
// of its commanders.
type FlagAnswer struct {
	Agency     domain.AgencyID `json:"agency"`
	Kind       AnswerKind      `json:"kind"`
	Note       string          `json:"note,omitempty"`
	OccurredAt time.Time       `json:"occurred_at"`
	RecordedAt time.Time       `json:"recorded_at"`
}
