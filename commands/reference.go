package commands

import (
	"context"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/state"
)

// Reference data — states with their territories and borders, agencies with
// their contact points — is maintained by administrators. An agency's own
// entry (its contact points) only by its own administrators.

// StateRegistration registers a state with its territory.
type StateRegistration struct {
	State      domain.StateCode
	OccurredAt time.Time
	Name       string
	Territory  geo.MultiPolygon
}

// BorderDeclaration declares (or redeclares) a land border with a neighbour.
type BorderDeclaration struct {
	State      domain.StateCode
	OccurredAt time.Time
	Neighbour  domain.StateCode
	Line       geo.Line
}

// AgencyRegistration registers an agency of a state.
type AgencyRegistration struct {
	Agency     domain.AgencyID
	OccurredAt time.Time
	State      domain.StateCode
	Name       string
	Kind       agency.Kind
}

// ContactPointDesignation designates a contact point of an agency.
type ContactPointDesignation struct {
	Agency       domain.AgencyID
	OccurredAt   time.Time
	ContactPoint agency.ContactPoint
}

func onState(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any,
	code domain.StateCode, occurredAt time.Time, decide func(*state.State, domain.Meta) error) (Accepted, error) {
	return run(ctx, h, command[*state.State]{
		useCase: useCase, id: id, p: p, input: input,
		stream: state.Stream(code),
		fresh:  func() *state.State { return state.New(code) },
		decide: func(_ context.Context, s *state.State) error {
			if err := p.requireRole(RoleAdmin); err != nil {
				return err
			}
			m, _, err := h.meta(p, occurredAt)
			if err != nil {
				return err
			}
			return decide(s, m)
		},
	})
}

// RegisterState registers a state and its territory.
func (h *Handlers) RegisterState(ctx context.Context, p Principal, id CommandID, in StateRegistration) (Accepted, error) {
	return onState(ctx, h, "register_state", p, id, in, in.State, in.OccurredAt,
		func(s *state.State, m domain.Meta) error { return s.Register(m, in.Name, in.Territory) })
}

// DeclareLandBorder declares a land border of a state.
func (h *Handlers) DeclareLandBorder(ctx context.Context, p Principal, id CommandID, in BorderDeclaration) (Accepted, error) {
	return onState(ctx, h, "declare_land_border", p, id, in, in.State, in.OccurredAt,
		func(s *state.State, m domain.Meta) error { return s.DeclareLandBorder(m, in.Neighbour, in.Line) })
}

func onAgency(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any,
	a domain.AgencyID, occurredAt time.Time, ownOnly bool, decide func(*agency.Agency, domain.Meta) error) (Accepted, error) {
	return run(ctx, h, command[*agency.Agency]{
		useCase: useCase, id: id, p: p, input: input,
		stream: agency.Stream(a),
		fresh:  func() *agency.Agency { return agency.New(a) },
		decide: func(_ context.Context, ag *agency.Agency) error {
			if err := p.requireRole(RoleAdmin); err != nil {
				return err
			}
			if ownOnly && p.Agency != a {
				return domain.Forbid(CodeWrongAgencySeat, "an administrator of agency %s may not change agency %s", p.Agency, a)
			}
			m, _, err := h.meta(p, occurredAt)
			if err != nil {
				return err
			}
			return decide(ag, m)
		},
	})
}

// RegisterAgency registers an agency.
func (h *Handlers) RegisterAgency(ctx context.Context, p Principal, id CommandID, in AgencyRegistration) (Accepted, error) {
	return onAgency(ctx, h, "register_agency", p, id, in, in.Agency, in.OccurredAt, false,
		func(a *agency.Agency, m domain.Meta) error { return a.Register(m, in.State, in.Name, in.Kind) })
}

// DesignateContactPoint designates a contact point of the principal's own agency.
func (h *Handlers) DesignateContactPoint(ctx context.Context, p Principal, id CommandID, in ContactPointDesignation) (Accepted, error) {
	return onAgency(ctx, h, "designate_contact_point", p, id, in, in.Agency, in.OccurredAt, true,
		func(a *agency.Agency, m domain.Meta) error { return a.DesignateContactPoint(m, in.ContactPoint) })
}

// TerritoryRedrawing replaces a state's territory.
type TerritoryRedrawing struct {
	State      domain.StateCode
	OccurredAt time.Time
	Territory  geo.MultiPolygon
}

// ContactPointWithdrawal withdraws a contact point of an agency.
type ContactPointWithdrawal struct {
	Agency       domain.AgencyID
	OccurredAt   time.Time
	ContactPoint domain.ContactPointID
}

// RedrawTerritory replaces a state's territory.
func (h *Handlers) RedrawTerritory(ctx context.Context, p Principal, id CommandID, in TerritoryRedrawing) (Accepted, error) {
	return onState(ctx, h, "redraw_territory", p, id, in, in.State, in.OccurredAt,
		func(s *state.State, m domain.Meta) error { return s.RedrawTerritory(m, in.Territory) })
}

// WithdrawContactPoint withdraws a contact point of the principal's own agency.
func (h *Handlers) WithdrawContactPoint(ctx context.Context, p Principal, id CommandID, in ContactPointWithdrawal) (Accepted, error) {
	return onAgency(ctx, h, "withdraw_contact_point", p, id, in, in.Agency, in.OccurredAt, true,
		func(a *agency.Agency, m domain.Meta) error { return a.WithdrawContactPoint(m, in.ContactPoint) })
}
