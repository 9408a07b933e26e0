package compliance

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
)

// Event type names. They are stable forever.
const (
	FlagRaisedType       = "jointops.compliance.flag_raised"
	FlagClearedType      = "jointops.compliance.flag_cleared"
	FlagAcknowledgedType = "jointops.compliance.flag_acknowledged"
	FlagDisputedType     = "jointops.compliance.flag_disputed"
	StopRequestedType    = "jointops.compliance.host_stop_requested"
)

// EventRef names one recorded event as evidence: its stream and its
// revision in that stream. Unlike a log position it is the same in every
// store and every replay. Report is the field report the event records,
// when it is one: boards show a flag only to agencies that may see every
// report in its evidence. It is not part of the flag's ID.
type EventRef struct {
	Stream   string          `json:"stream"`
	Revision uint64          `json:"revision"`
	Report   domain.ReportID `json:"report_id,omitzero"`
}

// Flag is what a raised flag says: which rule the evidence breaches, under
// which provision, and why, in words.
type Flag struct {
	ID   FlagID `json:"id"`
	Rule Rule   `json:"rule"`
	// Unit is the unit whose action breached the rule, when one did.
	Unit domain.UnitID `json:"unit,omitzero"`
	// Provision is the provision breached; zero when the breach is that no
	// provision applies, or the rule is the operation's own.
	Provision agreement.ProvisionRef `json:"provision,omitzero"`
	// Evidence are the events that show the breach, in log order.
	Evidence []EventRef `json:"evidence"`
	// Explanation says what is wrong, in Language (a BCP 47 tag).
	Explanation string `json:"explanation"`
	Language    string `json:"language"`
}

// FlagRaised: the policy found a breach. The event's occurred_at is when
// the breach happened or the deadline passed.
type FlagRaised struct {
	OperationID domain.OperationID `json:"operation_id"`
	Flag
}

// FlagCleared: later evidence resolved a raised flag (a late-delivered
// notification that was in time, a retracted report).
type FlagCleared struct {
	OperationID domain.OperationID `json:"operation_id"`
	FlagID      FlagID             `json:"flag_id"`
	Evidence    []EventRef         `json:"evidence"`
	Reason      string             `json:"reason"`
}

// FlagAcknowledged: a commander of the actor's agency took note of a flag.
type FlagAcknowledged struct {
	OperationID domain.OperationID `json:"operation_id"`
	FlagID      FlagID             `json:"flag_id"`
	Agency      domain.AgencyID    `json:"agency"`
	Note        string             `json:"note,omitempty"`
}

// FlagDisputed: a commander of the actor's agency contests a flag, saying
// why.
type FlagDisputed struct {
	OperationID domain.OperationID `json:"operation_id"`
	FlagID      FlagID             `json:"flag_id"`
	Agency      domain.AgencyID    `json:"agency"`
	Note        string             `json:"note"`
}

// StopRequested: a host state, through a commander of its agency in the
// operation, asked foreign units to stop acting on its territory — the
// units named, or every foreign unit of the operation when none is named.
// Any further action of such a unit there is a breach (CISA Art. 40(3)(a)
// and 41(5)(a): the officers stop when the host so requests).
type StopRequested struct {
	OperationID domain.OperationID `json:"operation_id"`
	Host        domain.StateCode   `json:"host"`
	// Agency is the host's agency whose commander asked.
	Agency domain.AgencyID `json:"agency"`
	// Units are the units asked to stop; none means every foreign unit.
	Units  []domain.UnitID `json:"units,omitempty"`
	Reason string          `json:"reason"`
}

// EventType implements domain.Payload.
func (StopRequested) EventType() string { return StopRequestedType }

// SchemaVersion implements domain.Payload.
func (StopRequested) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (FlagRaised) EventType() string { return FlagRaisedType }

// SchemaVersion implements domain.Payload.
func (FlagRaised) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (FlagCleared) EventType() string { return FlagClearedType }

// SchemaVersion implements domain.Payload.
func (FlagCleared) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (FlagAcknowledged) EventType() string { return FlagAcknowledgedType }

// SchemaVersion implements domain.Payload.
func (FlagAcknowledged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (FlagDisputed) EventType() string { return FlagDisputedType }

// SchemaVersion implements domain.Payload.
func (FlagDisputed) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(FlagRaised) },
		func() domain.Payload { return new(FlagCleared) },
		func() domain.Payload { return new(FlagAcknowledged) },
		func() domain.Payload { return new(FlagDisputed) },
		func() domain.Payload { return new(StopRequested) },
	)
}
