package board

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections"
)

// foldCommand folds the command-structure and resource events of the
// operation stream; every change is visible to all participants.
func (b *Board) foldCommand(env projections.Envelope) {
	switch e := env.Event.Payload.(type) {
	case *operation.OrgUnitAdded:
		u := OrgUnit{ID: e.OrgUnitID, Parent: e.ParentID, Kind: e.Kind, Name: e.Name}
		b.orgUnits[e.OrgUnitID] = u
		b.put(everyone, CollOrgUnits, e.OrgUnitID.String(), u)
	case *operation.PositionEstablished:
		if b.positions[e.PositionID] != nil {
			return
		}
		p := &Position{ID: e.PositionID, OrgUnit: e.OrgUnitID, Title: e.Title, CommandSeatOf: e.CommandSeatOf}
		b.positions[e.PositionID] = p
		b.putPosition(everyone, p)
	case *operation.PositionFilled:
		if p := b.positions[e.PositionID]; p != nil {
			p.Tenures = append(slices.Clip(p.Tenures), Tenure{Holder: e.Holder, Start: e.EffectiveAt})
			b.putPosition(everyone, p)
			b.significant(env, p.Title+" filled by "+e.Holder.Person().String())
		}
	case *operation.PositionVacated:
		if p := b.positions[e.PositionID]; p != nil && len(p.Tenures) > 0 {
			p.Tenures = slices.Clone(p.Tenures)
			p.Tenures[len(p.Tenures)-1].End = e.EffectiveAt
			b.putPosition(everyone, p)
			b.significant(env, p.Title+" vacated by "+e.Holder.Person().String())
		}
	case *operation.CommandTransferred:
		if p := b.positions[e.PositionID]; p != nil && len(p.Tenures) > 0 {
			p.Tenures = slices.Clone(p.Tenures)
			p.Tenures[len(p.Tenures)-1].End = e.EffectiveAt
			p.Tenures = append(p.Tenures, Tenure{Holder: e.To, Start: e.EffectiveAt})
			b.putPosition(everyone, p)
			b.significant(env, "Command of "+p.Title+" transferred from "+e.From.Person().String()+
				" to "+e.To.Person().String()+" (briefing "+e.BriefingRef+")")
		}
	case *operation.SpanOfControlExceeded:
		b.significant(env, spanSummary(e))
	default:
		b.foldResource(env)
	}
}

func (b *Board) putPosition(s specID, p *Position) {
	v := *p
	v.Tenures = slices.Clone(p.Tenures)
	b.put(s, CollPositions, p.ID.String(), v)
}

func (b *Board) foldResource(env projections.Envelope) {
	switch e := env.Event.Payload.(type) {
	case *operation.ResourceCheckedIn:
		u := &Unit{Unit: e.UnitID, Agency: e.Agency, Kind: e.Kind, CallSign: e.CallSign, Personnel: e.Personnel,
			Status: operation.StatusAvailable}
		b.units[e.UnitID] = u
		b.putUnit(u)
		b.significantUnit(env, e.UnitID, e.CallSign+" checked in")
	case *operation.ResourceAssigned:
		if u := b.units[e.UnitID]; u != nil {
			u.Status, u.OrgUnit, u.Reason = operation.StatusAssigned, e.OrgUnitID, ""
			b.putUnit(u)
		}
	case *operation.ResourceStatusChanged:
		if u := b.units[e.UnitID]; u != nil {
			u.Status, u.Reason, u.OrgUnit = e.Status, e.Reason, domain.OrgUnitID{}
			b.putUnit(u)
			if e.Status == operation.StatusOutOfService {
				b.significantUnit(env, e.UnitID, u.CallSign+" out of service: "+e.Reason)
			}
		}
	case *operation.ResourceCheckedOut:
		if u := b.units[e.UnitID]; u != nil {
			u.CheckedOut, u.OrgUnit = true, domain.OrgUnitID{}
			b.putUnit(u)
			b.significantUnit(env, e.UnitID, u.CallSign+" checked out")
		}
	}
}

func (b *Board) putUnit(u *Unit) { b.put(everyone, CollUnits, u.Unit.String(), *u) }
