package agreement_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// BenchmarkInForce asks which provision governs a pursuit, among a treaty
// with ten parties, three provisions and a history of amendments, and a
// declaration of each party refining it: the question the compliance
// policy asks for every cross-border report.
func BenchmarkInForce(b *testing.B) {
	parties := []domain.StateCode{at, dt.State("BE"), dt.State("CH"), dt.State("CZ"), de, dt.State("DK"), fr,
		dt.State("LU"), nl, pl}
	terms := cisaTerms()
	terms.Parties = parties
	history := []domain.Payload{cisaRecorded(), &agreement.Amended{Agreement: "cisa", Version: 2,
		EffectiveAt: time.Date(2007, 12, 21, 0, 0, 0, 0, time.UTC), Terms: terms}, pursuitRecorded()}
	for _, k := range []agreement.Key{"art40-1", "art40-2"} {
		p := pursuit()
		p.Action, p.Authorisation = agreement.ActionSurveillance, agreement.Authorisation{Mode: agreement.AuthorisationPrior}
		history = append(history, &agreement.ProvisionRecorded{Agreement: "cisa", Provision: k, Terms: p})
	}
	views := []agreement.View{dt.Given(b, agreement.New("cisa"), history...).Aggregate().View()}
	for _, host := range parties {
		k := agreement.Key(host.String())
		k = "decl-" + agreement.Key(string([]byte{k[0] + 32, k[1] + 32}))
		dterms := frDeclarationTerms()
		dterms.Parties = []domain.StateCode{host}
		views = append(views, dt.Given(b, agreement.New(k),
			&agreement.Recorded{Agreement: k, Kind: agreement.KindDeclaration, Terms: dterms},
			&agreement.ProvisionRecorded{Agreement: k, Provision: "pursuit", Terms: frPursuit()}).Aggregate().View())
	}
	lib := agreement.NewLibrary(views...)
	q := agreement.Query{Host: fr, Sending: de, Action: agreement.ActionHotPursuit, At: now}
	b.ReportAllocs()
	for b.Loop() {
		res, err := lib.InForce(q)
		if err != nil || !res.Found {
			b.Fatal(res, err)
		}
	}
}
