package projections

import (
	"encoding"
	"fmt"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections/internal/wire"
)

var (
	_ encoding.BinaryMarshaler   = (*AgencyOperations)(nil)
	_ encoding.BinaryUnmarshaler = (*AgencyOperations)(nil)
)

// MarshalBinary returns a snapshot of the read model: everything it folded,
// so that one restored with UnmarshalBinary continues exactly as a.
func (a *AgencyOperations) MarshalBinary() ([]byte, error) {
	w := wire.NewWriter(agencyOpsKind, agencyOpsVersion, len(a.order)*128)
	w.Len(len(a.order))
	for _, id := range a.order {
		s := a.ops[id]
		w.UUID(s.id.UUID())
		w.String(s.purpose)
		w.Symbol(string(s.status))
		w.UUID(s.lead.UUID())
		w.Len(len(s.participants))
		for _, p := range s.participants {
			w.UUID(p.UUID())
		}
		w.Int(s.arrangement)
		w.Len(len(s.agreed))
		for agency, v := range s.agreed {
			w.UUID(agency.UUID())
			w.Int(v)
		}
	}
	return w.Finish(), nil
}

// UnmarshalBinary replaces a's state with a snapshot's. An error wraps
// ErrSnapshotVersion or ErrSnapshotCorrupt and leaves a unchanged.
func (a *AgencyOperations) UnmarshalBinary(data []byte) error {
	r, err := wire.Open(data, agencyOpsKind, agencyOpsVersion)
	if err != nil {
		return fmt.Errorf("restore agency operations: %w", err)
	}
	n := r.Count(16)
	out := &AgencyOperations{ops: make(map[domain.OperationID]*summary, n), order: make([]domain.OperationID, 0, n)}
	for range n {
		s := &summary{
			id: wire.ID(r, domain.NewOperationID), purpose: r.String(), status: operation.Status(r.Symbol()),
			lead: wire.ID(r, domain.NewAgencyID),
		}
		s.participants = make([]domain.AgencyID, r.Count(16))
		for i := range s.participants {
			s.participants[i] = wire.ID(r, domain.NewAgencyID)
		}
		s.arrangement = r.Int()
		agreed := r.Count(17)
		s.agreed = make(map[domain.AgencyID]int, agreed)
		for range agreed {
			agency := wire.ID(r, domain.NewAgencyID)
			s.agreed[agency] = r.Int()
		}
		if len(s.agreed) != agreed && r.Err() == nil {
			r.Failf("operation %s: an agency agreed twice", s.id)
		}
		if _, dup := out.ops[s.id]; dup && r.Err() == nil {
			r.Failf("operation %s twice", s.id)
		}
		out.ops[s.id] = s
		out.order = append(out.order, s.id)
	}
	if err := r.Done(); err != nil {
		return fmt.Errorf("restore agency operations: %w", err)
	}
	*a = *out
	return nil
}
