package agency_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
)

var (
	self       = dt.Agency(1)
	registered = &agency.Registered{AgencyID: self, State: dt.State("DE"), Name: "Bundespolizei", Kind: agency.KindBorderGuard}
	duty       = agency.ContactPoint{
		ID: dt.ContactPoint(1), Purpose: agency.PurposePursuitNotification,
		Name: "Lagezentrum", Channel: agency.ChannelPhone, Address: "+49 30 0000 0000",
	}
	designated = &agency.ContactPointDesignated{
		AgencyID: self, ContactPointID: duty.ID, Purpose: duty.Purpose,
		Name: duty.Name, Channel: duty.Channel, Address: duty.Address,
	}
)

func TestAgencyDecisions(t *testing.T) {
	own := dt.Meta(t, domain.Actor{Agency: self}, dt.T0())
	other := dt.Meta(t, domain.Actor{Agency: dt.Agency(2)}, dt.T0())
	dt.Run(t, func() *agency.Agency { return agency.New(self) }, []dt.Case[*agency.Agency]{
		{
			Name: "register",
			When: func(a *agency.Agency) error {
				return a.Register(own, dt.State("DE"), "Bundespolizei", agency.KindBorderGuard)
			},
			Then: []domain.Payload{registered},
		},
		{
			Name:   "register twice",
			Given:  []domain.Payload{registered},
			When:   func(a *agency.Agency) error { return a.Register(own, dt.State("DE"), "BPOL", agency.KindPolice) },
			Reject: agency.CodeAlreadyRegistered,
		},
		{
			Name:    "register with bad input",
			When:    func(a *agency.Agency) error { return a.Register(own, domain.StateCode{}, "", "navy") },
			Invalid: []string{"state", "name", "kind"},
		},
		{
			Name:  "designate a contact point",
			Given: []domain.Payload{registered},
			When:  func(a *agency.Agency) error { return a.DesignateContactPoint(own, duty) },
			Then:  []domain.Payload{designated},
		},
		{
			Name:   "designate for another agency",
			Given:  []domain.Payload{registered},
			When:   func(a *agency.Agency) error { return a.DesignateContactPoint(other, duty) },
			Reject: agency.CodeNotOwnAgency, Kind: domain.ErrForbidden,
		},
		{
			Name:   "designate before registration",
			When:   func(a *agency.Agency) error { return a.DesignateContactPoint(own, duty) },
			Reject: agency.CodeNotRegistered, Kind: domain.ErrNotFound,
		},
		{
			Name:   "designate the same contact point twice",
			Given:  []domain.Payload{registered, designated},
			When:   func(a *agency.Agency) error { return a.DesignateContactPoint(own, duty) },
			Reject: agency.CodeContactPointExists,
		},
		{
			Name: "reuse the ID of a withdrawn contact point",
			Given: []domain.Payload{registered, designated,
				&agency.ContactPointWithdrawn{AgencyID: self, ContactPointID: duty.ID}},
			When:   func(a *agency.Agency) error { return a.DesignateContactPoint(own, duty) },
			Reject: agency.CodeContactPointExists,
		},
		{
			Name:  "designate with bad input",
			Given: []domain.Payload{registered},
			When: func(a *agency.Agency) error {
				return a.DesignateContactPoint(own, agency.ContactPoint{Purpose: "gossip", Channel: "pigeon"})
			},
			Invalid: []string{"id", "purpose", "name", "channel", "address"},
		},
		{
			Name:  "withdraw a contact point",
			Given: []domain.Payload{registered, designated},
			When:  func(a *agency.Agency) error { return a.WithdrawContactPoint(own, duty.ID) },
			Then:  []domain.Payload{&agency.ContactPointWithdrawn{AgencyID: self, ContactPointID: duty.ID}},
		},
		{
			Name:   "withdraw an unknown contact point",
			Given:  []domain.Payload{registered},
			When:   func(a *agency.Agency) error { return a.WithdrawContactPoint(own, duty.ID) },
			Reject: agency.CodeContactPointUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:   "withdraw another agency's contact point",
			Given:  []domain.Payload{registered, designated},
			When:   func(a *agency.Agency) error { return a.WithdrawContactPoint(other, duty.ID) },
			Reject: agency.CodeNotOwnAgency,
		},
	})
}

func TestContactPoints(t *testing.T) {
	second := &agency.ContactPointDesignated{
		AgencyID: self, ContactPointID: dt.ContactPoint(2), Purpose: agency.PurposeSurveillanceNotification,
		Name: "Gemeinsames Zentrum", Channel: agency.ChannelEmail, Address: "gz@example.org",
	}
	a := dt.Given(t, agency.New(self), registered, designated, second).Aggregate()
	if got := a.ContactPoints(agency.PurposePursuitNotification); len(got) != 1 || got[0] != duty {
		t.Errorf("pursuit contact points = %+v, want [%+v]", got, duty)
	}
	if got := a.ContactPoints(agency.PurposeLiaison); len(got) != 0 {
		t.Errorf("liaison contact points = %+v, want none", got)
	}
	if a.State() != dt.State("DE") || a.Kind() != agency.KindBorderGuard || a.Stream() != "agency-"+self.String() {
		t.Errorf("agency read back as %s %s %s", a.State(), a.Kind(), a.Stream())
	}
}
