package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	"github.com/jointops/jointops/domain/operation"
)

// AccessKind names a kind of history read.
type AccessKind string

// The kinds of history read; the strings are those of the audit events
// (audit.Kind).
const (
	AccessBoardAsOf AccessKind = "board_as_of" // a board/read model as of a past position/time
	AccessTimeline  AccessKind = "timeline"    // a timeline query
	AccessReplay    AccessKind = "replay"      // a WebSocket replay session (recorded when it starts, and on each seek)
	AccessExport    AccessKind = "export"      // an evidence export
	AccessAudit     AccessKind = "audit"       // reading the audit timeline itself
	AccessVerify    AccessKind = "verify"      // an integrity verification
)

// HistoryAccess is one read of an operation's history, recorded before the
// data is returned.
type HistoryAccess struct {
	Operation  domain.OperationID
	What       AccessKind
	Purpose    string            // required, why the history is read (case reference, oversight request …), ≤ 1000 chars
	Parameters map[string]string // the read's arguments as given: as_of, as_agency, filters, speed … (≤ 32 keys)
	OccurredAt time.Time         // the server's clock when the read began; zero: now
}

// Rejection codes of history access.
const (
	// CodeHistoryRole: the principal's role may not read history, or not
	// this kind of it.
	CodeHistoryRole domain.Code = "audit.role_may_not_read_history"
	// CodeHistoryAsAgency: a commander asked for another agency's view.
	CodeHistoryAsAgency domain.Code = "audit.as_agency_not_allowed"
)

// ParamAsAgency is the parameter naming the agency whose view of the
// history is read; a commander may read only their own agency's.
const ParamAsAgency = "as_agency"

// RecordHistoryAccess appends a jointops.audit.history_accessed event to the
// operation's audit stream "audit-<operation id>". Who may read history:
// investigators and admins of any agency taking part in the operation, and
// commanders of participating agencies for board_as_of, timeline and replay
// as seen by their own agency (Parameters["as_agency"] empty or theirs).
// Observers, field units, the system and outsiders may not; an outsider is
// told the operation is not visible, whether it exists or not.
//
// A malformed access (missing or overlong purpose, unknown kind, too many
// or too long parameters) is a validation error, reported before anything
// else. The read must not proceed if recording fails: no unrecorded
// history read.
//
// Every call is a new access: the command ID is generated here (a
// time-ordered UUID), so two identical reads are recorded twice.
func (h *Handlers) RecordHistoryAccess(ctx context.Context, p Principal, in HistoryAccess) (Accepted, error) {
	u, err := uuid.NewV7()
	if err != nil {
		return Accepted{}, fmt.Errorf("record history access: command id: %w", err)
	}
	occurredAt := in.OccurredAt
	if occurredAt.IsZero() {
		occurredAt = h.cfg.Clock()
	}
	op := in.Operation
	return run(ctx, h, command[*audit.Trail]{
		useCase: "record_history_access", id: CommandID(u), p: p, input: in, op: op,
		stream:    audit.Stream(op),
		fresh:     func() *audit.Trail { return audit.New(op) },
		authorize: h.authorizeHistoryAccess(p, in),
		decide: func(_ context.Context, t *audit.Trail) error {
			m, _, err := h.meta(p, occurredAt)
			if err != nil {
				return err
			}
			return t.RecordAccess(m, in.access(p))
		},
	})
}

// access is what the trail records of in, read by p.
func (in HistoryAccess) access(p Principal) audit.Access {
	return audit.Access{What: audit.Kind(in.What), Role: string(p.Role), Purpose: in.Purpose, Parameters: in.Parameters}
}

// authorizeHistoryAccess checks the access's input, then that p may read
// this kind of history of the operation.
func (h *Handlers) authorizeHistoryAccess(p Principal, in HistoryAccess) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := in.access(p).Check(); err != nil {
			return err
		}
		if in.Operation.IsZero() {
			var probs domain.Problems
			probs.Add("operation", "required")
			return probs.Err()
		}
		if err := mayReadHistory(p, in); err != nil {
			return err
		}
		return view(ctx, h, operation.Stream(in.Operation), func() *operation.Operation { return operation.New(in.Operation) },
			func(o *operation.Operation) error {
				if o.Version() == 0 || !o.Participates(p.Agency) {
					return notVisible(in.Operation)
				}
				return nil
			})
	}
}

// mayReadHistory is the role rule of history reads, before participation.
func mayReadHistory(p Principal, in HistoryAccess) error {
	switch p.Role {
	case RoleInvestigator, RoleAdmin:
		return nil
	case RoleCommander:
		switch in.What {
		case AccessBoardAsOf, AccessTimeline, AccessReplay:
		default:
			return domain.Forbid(CodeHistoryRole, "a commander may not read history by %s (board_as_of, timeline and replay only)", in.What)
		}
		if s, ok := in.Parameters[ParamAsAgency]; ok && s != "" {
			if a, err := domain.ParseAgencyID(s); err != nil || a != p.Agency {
				return domain.Forbid(CodeHistoryAsAgency, "a commander reads history only as their own agency %s, not as %q", p.Agency, s)
			}
		}
		return nil
	}
	return domain.Forbid(CodeHistoryRole, "role %s may not read history (investigators, admins and commanders may)", p.Role)
}
