package compliance

import (
	"encoding/json"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/geo"
)

// data is everything the fold keeps, exactly what a snapshot holds. Its
// fields are exported for encoding/json only; the types stay unexported.
type data struct {
	// Refs are the state and agreement events in log order: the
	// jurisdiction and the library are rebuilt from them.
	Refs       []refEvent                                   `json:"refs,omitempty"`
	Agencies   map[domain.AgencyID]domain.StateCode         `json:"agencies"`
	Operations map[domain.OperationID]*operationState       `json:"operations"`
	Units      map[string]*unitState                        `json:"units"`
	Deadlines  map[string]*deadline                         `json:"deadlines"`
	Evidence   map[domain.ReportID][]flagOf                 `json:"evidence"`
	Flags      map[domain.OperationID]map[flags.FlagID]bool `json:"flags"`
}

func newData() *data {
	return &data{
		Agencies:   map[domain.AgencyID]domain.StateCode{},
		Operations: map[domain.OperationID]*operationState{},
		Units:      map[string]*unitState{},
		Deadlines:  map[string]*deadline{},
		Evidence:   map[domain.ReportID][]flagOf{},
		Flags:      map[domain.OperationID]map[flags.FlagID]bool{},
	}
}

// fillMaps replaces the maps a decoded snapshot left nil with empty ones.
func (d *data) fillMaps() {
	empty := newData()
	if d.Agencies == nil {
		d.Agencies = empty.Agencies
	}
	if d.Operations == nil {
		d.Operations = empty.Operations
	}
	if d.Units == nil {
		d.Units = empty.Units
	}
	if d.Deadlines == nil {
		d.Deadlines = empty.Deadlines
	}
	if d.Evidence == nil {
		d.Evidence = empty.Evidence
	}
	if d.Flags == nil {
		d.Flags = empty.Flags
	}
	for _, op := range d.Operations {
		if op.Units == nil {
			op.Units = map[domain.UnitID]domain.AgencyID{}
		}
	}
}

// refEvent is one reference-data event, kept to rebuild the aggregates it
// belongs to.
type refEvent struct {
	Stream  string          `json:"stream"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload"`
}

// operationState is what the rules need of an operation.
type operationState struct {
	HostStates []domain.StateCode `json:"host_states,omitempty"`
	Area       geo.Polygon        `json:"area,omitzero"`
	Period     domain.Period      `json:"period,omitzero"`
	// Units are the attached units with their agencies.
	Units map[domain.UnitID]domain.AgencyID `json:"units"`
}

// unitState is what the rules remember of one unit in one operation.
type unitState struct {
	Operation domain.OperationID `json:"operation"`
	Unit      domain.UnitID      `json:"unit"`
	// Episodes already flagged, reset when the unit is back in line.
	OutsideArea   bool `json:"outside_area,omitempty"`
	OutsidePeriod bool `json:"outside_period,omitempty"`
	Unattached    bool `json:"unattached,omitempty"`
	// Stay is the state the unit was last located in, and Judged the
	// action judged for the stay by the no-provision rule ("" if none).
	Stay   domain.StateCode `json:"stay,omitzero"`
	Judged agreement.Action `json:"judged,omitempty"`
	// Last is the unit's last located point, at LastAt.
	Last   *geo.Point `json:"last,omitempty"`
	LastAt time.Time  `json:"last_at,omitzero"`
	// Activities are its surveillances and pursuits not yet ended.
	Activities []*activity `json:"activities,omitempty"`
	// Notifications are the host notifications it sent.
	Notifications []notification `json:"notifications,omitempty"`
	// Reported are the activities its post-action reports covered.
	Reported []domain.ActivityID `json:"reported,omitempty"`
	// Stop is the host's request to stop, while the unit is still on
	// that host's territory.
	Stop *stop `json:"stop,omitempty"`
}

// stop is a host's request to stop: as the unit reported it, ending an
// activity for that reason (it lapses when the unit leaves the host's
// territory), or as the host recorded it (Standing: it never lapses, and
// actions within the clock-skew tolerance after it are not held against
// the unit, whose clock is not the host's).
type stop struct {
	Host     domain.StateCode `json:"host"`
	At       time.Time        `json:"at"`
	Ref      flags.EventRef   `json:"ref"`
	Standing bool             `json:"standing,omitempty"`
	Flagged  bool             `json:"flagged,omitempty"`
}

// activity is a surveillance or pursuit of a unit.
type activity struct {
	ID      domain.ActivityID `json:"id"`
	Action  agreement.Action  `json:"action"`
	Urgent  bool              `json:"urgent,omitempty"`
	Started flags.EventRef    `json:"started"`
	// Offence is the offence it is about, as its start report names it.
	Offence string `json:"offence,omitempty"`
	// Authorised is set once the host authorised it.
	Authorised bool `json:"authorised,omitempty"`
	// Crossed is set at its first crossing into Host at CrossedAt
	// (CrossedBy the event that showed it), with the provision that
	// governed it then, if any.
	Crossed   bool                 `json:"crossed,omitempty"`
	Host      domain.StateCode     `json:"host,omitzero"`
	CrossedAt time.Time            `json:"crossed_at,omitzero"`
	CrossedBy flags.EventRef       `json:"crossed_by,omitzero"`
	Governing *agreement.Governing `json:"governing,omitempty"`
	// BeyondDistance is set once the distance limit was flagged.
	BeyondDistance bool `json:"beyond_distance,omitempty"`
}

// notification is a host notification sent by a unit.
type notification struct {
	ID       domain.NotificationID `json:"id"`
	Host     domain.StateCode      `json:"host"`
	Activity domain.ActivityID     `json:"activity,omitzero"`
	At       time.Time             `json:"at"`
	Ref      flags.EventRef        `json:"ref"`
}

// deadline is a flag that fires unless something happens by Due.
type deadline struct {
	Operation domain.OperationID `json:"operation"`
	Due       time.Time          `json:"due"`
	Flag      flags.Flag         `json:"flag"`
	// Fired is set once the flag was raised; the deadline is kept so that
	// a late-delivered fact from before Due clears it.
	Fired bool `json:"fired,omitempty"`
}

// flagOf names a raised flag whose evidence includes a report, so that
// retracting the report clears it.
type flagOf struct {
	Operation domain.OperationID `json:"operation"`
	Flag      flags.FlagID       `json:"flag"`
}
