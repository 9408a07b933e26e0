package agreement_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func TestAgreementDecisions(t *testing.T) {
	m := meta(t)
	later := time.Date(2007, 12, 21, 0, 0, 0, 0, time.UTC)
	withPL := cisaTerms()
	withPL.Parties = append(withPL.Parties, pl)
	suspended := &agreement.Suspended{Agreement: "cisa", EffectiveAt: later, Reason: "emergency"}
	dt.Run(t, func() *agreement.Agreement { return agreement.New("cisa") }, []dt.Case[*agreement.Agreement]{
		{
			Name: "record an agreement",
			When: func(a *agreement.Agreement) error { return a.Record(m, agreement.KindMultilateral, cisaTerms()) },
			Then: []domain.Payload{cisaRecorded()},
		},
		{
			Name: "record normalizes: parties sorted, times in UTC",
			When: func(a *agreement.Agreement) error {
				terms := cisaTerms()
				terms.Parties = []domain.StateCode{nl, fr, de, at}
				terms.InForce.From = since1995.In(time.FixedZone("CET", 3600))
				return a.Record(m, agreement.KindMultilateral, terms)
			},
			Then: []domain.Payload{cisaRecorded()},
		},
		{
			Name:   "record twice",
			Given:  []domain.Payload{cisaRecorded()},
			When:   func(a *agreement.Agreement) error { return a.Record(m, agreement.KindMultilateral, cisaTerms()) },
			Reject: agreement.CodeAlreadyRecorded, Kind: domain.ErrRejected,
		},
		{
			Name: "a zero Meta is refused",
			When: func(a *agreement.Agreement) error {
				return a.Record(domain.Meta{}, agreement.KindMultilateral, cisaTerms())
			},
			Invalid: []string{"meta"},
		},
		{
			Name: "record with every field wrong",
			When: func(a *agreement.Agreement) error {
				return a.Record(m, "treaty", agreement.Terms{Parties: []domain.StateCode{de, de, {}}, Language: "english",
					InForce: agreement.Validity{Until: since1995}})
			},
			Invalid: []string{"kind", "terms.title", "terms.instrument", "terms.parties[1]", "terms.parties[2]",
				"terms.language", "terms.in_force.from"},
		},
		{
			Name: "a bilateral agreement has two parties",
			When: func(a *agreement.Agreement) error {
				return a.Record(m, agreement.KindBilateral, cisaTerms())
			},
			Invalid: []string{"terms.parties"},
		},
		{
			Name:    "a national declaration has one party",
			When:    func(a *agreement.Agreement) error { return a.Record(m, agreement.KindDeclaration, cisaTerms()) },
			Invalid: []string{"terms.parties"},
		},
		{
			Name: "in force until before from",
			When: func(a *agreement.Agreement) error {
				terms := cisaTerms()
				terms.InForce.Until = since1995
				return a.Record(m, agreement.KindMultilateral, terms)
			},
			Invalid: []string{"terms.in_force.until"},
		},
		{
			Name:  "amend with a later effective time: Poland accedes",
			Given: []domain.Payload{cisaRecorded()},
			When:  func(a *agreement.Agreement) error { return a.Amend(m, later, withPL) },
			Then: []domain.Payload{&agreement.Amended{Agreement: "cisa", Version: 2, EffectiveAt: later,
				Terms: func() agreement.Terms {
					terms := withPL
					terms.Parties = []domain.StateCode{at, de, fr, nl, pl}
					return terms
				}()}},
		},
		{
			Name:   "amend effective at the previous version's time",
			Given:  []domain.Payload{cisaRecorded()},
			When:   func(a *agreement.Agreement) error { return a.Amend(m, since1995, withPL) },
			Reject: agreement.CodeNotAfterPrevious,
		},
		{
			Name:   "amend to the same terms",
			Given:  []domain.Payload{cisaRecorded()},
			When:   func(a *agreement.Agreement) error { return a.Amend(m, later, cisaTerms()) },
			Reject: agreement.CodeUnchanged,
		},
		{
			Name:    "amend without an effective time",
			Given:   []domain.Payload{cisaRecorded()},
			When:    func(a *agreement.Agreement) error { return a.Amend(m, time.Time{}, withPL) },
			Invalid: []string{"effective_at"},
		},
		{
			Name:   "amend an agreement not recorded",
			When:   func(a *agreement.Agreement) error { return a.Amend(m, later, withPL) },
			Reject: agreement.CodeNotRecorded, Kind: domain.ErrNotFound,
		},
		{
			Name: "amend away a party a provision names",
			Given: []domain.Payload{cisaRecorded(), &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art41-nl",
				Terms: func() agreement.ProvisionTerms { p := pursuit(); p.Hosts = []domain.StateCode{nl}; return p }()}},
			When: func(a *agreement.Agreement) error {
				terms := cisaTerms()
				terms.Parties = []domain.StateCode{at, de, fr}
				return a.Amend(m, later, terms)
			},
			Reject: agreement.CodeNotAParty,
		},
		{
			Name:  "suspend",
			Given: []domain.Payload{cisaRecorded()},
			When:  func(a *agreement.Agreement) error { return a.Suspend(m, later, "emergency") },
			Then:  []domain.Payload{suspended},
		},
		{
			Name:   "suspend twice",
			Given:  []domain.Payload{cisaRecorded(), suspended},
			When:   func(a *agreement.Agreement) error { return a.Suspend(m, later.Add(time.Hour), "again") },
			Reject: agreement.CodeAlreadySuspended,
		},
		{
			Name:    "suspend without effective time or reason",
			Given:   []domain.Payload{cisaRecorded()},
			When:    func(a *agreement.Agreement) error { return a.Suspend(m, time.Time{}, " ") },
			Invalid: []string{"effective_at", "reason"},
		},
		{
			Name:  "reinstate",
			Given: []domain.Payload{cisaRecorded(), suspended},
			When:  func(a *agreement.Agreement) error { return a.Reinstate(m, later.Add(48*time.Hour), "over") },
			Then:  []domain.Payload{&agreement.Reinstated{Agreement: "cisa", EffectiveAt: later.Add(48 * time.Hour), Reason: "over"}},
		},
		{
			Name:   "reinstate before the suspension took effect",
			Given:  []domain.Payload{cisaRecorded(), suspended},
			When:   func(a *agreement.Agreement) error { return a.Reinstate(m, later.Add(-time.Second), "over") },
			Reject: agreement.CodeStatusOutOfOrder,
		},
		{
			Name:   "reinstate an agreement not suspended",
			Given:  []domain.Payload{cisaRecorded()},
			When:   func(a *agreement.Agreement) error { return a.Reinstate(m, later, "over") },
			Reject: agreement.CodeNotSuspended,
		},
		{
			Name:  "supersede",
			Given: []domain.Payload{cisaRecorded()},
			When:  func(a *agreement.Agreement) error { return a.Supersede(m, later, "sbc", "replaced") },
			Then:  []domain.Payload{&agreement.Superseded{Agreement: "cisa", EffectiveAt: later, By: "sbc", Reason: "replaced"}},
		},
		{
			Name:   "supersede by itself",
			Given:  []domain.Payload{cisaRecorded()},
			When:   func(a *agreement.Agreement) error { return a.Supersede(m, later, "cisa", "replaced") },
			Reject: agreement.CodeSupersededBySelf,
		},
		{
			Name:    "supersede by a malformed key, without reason",
			Given:   []domain.Payload{cisaRecorded()},
			When:    func(a *agreement.Agreement) error { return a.Supersede(m, later, "Not A Key", "") },
			Invalid: []string{"by", "reason"},
		},
		{
			Name:   "no change after supersession",
			Given:  []domain.Payload{cisaRecorded(), &agreement.Superseded{Agreement: "cisa", EffectiveAt: later, By: "sbc", Reason: "replaced"}},
			When:   func(a *agreement.Agreement) error { return a.Suspend(m, later.Add(time.Hour), "too late") },
			Reject: agreement.CodeSuperseded,
		},
	})
}

func TestAgreementKeyIsValidated(t *testing.T) {
	m := meta(t)
	dt.Given(t, agreement.New("Bad Key")).
		When(func(a *agreement.Agreement) error { return a.Record(m, agreement.KindMultilateral, cisaTerms()) }).
		ThenInvalid("agreement")
}

func TestProvisionDecisions(t *testing.T) {
	m := meta(t)
	later := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	limited := pursuit()
	limited.Limits = agreement.Limits{DistanceKm: 10, DurationMinutes: 30}
	provSuspended := &agreement.ProvisionSuspended{Agreement: "cisa", Provision: "art41", EffectiveAt: later, Reason: "review"}
	dt.Run(t, func() *agreement.Agreement { return agreement.New("cisa") }, []dt.Case[*agreement.Agreement]{
		{
			Name:  "record a provision",
			Given: []domain.Payload{cisaRecorded()},
			When:  func(a *agreement.Agreement) error { return a.RecordProvision(m, "art41", pursuit()) },
			Then:  []domain.Payload{pursuitRecorded()},
		},
		{
			Name:   "record a provision of an agreement not recorded",
			When:   func(a *agreement.Agreement) error { return a.RecordProvision(m, "art41", pursuit()) },
			Reject: agreement.CodeNotRecorded, Kind: domain.ErrNotFound,
		},
		{
			Name:   "record the same provision twice",
			Given:  []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When:   func(a *agreement.Agreement) error { return a.RecordProvision(m, "art41", limited) },
			Reject: agreement.CodeProvisionExists,
		},
		{
			Name:    "record a provision with a malformed key",
			Given:   []domain.Payload{cisaRecorded()},
			When:    func(a *agreement.Agreement) error { return a.RecordProvision(m, "Art 41", pursuit()) },
			Invalid: []string{"provision"},
		},
		{
			Name:  "record a provision whose host is not a party",
			Given: []domain.Payload{cisaRecorded()},
			When: func(a *agreement.Agreement) error {
				p := pursuit()
				p.Hosts = []domain.StateCode{pl}
				return a.RecordProvision(m, "art41", p)
			},
			Reject: agreement.CodeNotAParty,
		},
		{
			Name:  "record a provision whose sending state is not a party",
			Given: []domain.Payload{cisaRecorded()},
			When: func(a *agreement.Agreement) error {
				p := pursuit()
				p.Senders = []domain.StateCode{pl}
				return a.RecordProvision(m, "art41", p)
			},
			Reject: agreement.CodeNotAParty,
		},
		{
			Name:  "a provision cannot refine itself",
			Given: []domain.Payload{cisaRecorded()},
			When: func(a *agreement.Agreement) error {
				p := pursuit()
				p.Refines = art41Ref
				return a.RecordProvision(m, "art41", p)
			},
			Reject: agreement.CodeRefinesItself,
		},
		{
			Name:  "amend a provision from a later time",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When:  func(a *agreement.Agreement) error { return a.AmendProvision(m, "art41", later, limited) },
			Then: []domain.Payload{&agreement.ProvisionAmended{Agreement: "cisa", Provision: "art41", Version: 2,
				EffectiveAt: later, Terms: limited}},
		},
		{
			Name:  "amend a provision effective before its current version",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When: func(a *agreement.Agreement) error {
				return a.AmendProvision(m, "art41", since1995.Add(-time.Hour), limited)
			},
			Reject: agreement.CodeNotAfterPrevious,
		},
		{
			Name:   "amend a provision to the same terms",
			Given:  []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When:   func(a *agreement.Agreement) error { return a.AmendProvision(m, "art41", later, pursuit()) },
			Reject: agreement.CodeUnchanged,
		},
		{
			Name:  "amend a provision to another action",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When: func(a *agreement.Agreement) error {
				p := pursuit()
				p.Action = agreement.ActionSurveillance
				return a.AmendProvision(m, "art41", later, p)
			},
			Reject: agreement.CodeActionChanged,
		},
		{
			Name:   "amend an unknown provision",
			Given:  []domain.Payload{cisaRecorded()},
			When:   func(a *agreement.Agreement) error { return a.AmendProvision(m, "art41", later, limited) },
			Reject: agreement.CodeProvisionUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:  "amend with bad terms and no effective time",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When: func(a *agreement.Agreement) error {
				return a.AmendProvision(m, "art41", time.Time{}, agreement.ProvisionTerms{})
			},
			Invalid: []string{"effective_at", "terms.article", "terms.action", "terms.modes", "terms.validity.from"},
		},
		{
			Name:  "suspend a provision",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When:  func(a *agreement.Agreement) error { return a.SuspendProvision(m, "art41", later, "review") },
			Then:  []domain.Payload{provSuspended},
		},
		{
			Name:   "suspend a suspended provision",
			Given:  []domain.Payload{cisaRecorded(), pursuitRecorded(), provSuspended},
			When:   func(a *agreement.Agreement) error { return a.SuspendProvision(m, "art41", later, "again") },
			Reject: agreement.CodeAlreadySuspended,
		},
		{
			Name:  "reinstate a provision",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded(), provSuspended},
			When:  func(a *agreement.Agreement) error { return a.ReinstateProvision(m, "art41", later, "reviewed") },
			Then: []domain.Payload{&agreement.ProvisionReinstated{Agreement: "cisa", Provision: "art41",
				EffectiveAt: later, Reason: "reviewed"}},
		},
		{
			Name:   "reinstate a provision in force",
			Given:  []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When:   func(a *agreement.Agreement) error { return a.ReinstateProvision(m, "art41", later, "reviewed") },
			Reject: agreement.CodeNotSuspended,
		},
		{
			Name:  "reinstate a provision before its suspension",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded(), provSuspended},
			When: func(a *agreement.Agreement) error {
				return a.ReinstateProvision(m, "art41", later.Add(-time.Minute), "x")
			},
			Reject: agreement.CodeStatusOutOfOrder,
		},
		{
			Name:  "supersede a provision",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When: func(a *agreement.Agreement) error {
				return a.SupersedeProvision(m, "art41", later, agreement.ProvisionRef{Agreement: "sbc", Provision: "art41"}, "recast")
			},
			Then: []domain.Payload{&agreement.ProvisionSuperseded{Agreement: "cisa", Provision: "art41", EffectiveAt: later,
				By: agreement.ProvisionRef{Agreement: "sbc", Provision: "art41"}, Reason: "recast"}},
		},
		{
			Name:  "supersede a provision by itself",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When: func(a *agreement.Agreement) error {
				return a.SupersedeProvision(m, "art41", later, art41Ref, "recast")
			},
			Reject: agreement.CodeSupersededBySelf,
		},
		{
			Name:  "supersede by an incomplete reference",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded()},
			When: func(a *agreement.Agreement) error {
				return a.SupersedeProvision(m, "art41", later, agreement.ProvisionRef{Agreement: "sbc"}, "recast")
			},
			Invalid: []string{"by.provision"},
		},
		{
			Name: "a superseded provision no longer changes",
			Given: []domain.Payload{cisaRecorded(), pursuitRecorded(), &agreement.ProvisionSuperseded{Agreement: "cisa",
				Provision: "art41", EffectiveAt: later, By: agreement.ProvisionRef{Agreement: "sbc", Provision: "art41"}, Reason: "recast"}},
			When:   func(a *agreement.Agreement) error { return a.AmendProvision(m, "art41", later.Add(time.Hour), limited) },
			Reject: agreement.CodeProvisionSuperseded,
		},
		{
			Name: "no new provision in a superseded agreement",
			Given: []domain.Payload{cisaRecorded(),
				&agreement.Superseded{Agreement: "cisa", EffectiveAt: later, By: "sbc", Reason: "replaced"}},
			When:   func(a *agreement.Agreement) error { return a.RecordProvision(m, "art41", pursuit()) },
			Reject: agreement.CodeSuperseded,
		},
	})
}

func TestDeclarationMayNameAnySendingState(t *testing.T) {
	m := meta(t)
	p := frPursuit()
	p.Senders = []domain.StateCode{pl, de}
	want := frPursuit()
	want.Senders = []domain.StateCode{de, pl}
	dt.Given(t, agreement.New("fr-art41"), &agreement.Recorded{Agreement: "fr-art41", Kind: agreement.KindDeclaration, Terms: frDeclarationTerms()}).
		When(func(a *agreement.Agreement) error { return a.RecordProvision(m, "pursuit", p) }).
		Then(&agreement.ProvisionRecorded{Agreement: "fr-art41", Provision: "pursuit", Terms: want})
}

func TestViewIsACopy(t *testing.T) {
	a := dt.Given(t, agreement.New("cisa"), cisaRecorded(), pursuitRecorded()).Aggregate()
	v := a.View()
	v.Versions[0].Terms.Parties[0] = pl
	v.Provisions[0].Versions[0].Terms.Modes[0] = agreement.ModeAir
	again := a.View()
	if again.Versions[0].Terms.Parties[0] != at || again.Provisions[0].Versions[0].Terms.Modes[0] != agreement.ModeLand {
		t.Fatalf("changing a view changed the aggregate: %+v", again)
	}
	if a.Stream() != "agreement-cisa" || !a.Recorded() || a.Key() != "cisa" {
		t.Errorf("read back %s %v %s", a.Stream(), a.Recorded(), a.Key())
	}
}
