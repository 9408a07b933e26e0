package board

import (
	"time"

	"github.com/jointops/jointops/domain/marking"
)

// Op is what a Change does to a view.
type Op string

// Operations.
const (
	// OpSet sets a top-level field of the view (Field) to Value.
	OpSet Op = "set"
	// OpPut inserts or replaces the item Key of a collection with Value.
	// In the bounded collections (CollTrack, CollReports, CollSignificant)
	// the item goes to its place in order and the collection is then
	// trimmed to its limit, dropping the oldest.
	OpPut Op = "put"
	// OpDelete removes the item Key of a collection, if present.
	OpDelete Op = "delete"
)

// Fields of OpSet, and the type of their Value.
const (
	FieldOperation          = "operation_id"        // domain.OperationID
	FieldStatus             = "status"              // operation.Status
	FieldPurpose            = "purpose"             // string
	FieldLead               = "lead"                // domain.AgencyID
	FieldArrangementVersion = "arrangement_version" // int
	FieldHostStates         = "host_states"         // []domain.StateCode
	FieldLegalBasis         = "legal_basis"         // []domain.LegalRef
	FieldArea               = "area"                // geo.Polygon
	FieldPeriod             = "period"              // domain.Period
)

// Collections of OpPut and OpDelete, and the type of their items.
const (
	CollParticipants       = "participants"        // Participant, keyed by agency
	CollOperationalPeriods = "operational_periods" // OperationalPeriod, keyed by number
	CollOrgUnits           = "org_units"           // OrgUnit
	CollPositions          = "positions"           // Position (of the command structure)
	CollUnits              = "units"               // Unit
	CollTasks              = "tasks"               // Task; closed tasks are deleted
	CollReports            = "reports"             // Report
	CollTrack              = "track"               // TrackPoint, in the track of its unit
	CollSignificant        = "significant"         // Entry
	CollFlags              = "flags"               // Flag, keyed by flag ID
)

// Change is one typed change of a view, with who may see it.
type Change struct {
	Op         Op     `json:"op"`
	Field      string `json:"field,omitempty"`
	Collection string `json:"collection,omitempty"`
	Key        string `json:"key,omitempty"`
	Value      any    `json:"value,omitempty"`
	// Audience is who may see the change; it is never sent.
	Audience Audience `json:"-"`
}

// Delta is what one event changed on the board: every change, each with its
// audience, in order. A Delta with no changes changed nothing anyone sees.
type Delta struct {
	// Position is the log position of the event.
	Position string
	// At is the board's clock after the event (the latest server time
	// folded); it becomes the AsOf of every view the delta changes.
	At      time.Time
	Changes []Change
}

// AgencyDelta is a Delta as one agency sees it: the changes it may see.
type AgencyDelta struct {
	Position string    `json:"position"`
	At       time.Time `json:"at"`
	Changes  []Change  `json:"changes"`
}

// For returns the delta as viewer sees it, or nil when it may see none of
// the changes. The result shares the changes' values with d; treat them as
// read-only.
func (d Delta) For(viewer marking.Viewer) *AgencyDelta {
	var out []Change
	for _, c := range d.Changes {
		if c.Audience.Includes(viewer) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return &AgencyDelta{Position: d.Position, At: d.At, Changes: out}
}
