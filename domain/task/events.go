package task

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Event type names. They are stable forever.
const (
	IssuedType       = "jointops.task.issued"
	AcknowledgedType = "jointops.task.acknowledged"
	AmendedType      = "jointops.task.amended"
	CompletedType    = "jointops.task.completed"
	CancelledType    = "jointops.task.cancelled"
)

// Terms are what a task orders. They are the input of Issue and Amend and
// part of the Issued and Amended payloads.
type Terms struct {
	Objective string `json:"objective"`
	// Area is where the task is carried out; optional.
	Area geo.Polygon `json:"area,omitzero"`
	// Window is when it is to be carried out.
	Window      domain.Period     `json:"window"`
	Constraints []string          `json:"constraints,omitempty"`
	LegalBasis  []domain.LegalRef `json:"legal_basis,omitempty"`
}

func (t Terms) validate() error {
	var p domain.Problems
	p.RequireText("objective", t.Objective, domain.MaxText)
	if t.Window.IsZero() {
		p.Add("window", "required")
	}
	for i, c := range t.Constraints {
		p.RequireText(domain.Index("constraints", i), c, domain.MaxText)
	}
	for i, r := range t.LegalBasis {
		if r.IsZero() {
			p.Add(domain.Index("legal_basis", i), "required")
		}
	}
	return p.Err()
}

func (t Terms) equal(u Terms) bool {
	return t.Objective == u.Objective && t.Area.Equal(u.Area) && t.Window.Equal(u.Window) &&
		slices.Equal(t.Constraints, u.Constraints) && slices.Equal(t.LegalBasis, u.LegalBasis)
}

func (t Terms) clone() Terms {
	t.Constraints = slices.Clone(t.Constraints)
	t.LegalBasis = slices.Clone(t.LegalBasis)
	return t
}

// Issued: a task was issued to a unit; its terms are revision 1.
type Issued struct {
	TaskID      domain.TaskID      `json:"task_id"`
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	IssuedBy    domain.AgencyID    `json:"issued_by"`
	Terms
	Revision int `json:"revision"`
}

// Acknowledged: the unit confirmed it received the given revision.
type Acknowledged struct {
	TaskID   domain.TaskID `json:"task_id"`
	UnitID   domain.UnitID `json:"unit_id"`
	Revision int           `json:"revision"`
}

// Amended: the terms changed; the new revision awaits acknowledgement.
type Amended struct {
	TaskID domain.TaskID `json:"task_id"`
	Terms
	Revision int    `json:"revision"`
	Reason   string `json:"reason"`
}

// Completed: the task was carried out.
type Completed struct {
	TaskID  domain.TaskID `json:"task_id"`
	Outcome string        `json:"outcome"`
}

// Cancelled: the task was withdrawn before completion.
type Cancelled struct {
	TaskID domain.TaskID `json:"task_id"`
	Reason string        `json:"reason"`
}

// EventType implements domain.Payload.
func (Issued) EventType() string { return IssuedType }

// SchemaVersion implements domain.Payload.
func (Issued) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Acknowledged) EventType() string { return AcknowledgedType }

// SchemaVersion implements domain.Payload.
func (Acknowledged) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Amended) EventType() string { return AmendedType }

// SchemaVersion implements domain.Payload.
func (Amended) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Completed) EventType() string { return CompletedType }

// SchemaVersion implements domain.Payload.
func (Completed) SchemaVersion() uint32 { return 1 }

// EventType implements domain.Payload.
func (Cancelled) EventType() string { return CancelledType }

// SchemaVersion implements domain.Payload.
func (Cancelled) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r,
		func() domain.Payload { return new(Issued) },
		func() domain.Payload { return new(Acknowledged) },
		func() domain.Payload { return new(Amended) },
		func() domain.Payload { return new(Completed) },
		func() domain.Payload { return new(Cancelled) },
	)
}
