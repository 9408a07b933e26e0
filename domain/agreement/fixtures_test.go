package agreement_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// The cast: CISA among AT, DE, FR and NL since 1995; a French declaration
// under Art. 41(9) limits pursuits on French territory to 10 km.
var (
	at, de, fr, nl, pl = dt.State("AT"), dt.State("DE"), dt.State("FR"), dt.State("NL"), dt.State("PL")
	admin              = domain.Actor{Agency: dt.Agency(1), Person: dt.Person(1)}
	since1995          = time.Date(1995, 3, 26, 0, 0, 0, 0, time.UTC)
	art41Ref           = agreement.ProvisionRef{Agreement: "cisa", Provision: "art41"}
)

func cisaTerms() agreement.Terms {
	return agreement.Terms{
		Title:      "Convention implementing the Schengen Agreement",
		Instrument: "CISA", Parties: []domain.StateCode{at, de, fr, nl}, Language: "en",
		InForce: agreement.Validity{From: since1995},
	}
}

func cisaRecorded() *agreement.Recorded {
	return &agreement.Recorded{Agreement: "cisa", Kind: agreement.KindMultilateral, Terms: cisaTerms()}
}

// pursuit is CISA Art. 41 as the base provision: notify at the crossing,
// no apprehension, land borders.
func pursuit() agreement.ProvisionTerms {
	return agreement.ProvisionTerms{
		Article: "Art. 41", Title: "Hot pursuit", Action: agreement.ActionHotPursuit,
		Offences:      agreement.Offences{Kind: agreement.OffencesListed, Listed: []string{"murder", "vehicle_theft"}},
		Authorisation: agreement.Authorisation{Mode: agreement.AuthorisationNotRequired},
		Notification:  agreement.Notification{When: agreement.NotifyAtCrossing, ContactPoint: agency.PurposePursuitNotification},
		Apprehension:  agreement.ApprehensionNone,
		Modes:         []agreement.Mode{agreement.ModeLand},
		Weapons:       agreement.WeaponsSelfDefence,
		Report:        agreement.Report{Required: true},
		Validity:      agreement.Validity{From: since1995},
	}
}

func pursuitRecorded() *agreement.ProvisionRecorded {
	return &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art41", Terms: pursuit()}
}

// frDeclaration is France's declaration: pursuit on French territory up
// to 10 km from the border.
func frDeclarationTerms() agreement.Terms {
	return agreement.Terms{
		Title: "Declaration of France under Art. 41(9) CISA", Instrument: "FR declaration Art. 41(9) CISA",
		Parties: []domain.StateCode{fr}, Language: "fr", InForce: agreement.Validity{From: since1995},
	}
}

func frPursuit() agreement.ProvisionTerms {
	t := pursuit()
	t.Article, t.Title = "Point 2", "Poursuite sur le territoire français"
	t.Refines = art41Ref
	t.Limits = agreement.Limits{DistanceKm: 10}
	return t
}

func meta(t testing.TB) domain.Meta { return dt.Meta(t, admin, dt.T0()) }

func errorAs(err error, target any) bool { return errors.As(err, target) }
