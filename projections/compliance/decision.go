package compliance

import (
	"time"

	"github.com/jointops/jointops/domain"
	flags "github.com/jointops/jointops/domain/compliance"
)

// Action says what a Decision does to a flag.
type Action string

// Actions of decisions.
const (
	// Raise records Flag (compliance.Flags.Raise).
	Raise Action = "raise"
	// Clear clears the flag Flag.ID, for Reason, on Evidence
	// (compliance.Flags.Clear).
	Clear Action = "clear"
)

// Decision is one flag the policy raises or clears.
type Decision struct {
	Action    Action             `json:"action"`
	Operation domain.OperationID `json:"operation"`
	// At is when the breach happened or the deadline passed (Raise), or
	// when the resolving fact occurred (Clear): the flag event's
	// occurred_at.
	At time.Time `json:"at"`
	// Flag is the flag raised; for Clear only its ID is set.
	Flag flags.Flag `json:"flag"`
	// Evidence and Reason are those of a Clear.
	Evidence []flags.EventRef `json:"evidence,omitempty"`
	Reason   string           `json:"reason,omitempty"`
}
