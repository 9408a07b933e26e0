package commands

import (
	"context"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
)

// JudicialUsePermission permits judicial use of an H1-marked report of a
// unit's field log, for one case.
type JudicialUsePermission struct {
	Operation  domain.OperationID
	Unit       domain.UnitID
	OccurredAt time.Time
	// ID is the permission's own entry ID in the log.
	ID domain.ReportID
	// Report is the report whose judicial use is permitted.
	Report        domain.ReportID
	CaseReference string
	Note          string
}

// PermitJudicialUse records in the unit's field log that the principal's
// agency, the report's originator, permits judicial use of an H1-marked
// report. Commanders and admins of an agency taking part in the operation
// may ask; the field log refuses anyone but the originator agency, a report
// without H1, and a second permission of one report.
func (h *Handlers) PermitJudicialUse(ctx context.Context, p Principal, id CommandID, in JudicialUsePermission) (Accepted, error) {
	op, unit := in.Operation, in.Unit
	return run(ctx, h, command[*fieldlog.Log]{
		useCase: "permit_judicial_use", id: id, p: p, input: in, op: op,
		stream:    fieldlog.Stream(op, unit),
		fresh:     func() *fieldlog.Log { return fieldlog.New(op, unit) },
		authorize: h.authorizeParticipant(p, op, RoleCommander, RoleAdmin),
		decide: func(_ context.Context, l *fieldlog.Log) error {
			m, _, err := h.meta(p, in.OccurredAt)
			if err != nil {
				return err
			}
			return l.PermitJudicialUse(m, in.ID, in.Report, in.CaseReference, in.Note)
		},
	})
}

// authorizeParticipant checks that p has one of roles and that its agency
// takes part in op, against the operation's current state.
func (h *Handlers) authorizeParticipant(p Principal, op domain.OperationID, roles ...Role) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := p.requireRole(roles...); err != nil {
			return err
		}
		return view(ctx, h, operation.Stream(op), func() *operation.Operation { return operation.New(op) },
			func(o *operation.Operation) error {
				switch {
				case o.Version() == 0:
					return domain.Missing(operation.CodeNotFound, "operation %s does not exist", op)
				case !o.Participates(p.Agency):
					return domain.Forbid(CodeNotParticipant, "agency %s does not take part in operation %s", p.Agency, op)
				}
				return nil
			})
	}
}
