package audit

import "github.com/jointops/jointops/domain"

// HistoryAccessedType is the event type name of an access. It is stable
// forever.
const HistoryAccessedType = "jointops.audit.history_accessed"

// HistoryAccessed: someone read the operation's history. The actor of the
// event is who read it; its occurred_at is when the read began.
type HistoryAccessed struct {
	OperationID domain.OperationID `json:"operation_id"`
	What        Kind               `json:"what"`
	// Role is the reader's role, as authenticated ("investigator",
	// "admin", "commander"): the envelope's actor names only who.
	Role string `json:"role"`
	// Purpose says why the history was read (a case reference, an
	// oversight request …).
	Purpose string `json:"purpose"`
	// Parameters are the read's arguments as given: as_of, as_agency,
	// filters, speed …
	Parameters map[string]string `json:"parameters,omitempty"`
}

// EventType implements domain.Payload.
func (HistoryAccessed) EventType() string { return HistoryAccessedType }

// SchemaVersion implements domain.Payload.
func (HistoryAccessed) SchemaVersion() uint32 { return 1 }

// RegisterEvents announces every event type of this package.
func RegisterEvents(r domain.Registry) {
	domain.Register(r, func() domain.Payload { return new(HistoryAccessed) })
}
