package projections

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
)

// Role is an agency's part in an operation.
type Role string

// Roles.
const (
	RoleLead        Role = "lead"
	RoleParticipant Role = "participant"
)

// OperationSummary is one row of an agency's list of operations.
type OperationSummary struct {
	Operation domain.OperationID `json:"operation_id"`
	Purpose   string             `json:"purpose"`
	Status    operation.Status   `json:"status"`
	Role      Role               `json:"role"`
}

// AgencyOperations is the read model behind "my operations": for every
// agency, the operations it leads or takes part in, with their purpose and
// status. It folds operation streams only (other events are ignored) and
// shows an agency nothing of operations it does not take part in. It is not
// safe for concurrent use.
type AgencyOperations struct {
	ops   map[domain.OperationID]*summary
	order []domain.OperationID // in the order they were proposed
}

type summary struct {
	id           domain.OperationID
	purpose      string
	status       operation.Status // never StatusAgreed: that is derived
	lead         domain.AgencyID
	participants []domain.AgencyID
	arrangement  int
	agreed       map[domain.AgencyID]int
}

// NewAgencyOperations returns the empty read model.
func NewAgencyOperations() *AgencyOperations {
	return &AgencyOperations{ops: map[domain.OperationID]*summary{}}
}

// Apply folds one event; it never fails and ignores what it does not know.
func (a *AgencyOperations) Apply(env Envelope) {
	p := env.Event.Payload
	if e, ok := p.(*operation.Proposed); ok {
		if _, exists := a.ops[e.OperationID]; exists {
			return
		}
		a.ops[e.OperationID] = &summary{
			id: e.OperationID, purpose: e.Purpose, status: operation.StatusProposed, lead: e.Lead,
			participants: slices.Clone(e.Participants), arrangement: e.ArrangementVersion,
			agreed: map[domain.AgencyID]int{},
		}
		a.order = append(a.order, e.OperationID)
		return
	}
	s := a.ops[operationEventID(p)]
	if s == nil {
		return
	}
	switch e := p.(type) {
	case *operation.ParticipantAdded:
		if !slices.Contains(s.participants, e.Agency) {
			s.participants = append(s.participants, e.Agency)
		}
		s.arrangement = e.ArrangementVersion
	case *operation.Agreed:
		s.agreed[e.Agency] = e.ArrangementVersion
	case *operation.AreaChanged:
		s.arrangement = e.ArrangementVersion
	case *operation.PeriodChanged:
		s.arrangement = e.ArrangementVersion
	case *operation.LegalBasisChanged:
		s.arrangement = e.ArrangementVersion
	case *operation.Activated, *operation.Resumed:
		s.status = operation.StatusActive
	case *operation.Suspended:
		s.status = operation.StatusSuspended
	case *operation.Closed:
		s.status = operation.StatusClosed
	}
}

// For returns the operations agency leads or takes part in, in the order
// they were proposed.
func (a *AgencyOperations) For(agency domain.AgencyID) []OperationSummary {
	var out []OperationSummary
	for _, id := range a.order {
		s := a.ops[id]
		if !slices.Contains(s.participants, agency) {
			continue
		}
		role := RoleParticipant
		if s.lead == agency {
			role = RoleLead
		}
		out = append(out, OperationSummary{Operation: s.id, Purpose: s.purpose, Status: s.derivedStatus(), Role: role})
	}
	return out
}

// derivedStatus is the status with "agreed" derived as the Operation
// aggregate derives it: proposed, and every participant agreed to the
// current arrangement.
func (s *summary) derivedStatus() operation.Status {
	if s.status != operation.StatusProposed {
		return s.status
	}
	for _, p := range s.participants {
		if s.agreed[p] != s.arrangement {
			return s.status
		}
	}
	return operation.StatusAgreed
}
