package catalog_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// agreementTour records an agreement and takes it and one of its
// provisions through every change, each decision by m.
func agreementTour(t *testing.T, do func(domain.Aggregate, error), m domain.Meta) {
	t.Helper()
	year := func(y int) time.Time { return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC) }
	terms := agreement.Terms{
		Title: "Convention implementing the Schengen Agreement", Instrument: "CISA",
		Parties: []domain.StateCode{dt.State("DE"), dt.State("FR")}, Language: "en",
		InForce: agreement.Validity{From: year(1995)}, Source: "demo", Demo: true,
	}
	pursuit := agreement.ProvisionTerms{
		Article: "Art. 41", Title: "Hot pursuit", Text: "Officers pursuing a person caught in the act may continue.",
		Action:        agreement.ActionHotPursuit,
		Hosts:         []domain.StateCode{dt.State("FR")},
		Offences:      agreement.Offences{Kind: agreement.OffencesListed, Listed: []string{"murder"}},
		Authorisation: agreement.Authorisation{Mode: agreement.AuthorisationNotRequired},
		Notification:  agreement.Notification{When: agreement.NotifyAtCrossing, ContactPoint: agency.PurposePursuitNotification},
		Limits:        agreement.Limits{DistanceKm: 10, DurationMinutes: 60},
		Apprehension:  agreement.ApprehensionHold,
		Handover: agreement.Handover{WithinMinutes: 360, UncountedFrom: "00:00", UncountedUntil: "09:00",
			Zone: "Europe/Paris"},
		Modes: []agreement.Mode{agreement.ModeLand}, Weapons: agreement.WeaponsSelfDefence,
		Report:     agreement.Report{Required: true, WithinMinutes: 4320},
		Conditions: []string{"no entry into private homes"},
		Validity:   agreement.Validity{From: year(1995), Until: year(2030)},
	}
	a := agreement.New("cisa")
	do(a, a.Record(m, agreement.KindMultilateral, terms))
	terms.Title += " (consolidated)"
	do(a, a.Amend(m, year(2000), terms))
	do(a, a.RecordProvision(m, "art41", pursuit))
	pursuit.Limits.DistanceKm = 20
	pursuit.Refines = agreement.ProvisionRef{Agreement: "cisa", Provision: "art41-base"}
	do(a, a.AmendProvision(m, "art41", year(2001), pursuit))
	do(a, a.SuspendProvision(m, "art41", year(2002), "review"))
	do(a, a.ReinstateProvision(m, "art41", year(2003), "reviewed"))
	do(a, a.SupersedeProvision(m, "art41", year(2004), agreement.ProvisionRef{Agreement: "sbc", Provision: "art41"}, "recast"))
	do(a, a.Suspend(m, year(2005), "emergency"))
	do(a, a.Reinstate(m, year(2006), "over"))
	do(a, a.Supersede(m, year(2007), "sbc", "replaced"))
}
