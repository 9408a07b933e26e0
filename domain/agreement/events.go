package agreement

import (
	"time"

	"github.com/jointops/jointops/domain"
)

// Event type names. They are stable forever.
const (
	RecordedType            = "jointops.agreement.recorded"
	AmendedType             = "jointops.agreement.amended"
	SuspendedType           = "jointops.agreement.suspended"
	ReinstatedType          = "jointops.agreement.reinstated"
	SupersededType          = "jointops.agreement.superseded"
	ProvisionRecordedType   = "jointops.agreement.provision_recorded"
	ProvisionAmendedType    = "jointops.agreement.provision_amended"
	ProvisionSuspendedType  = "jointops.agreement.provision_suspended"
	ProvisionReinstatedType = "jointops.agreement.provision_reinstated"
	ProvisionSupersededType = "jointops.agreement.provision_superseded"
)

// Recorded: an agreement became known, with version 1 of its terms,
// effective from the start of its period in force.
type Recorded struct {
	Agreement Key   `json:"agreement"`
	Kind      Kind  `json:"kind"`
	Terms     Terms `json:"terms"`
}

// Amended: a new version of the agreement's terms applies from
// EffectiveAt.
type Amended struct {
	Agreement   Key       `json:"agreement"`
	Version     int       `json:"version"`
	EffectiveAt time.Time `json:"effective_at"`
	Terms       Terms     `json:"terms"`
}

// Suspended: the agreement as a whole ceased to apply from EffectiveAt
// until reinstated.
type Suspended struct {
	Agreement   Key       `json:"agreement"`
	EffectiveAt time.Time `json:"effective_at"`
	Reason      string    `json:"reason"`
}

// Reinstated: a suspended agreement applies again from EffectiveAt.
type Reinstated struct {
	Agreement   Key       `json:"agreement"`
	EffectiveAt time.Time `json:"effective_at"`
	Reason      string    `json:"reason"`
}

// Superseded: the agreement was replaced by another from EffectiveAt, for
// good.
type Superseded struct {
	Agreement   Key       `json:"agreement"`
	EffectiveAt time.Time `json:"effective_at"`
	By          Key       `json:"by"`
	Reason      string    `json:"reason"`
}

// ProvisionRecorded: a provision of the agreement became known, with
// version 1 of its terms, effective from the start of its validity.
type ProvisionRecorded struct {
	Agreement Key            `json:"agreement"`
	Provision Key            `json:"provision"`
	Terms     ProvisionTerms `json:"terms"`
}

// ProvisionAmended: a new version of a provision applies from EffectiveAt.
type ProvisionAmended struct {
	Agreement   Key            `json:"agreement"`
	Provision   Key            `json:"provision"`
	Version     int            `json:"version"`
	EffectiveAt time.Time      `json:"effective_at"`
	Terms       ProvisionTerms `json:"terms"`
}

// ProvisionSuspended: a provision ceased to apply from EffectiveAt until
// reinstated.
type ProvisionSuspended struct {
	Agreement   Key       `json:"agreement"`
	Provision   Key       `json:"provision"`
	EffectiveAt time.Time `json:"effective_at"`
	Reason      string    `json:"reason"`
}

// ProvisionReinstated: a suspended provision applies again from
// EffectiveAt.
type ProvisionReinstated struct {
	Agreement   Key       `json:"agreement"`
	Provision   Key       `json:"provision"`
	EffectiveAt time.Time `json:"effective_at"`
	Reason      string    `json:"reason"`
}

// ProvisionSuperseded: a provision was replaced by another (of this or
// another agreement) from EffectiveAt, for good.
type ProvisionSuperseded struct {
	Agreement   Key          `json:"agreement"`
	Provision   Key          `json:"provision"`
	EffectiveAt time.Time    `json:"effective_at"`
	By          ProvisionRef `json:"by"`
	Reason      string       `json:"reason"`
}

// EventType implements domain.Payload.
func (Recorded) EventType() string { return RecordedType }

// SchemaVersion implements domain.Payload.
func (Recorded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Amended) EventType() string { return AmendedType }

// SchemaVersion implements domain.Payload.
func (Amended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Suspended) EventType() string { return SuspendedType }

// SchemaVersion implements domain.Payload.
func (Suspended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Reinstated) EventType() string { return ReinstatedType }

// SchemaVersion implements domain.Payload.
func (Reinstated) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Superseded) EventType() string { return SupersededType }

// SchemaVersion implements domain.Payload.
func (Superseded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ProvisionRecorded) EventType() string { return ProvisionRecordedType }

// SchemaVersion implements domain.Payload.
func (ProvisionRecorded) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ProvisionAmended) EventType() string { return ProvisionAmendedType }

// SchemaVersion implements domain.Payload.
func (ProvisionAmended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ProvisionSuspended) EventType() string { return ProvisionSuspendedType }

// SchemaVersion implements domain.Payload.
func (ProvisionSuspended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ProvisionReinstated) EventType() string { return ProvisionReinstatedType }

// SchemaVersion implements domain.Payload.
func (ProvisionReinstated) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (ProvisionSuperseded) EventType() string { return ProvisionSupersededType }

// SchemaVersion implements domain.Payload.
func (ProvisionSuperseded) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(Recorded) },
		func() domain.Payload { return new(Amended) },
		func() domain.Payload { return new(Suspended) },
		func() domain.Payload { return new(Reinstated) },
		func() domain.Payload { return new(Superseded) },
		func() domain.Payload { return new(ProvisionRecorded) },
		func() domain.Payload { return new(ProvisionAmended) },
		func() domain.Payload { return new(ProvisionSuspended) },
		func() domain.Payload { return new(ProvisionReinstated) },
		func() domain.Payload { return new(ProvisionSuperseded) },
	)
}
