package operation_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
)

// The cast: agency 1 leads, agency 2 is its partner, agency 3 stands
// outside. Persons 11 and 12 are the commanders of agencies 1 and 2 (seats
// 1 and 2); person 13 is another officer of agency 1, person 14 another of
// agency 2; person 20 an officer of agency 1, person 21 one of agency 2.
var (
	opID    = dt.Operation(1)
	lead    = dt.Agency(1)
	partner = dt.Agency(2)
	third   = dt.Agency(3)

	seatLead    = dt.Position(1)
	seatPartner = dt.Position(2)
	chief       = dt.Position(3) // operations section chief

	cmdLead    = dt.PersonRef(11, 1)
	cmdPartner = dt.PersonRef(12, 2)
	nextLead   = dt.PersonRef(13, 1)
	nextPart   = dt.PersonRef(14, 2)

	leadOfficer    = domain.Actor{Agency: lead, Person: dt.Person(20)}
	partnerOfficer = domain.Actor{Agency: partner, Person: dt.Person(21)}
	outsider       = domain.Actor{Agency: third, Person: dt.Person(30)}
	leadCommander  = domain.Actor{Agency: lead, Person: cmdLead.Person()}
	partnerCmdr    = domain.Actor{Agency: partner, Person: cmdPartner.Person()}
	nextPartActor  = domain.Actor{Agency: partner, Person: nextPart.Person()}

	section = dt.OrgUnit(1)
	branch  = dt.OrgUnit(2)

	area      = square(7, 48, 8, 49)
	period    = dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour)))
	basis     = []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm Decision 2008/615/JHA", "Art. 17"))}
	hostState = dt.State("DE")
)

// now is when the decisions under test happen: an hour into the operation.
var now = dt.At(time.Hour)

func hours(h float64) time.Time { return dt.At(time.Duration(h * float64(time.Hour))) }

func square(x0, y0, x1, y1 float64) geo.Polygon {
	return dt.Must(geo.NewPolygon(orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}))
}

func span(from, to float64) domain.Period { return dt.Must(domain.NewPeriod(hours(from), hours(to))) }

func as(t *testing.T, a domain.Actor) domain.Meta { return dt.Meta(t, a, now) }

func asAt(t *testing.T, a domain.Actor, at time.Time) domain.Meta { return dt.Meta(t, a, at) }

func newOp() *operation.Operation { return operation.New(opID) }

func proposal() operation.Proposal {
	return operation.Proposal{
		Purpose: "Joint patrols against vehicle theft along the A4", Lead: lead,
		Participants: []domain.AgencyID{lead, partner}, HostStates: []domain.StateCode{hostState},
		LegalBasis: basis, Area: area, Period: period,
	}
}

func proposed() *operation.Proposed {
	p := proposal()
	return &operation.Proposed{
		OperationID: opID, Purpose: p.Purpose, Lead: lead, Participants: p.Participants,
		HostStates: p.HostStates, LegalBasis: basis, Area: area, Period: period, ArrangementVersion: 1,
	}
}

func agreed(a domain.AgencyID, v int) *operation.Agreed {
	return &operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: v}
}

// history concatenates payload lists.
func history(parts ...[]domain.Payload) []domain.Payload {
	var out []domain.Payload
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func events(ps ...domain.Payload) []domain.Payload { return ps }

// agreedByAll is a proposed operation every participant agreed to.
func agreedByAll() []domain.Payload { return events(proposed(), agreed(lead, 1), agreed(partner, 1)) }

// active is an active operation.
func active() []domain.Payload {
	return history(agreedByAll(), events(&operation.Activated{OperationID: opID}))
}

func seat(pos domain.PositionID, a domain.AgencyID) *operation.PositionEstablished {
	return &operation.PositionEstablished{OperationID: opID, PositionID: pos, Title: "Commander", CommandSeatOf: a}
}

func filled(pos domain.PositionID, who domain.PersonRef, at time.Time) *operation.PositionFilled {
	return &operation.PositionFilled{OperationID: opID, PositionID: pos, Holder: who, EffectiveAt: at}
}

// unifiedCommand is an active operation whose two command seats were filled
// at T0.
func unifiedCommand() []domain.Payload {
	return history(active(), events(
		seat(seatLead, lead), seat(seatPartner, partner),
		filled(seatLead, cmdLead, dt.T0()), filled(seatPartner, cmdPartner, dt.T0()),
	))
}

func orgUnit(id, parent domain.OrgUnitID, kind operation.OrgUnitKind, name string) *operation.OrgUnitAdded {
	return &operation.OrgUnitAdded{OperationID: opID, OrgUnitID: id, ParentID: parent, Kind: kind, Name: name}
}

func checkedIn(unit domain.UnitID, a domain.AgencyID) *operation.ResourceCheckedIn {
	return &operation.ResourceCheckedIn{OperationID: opID, UnitID: unit, Agency: a, Kind: operation.ResourceUnit,
		CallSign: "Adler " + unit.String()[34:], Personnel: 2}
}

func checkIn(unit domain.UnitID, a domain.AgencyID) operation.CheckIn {
	c := checkedIn(unit, a)
	return operation.CheckIn{Unit: unit, Agency: a, Kind: c.Kind, CallSign: c.CallSign, Personnel: c.Personnel}
}
