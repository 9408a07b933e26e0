package commands

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/operation"
)

// RoleSystem is the role of the compliance policy's principal. No bearer
// token can claim it (NewPrincipal refuses it): only SystemPrincipal, in
// the process that runs the policy, builds one.
const RoleSystem Role = "system"

// systemSubject is the subject of every system principal, recorded as the
// actor's person: the compliance policy.
func systemSubject() uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:jointops:compliance-policy"))
}

// flagCommands is the namespace of the command IDs FlagCommandID derives.
func flagCommands() uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:jointops:compliance-flag-command"))
}

// SystemPrincipal returns the principal the compliance policy records flags
// as, on behalf of agency (the agency operating this deployment).
func SystemPrincipal(agency domain.AgencyID) (Principal, error) {
	if agency.IsZero() {
		var p domain.Problems
		p.Add("agency", "required")
		return Principal{}, p.Err()
	}
	return Principal{Agency: agency, Role: RoleSystem, Subject: systemSubject()}, nil
}

// FlagCommandID derives the command ID of raising ("raise") or clearing
// ("clear") a flag, so that the policy recording the same decision again —
// after a restart, in a replay — is answered as a retry and appends
// nothing.
func FlagCommandID(op domain.OperationID, action string, flag compliance.FlagID) CommandID {
	return CommandID(uuid.NewSHA1(flagCommands(), []byte(op.String()+"/"+action+"/"+string(flag))))
}

// FlagRaise records a flag the compliance policy found; OccurredAt is when
// the breach happened or its deadline passed.
type FlagRaise struct {
	Operation  domain.OperationID
	OccurredAt time.Time
	Flag       compliance.Flag
}

// FlagClearance records that later evidence resolved a flag.
type FlagClearance struct {
	Operation  domain.OperationID
	OccurredAt time.Time
	Flag       compliance.FlagID
	Evidence   []compliance.EventRef
	Reason     string
}

// FlagAnswer is a commander's acknowledgement or dispute of a flag.
type FlagAnswer struct {
	Operation  domain.OperationID
	OccurredAt time.Time
	Flag       compliance.FlagID
	Note       string
}

// HostStop is a host state's request, by a commander of its agency, that
// foreign units stop acting on its territory.
type HostStop struct {
	Operation  domain.OperationID
	OccurredAt time.Time
	// Units are the units asked to stop; none asks every foreign unit.
	Units  []domain.UnitID
	Reason string
}

// CodeNotHostAuthority refuses a stop request from an agency whose state
// does not host the operation.
const CodeNotHostAuthority domain.Code = "auth.not_host_authority"

// onFlags runs one decision on an operation's compliance flags. authorize
// runs before the stream is locked.
func onFlags(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any, op domain.OperationID,
	occurredAt time.Time, authorize func(context.Context) error, decide func(*compliance.Flags, domain.Meta) error) (Accepted, error) {
	return run(ctx, h, command[*compliance.Flags]{
		useCase: useCase, id: id, p: p, input: input, op: op,
		stream:    compliance.Stream(op),
		fresh:     func() *compliance.Flags { return compliance.New(op) },
		authorize: authorize,
		decide: func(_ context.Context, f *compliance.Flags) error {
			m, _, err := h.meta(p, occurredAt)
			if err != nil {
				return err
			}
			return decide(f, m)
		},
	})
}

// requireSystem lets only the compliance policy raise and clear flags.
func requireSystem(p Principal) func(context.Context) error {
	return func(context.Context) error { return p.requireRole(RoleSystem) }
}

// RaiseFlag records a flag raised by the compliance policy; raising a
// known flag again appends nothing.
func (h *Handlers) RaiseFlag(ctx context.Context, p Principal, id CommandID, in FlagRaise) (Accepted, error) {
	return onFlags(ctx, h, "raise_flag", p, id, in, in.Operation, in.OccurredAt, requireSystem(p),
		func(f *compliance.Flags, m domain.Meta) error { return f.Raise(m, in.Flag) })
}

// ClearFlag records that the compliance policy found a flag resolved.
func (h *Handlers) ClearFlag(ctx context.Context, p Principal, id CommandID, in FlagClearance) (Accepted, error) {
	return onFlags(ctx, h, "clear_flag", p, id, in, in.Operation, in.OccurredAt, requireSystem(p),
		func(f *compliance.Flags, m domain.Meta) error { return f.Clear(m, in.Flag, in.Evidence, in.Reason) })
}

// AcknowledgeFlag records a commander's acknowledgement of a flag for
// their agency, which must take part in the operation.
func (h *Handlers) AcknowledgeFlag(ctx context.Context, p Principal, id CommandID, in FlagAnswer) (Accepted, error) {
	return onFlags(ctx, h, "acknowledge_flag", p, id, in, in.Operation, in.OccurredAt, h.authorizeCommander(p, in.Operation),
		func(f *compliance.Flags, m domain.Meta) error { return f.Acknowledge(m, in.Flag, in.Note) })
}

// DisputeFlag records a commander's dispute of a flag for their agency,
// which must take part in the operation.
func (h *Handlers) DisputeFlag(ctx context.Context, p Principal, id CommandID, in FlagAnswer) (Accepted, error) {
	return onFlags(ctx, h, "dispute_flag", p, id, in, in.Operation, in.OccurredAt, h.authorizeCommander(p, in.Operation),
		func(f *compliance.Flags, m domain.Meta) error { return f.Dispute(m, in.Flag, in.Note) })
}

// RequestHostStop records that the state of the principal's agency, a
// host of the operation, asks foreign units to stop acting on its
// territory. Only a commander of a participating agency of a host state
// may ask.
func (h *Handlers) RequestHostStop(ctx context.Context, p Principal, id CommandID, in HostStop) (Accepted, error) {
	var host domain.StateCode
	authorize := func(ctx context.Context) error {
		if err := h.authorizeCommander(p, in.Operation)(ctx); err != nil {
			return err
		}
		err := view(ctx, h, agency.Stream(p.Agency), func() *agency.Agency { return agency.New(p.Agency) },
			func(a *agency.Agency) error { host = a.State(); return nil })
		if err != nil {
			return err
		}
		return view(ctx, h, operation.Stream(in.Operation), func() *operation.Operation { return operation.New(in.Operation) },
			func(o *operation.Operation) error {
				if host.IsZero() || !slices.Contains(o.HostStates(), host) {
					return domain.Forbid(CodeNotHostAuthority, "agency %s is not an authority of a state hosting operation %s", p.Agency, in.Operation)
				}
				return nil
			})
	}
	return onFlags(ctx, h, "request_host_stop", p, id, in, in.Operation, in.OccurredAt, authorize,
		func(f *compliance.Flags, m domain.Meta) error { return f.RequestStop(m, host, in.Units, in.Reason) })
}

// authorizeCommander checks that p is a commander of an agency taking part
// in op, against the operation's current state.
func (h *Handlers) authorizeCommander(p Principal, op domain.OperationID) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := p.requireRole(RoleCommander); err != nil {
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
