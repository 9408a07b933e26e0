package marking

import (
	"slices"

	"github.com/jointops/jointops/domain"
)

// Viewer is an agency asking to see an item, with the state it belongs to
// (a releasable-to list may name states).
type Viewer struct {
	Agency domain.AgencyID
	State  domain.StateCode
}

// MayView reports whether viewer may see an item marked m in an operation
// whose participating agencies are participants:
//
//   - the originator's agency always may;
//   - CLEAR: anyone, participant or not;
//   - GREEN: every participating agency;
//   - AMBER: participating agencies, narrowed to the releasable-to list
//     when it names anyone (need-to-know);
//   - AMBER+STRICT: the originator's agency only;
//   - RED: the named recipients only (releasable-to), participants or not.
//
// An unset marking is visible to nobody, and an unidentified viewer sees
// only CLEAR items: the check fails closed. Projections call it with the
// marking and participants as they were at the moment being shown.
func MayView(m Marking, viewer Viewer, participants []domain.AgencyID) bool {
	if m.IsZero() {
		return false
	}
	if m.tlp == TLPClear {
		return true
	}
	if viewer.Agency.IsZero() {
		return false
	}
	if viewer.Agency == m.originator {
		return true
	}
	participant := slices.Contains(participants, viewer.Agency)
	switch m.tlp {
	case TLPGreen:
		return participant
	case TLPAmber:
		return participant && (m.releasableTo.IsEmpty() || m.releasableTo.Includes(viewer))
	case TLPRed:
		return m.releasableTo.Includes(viewer)
	}
	return false // AMBER+STRICT: originator only
}
