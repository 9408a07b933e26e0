package operation

import (
	"fmt"
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Snapshot format of the Operation aggregate. Bump snapshotFormat whenever
// snapshotState changes shape or meaning: a snapshot of another format is
// ignored and the stream folded from its start.
const (
	snapshotKind   = "operation"
	snapshotFormat = 1
)

var _ domain.Snapshotter = (*Operation)(nil)

// snapshotState is the whole state of an Operation; its lists are sorted
// by ID, so that equal states encode to equal bytes. The element types
// mirror the domain's types field for field (they convert to each other),
// so a field added to those does not compile until it is added here too.
type snapshotState struct {
	ID           domain.OperationID `json:"id"`
	Status       Status             `json:"status,omitempty"`
	Purpose      string             `json:"purpose,omitempty"`
	Lead         domain.AgencyID    `json:"lead,omitzero"`
	Participants []domain.AgencyID  `json:"participants,omitempty"`
	Arrangement  int                `json:"arrangement,omitempty"`
	Agreed       []agreementState   `json:"agreed,omitempty"`
	HostStates   []domain.StateCode `json:"host_states,omitempty"`
	LegalBasis   []domain.LegalRef  `json:"legal_basis,omitempty"`
	Area         geo.Polygon        `json:"area,omitzero"`
	Period       domain.Period      `json:"period,omitzero"`
	OpPeriods    []opPeriodState    `json:"operational_periods,omitempty"`
	OrgUnits     []orgUnitState     `json:"org_units,omitempty"`
	Positions    []positionState    `json:"positions,omitempty"`
	Resources    []resourceState    `json:"resources,omitempty"`
}

type agreementState struct {
	Agency      domain.AgencyID `json:"agency"`
	Arrangement int             `json:"arrangement"`
}

type opPeriodState struct {
	Number     int           `json:"number"`
	Period     domain.Period `json:"period"`
	Objectives []string      `json:"objectives,omitempty"`
}

type orgUnitState struct {
	ID     domain.OrgUnitID `json:"id"`
	Parent domain.OrgUnitID `json:"parent,omitzero"`
	Kind   OrgUnitKind      `json:"kind"`
	Name   string           `json:"name"`
}

type positionState struct {
	ID      domain.PositionID `json:"id"`
	OrgUnit domain.OrgUnitID  `json:"org_unit,omitzero"`
	Title   string            `json:"title"`
	SeatOf  domain.AgencyID   `json:"seat_of,omitzero"`
	Tenures []tenureState     `json:"tenures,omitempty"`
}

type tenureState struct {
	Holder domain.PersonRef `json:"holder"`
	Start  time.Time        `json:"start"`
	End    time.Time        `json:"end,omitzero"`
}

type resourceState struct {
	Unit       domain.UnitID    `json:"unit"`
	Agency     domain.AgencyID  `json:"agency"`
	Kind       ResourceKind     `json:"kind"`
	CallSign   string           `json:"call_sign"`
	Personnel  int              `json:"personnel"`
	Status     ResourceStatus   `json:"status"`
	Reason     string           `json:"reason,omitempty"`
	OrgUnit    domain.OrgUnitID `json:"org_unit,omitzero"`
	CheckedOut bool             `json:"checked_out,omitempty"`
}

// Snapshot implements domain.Snapshotter.
func (o *Operation) Snapshot() ([]byte, error) {
	if err := o.root.CheckSnapshot(); err != nil {
		return nil, err
	}
	s := snapshotState{
		ID: o.id, Status: o.status, Purpose: o.purpose, Lead: o.lead,
		Participants: o.participants, Arrangement: o.arrangement,
		HostStates: o.hostStates, LegalBasis: o.legalBasis, Area: o.area, Period: o.period,
	}
	for a, v := range o.agreed {
		s.Agreed = append(s.Agreed, agreementState{Agency: a, Arrangement: v})
	}
	slices.SortFunc(s.Agreed, func(a, b agreementState) int { return a.Agency.Compare(b.Agency) })
	for _, p := range o.opPeriods {
		s.OpPeriods = append(s.OpPeriods, opPeriodState(p))
	}
	for _, u := range o.OrgUnits() {
		s.OrgUnits = append(s.OrgUnits, orgUnitState(u))
	}
	for _, p := range o.positions {
		ps := positionState{ID: p.id, OrgUnit: p.orgUnit, Title: p.title, SeatOf: p.seatOf}
		for _, t := range p.tenures {
			ps.Tenures = append(ps.Tenures, tenureState(t))
		}
		s.Positions = append(s.Positions, ps)
	}
	slices.SortFunc(s.Positions, func(a, b positionState) int { return a.ID.Compare(b.ID) })
	for _, r := range o.resources {
		s.Resources = append(s.Resources, resourceState(*r))
	}
	slices.SortFunc(s.Resources, func(a, b resourceState) int { return a.Unit.Compare(b.Unit) })
	return domain.EncodeSnapshot(snapshotKind, snapshotFormat, s)
}

// RestoreSnapshot implements domain.Snapshotter.
func (o *Operation) RestoreSnapshot(version uint64, b []byte) error {
	var s snapshotState
	if err := domain.DecodeSnapshot(b, snapshotKind, snapshotFormat, &s); err != nil {
		return err
	}
	if s.ID != o.id {
		return fmt.Errorf("%w: a snapshot of operation %s, not of %s", domain.ErrSnapshotUnusable, s.ID, o.id)
	}
	if err := o.root.Restored(version); err != nil {
		return err
	}
	o.status, o.purpose, o.lead = s.Status, s.Purpose, s.Lead
	o.participants, o.arrangement = s.Participants, s.Arrangement
	for _, a := range s.Agreed {
		o.agreed[a.Agency] = a.Arrangement
	}
	o.hostStates, o.legalBasis, o.area, o.period = s.HostStates, s.LegalBasis, s.Area, s.Period
	for _, p := range s.OpPeriods {
		o.opPeriods = append(o.opPeriods, OperationalPeriod(p))
	}
	for _, u := range s.OrgUnits {
		o.orgUnits[u.ID] = OrgUnit(u)
	}
	for _, p := range s.Positions {
		pos := &position{id: p.ID, orgUnit: p.OrgUnit, title: p.Title, seatOf: p.SeatOf}
		for _, t := range p.Tenures {
			pos.tenures = append(pos.tenures, Tenure(t))
		}
		o.positions[p.ID] = pos
		if !p.SeatOf.IsZero() {
			o.seats[p.SeatOf] = p.ID
		}
	}
	for _, r := range s.Resources {
		res := Resource(r)
		o.resources[r.Unit] = &res
	}
	return nil
}
