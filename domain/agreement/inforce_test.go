package agreement_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// view replays history into agreement k and returns its view.
func view(t *testing.T, k agreement.Key, history ...domain.Payload) agreement.View {
	t.Helper()
	return dt.Given(t, agreement.New(k), history...).Aggregate().View()
}

func frDeclaration(t *testing.T, more ...domain.Payload) agreement.View {
	return view(t, "fr-art41", append([]domain.Payload{
		&agreement.Recorded{Agreement: "fr-art41", Kind: agreement.KindDeclaration, Terms: frDeclarationTerms()},
		&agreement.ProvisionRecorded{Agreement: "fr-art41", Provision: "pursuit", Terms: frPursuit()},
	}, more...)...)
}

func cisa(t *testing.T, more ...domain.Payload) agreement.View {
	return view(t, "cisa", append([]domain.Payload{cisaRecorded(), pursuitRecorded()}, more...)...)
}

func inForce(t *testing.T, lib *agreement.Library, host, sending domain.StateCode, at time.Time) agreement.Resolution {
	t.Helper()
	res, err := lib.InForce(agreement.Query{Host: host, Sending: sending, Action: agreement.ActionHotPursuit, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	frRef = agreement.ProvisionRef{Agreement: "fr-art41", Provision: "pursuit"}
	now   = dt.T0()
)

func TestInForceChoosesTheGoverningProvision(t *testing.T) {
	bilateral := view(t, "de-fr", &agreement.Recorded{Agreement: "de-fr", Kind: agreement.KindBilateral, Terms: agreement.Terms{
		Title: "Mondorf agreement (demo)", Instrument: "DE-FR agreement", Parties: []domain.StateCode{de, fr}, Language: "de",
		InForce: agreement.Validity{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}}},
		&agreement.ProvisionRecorded{Agreement: "de-fr", Provision: "pursuit", Terms: func() agreement.ProvisionTerms {
			p := pursuit()
			p.Article, p.Limits = "Art. 7", agreement.Limits{DistanceKm: 30}
			return p
		}()})
	tests := []struct {
		name    string
		views   []agreement.View
		host    domain.StateCode
		sending domain.StateCode
		want    agreement.ProvisionRef
		reason  agreement.Reason
		cands   map[agreement.ProvisionRef]agreement.Reason
	}{
		{
			name: "a declaration refining the treaty governs on its state's territory", views: []agreement.View{cisa(t), frDeclaration(t)},
			host: fr, sending: de, want: frRef, reason: agreement.ReasonInForce,
			cands: map[agreement.ProvisionRef]agreement.Reason{frRef: agreement.ReasonInForce, art41Ref: agreement.ReasonDisplaced},
		},
		{
			name: "without a declaration the treaty governs", views: []agreement.View{cisa(t), frDeclaration(t)},
			host: de, sending: fr, want: art41Ref, reason: agreement.ReasonInForce,
			cands: map[agreement.ProvisionRef]agreement.Reason{art41Ref: agreement.ReasonInForce},
		},
		{
			name: "a state that is not a party is covered by nothing", views: []agreement.View{cisa(t), frDeclaration(t)},
			host: de, sending: pl, reason: agreement.ReasonNoProvision,
			cands: map[agreement.ProvisionRef]agreement.Reason{},
		},
		{
			name: "a declaration applies only where the treaty it refines does", views: []agreement.View{cisa(t), frDeclaration(t)},
			host: fr, sending: pl, reason: agreement.ReasonNoProvision,
			cands: map[agreement.ProvisionRef]agreement.Reason{},
		},
		{
			name: "without the treaty in the library, a declaration is judged on its own", views: []agreement.View{frDeclaration(t)},
			host: fr, sending: pl, want: frRef, reason: agreement.ReasonInForce,
			cands: map[agreement.ProvisionRef]agreement.Reason{frRef: agreement.ReasonInForce},
		},
		{
			name: "a declaration does not outlive the suspension of what it refines",
			views: []agreement.View{cisa(t, &agreement.ProvisionSuspended{Agreement: "cisa", Provision: "art41",
				EffectiveAt: now.Add(-time.Hour), Reason: "review"}), frDeclaration(t)},
			host: fr, sending: de, reason: agreement.ReasonRefinedNotInForce,
			cands: map[agreement.ProvisionRef]agreement.Reason{frRef: agreement.ReasonRefinedNotInForce, art41Ref: agreement.ReasonSuspended},
		},
		{
			name: "a suspended declaration gives the treaty back",
			views: []agreement.View{cisa(t), frDeclaration(t, &agreement.ProvisionSuspended{Agreement: "fr-art41", Provision: "pursuit",
				EffectiveAt: now.Add(-time.Hour), Reason: "under review"})},
			host: fr, sending: de, want: art41Ref, reason: agreement.ReasonInForce,
			cands: map[agreement.ProvisionRef]agreement.Reason{frRef: agreement.ReasonSuspended, art41Ref: agreement.ReasonInForce},
		},
		{
			name: "a bilateral provision naming both states beats the declaration", views: []agreement.View{cisa(t), frDeclaration(t), bilateral},
			host: fr, sending: de, want: agreement.ProvisionRef{Agreement: "de-fr", Provision: "pursuit"}, reason: agreement.ReasonInForce,
			cands: map[agreement.ProvisionRef]agreement.Reason{
				{Agreement: "de-fr", Provision: "pursuit"}: agreement.ReasonInForce,
				frRef:    agreement.ReasonDisplaced,
				art41Ref: agreement.ReasonDisplaced,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := inForce(t, agreement.NewLibrary(tt.views...), tt.host, tt.sending, now)
			if res.Reason != tt.reason || res.Found != (tt.reason == agreement.ReasonInForce) || res.Provision.Ref != tt.want {
				t.Fatalf("resolution %s %v %s; want %s %s\n%s", res.Reason, res.Found, res.Provision.Ref, tt.want, tt.reason, res.Explanation)
			}
			got := map[agreement.ProvisionRef]agreement.Reason{}
			for _, c := range res.Candidates {
				got[c.Ref] = c.Reason
			}
			if len(got) != len(tt.cands) {
				t.Errorf("candidates %v, want %v", res.Candidates, tt.cands)
			}
			for ref, reason := range tt.cands {
				if got[ref] != reason {
					t.Errorf("candidate %s: %s, want %s", ref, got[ref], reason)
				}
			}
			if len(res.Ambiguous) != 0 {
				t.Errorf("ambiguous: %v", res.Ambiguous)
			}
		})
	}
}

// TestInForceAtTheEdges checks each dated change at the instant it takes
// effect and one nanosecond before: validity is half-open [from, until).
func TestInForceAtTheEdges(t *testing.T) {
	from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	amendedAt := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	suspendedAt, reinstatedAt := time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 8, 2, 0, 0, 0, 0, time.UTC)
	limited := frPursuit()
	limited.Validity = agreement.Validity{From: from, Until: until}
	wider := limited
	wider.Limits.DistanceKm = 20
	decl := frDeclaration(t,
		&agreement.ProvisionRecorded{Agreement: "fr-art41", Provision: "pursuit-2025", Terms: limited},
		&agreement.ProvisionAmended{Agreement: "fr-art41", Provision: "pursuit-2025", Version: 2, EffectiveAt: amendedAt, Terms: wider},
		&agreement.ProvisionSuspended{Agreement: "fr-art41", Provision: "pursuit-2025", EffectiveAt: suspendedAt, Reason: "strike"},
		&agreement.ProvisionReinstated{Agreement: "fr-art41", Provision: "pursuit-2025", EffectiveAt: reinstatedAt, Reason: "over"},
	)
	// Only the dated provision: the open-ended one would be as specific.
	decl.Provisions = decl.Provisions[1:]
	lib := agreement.NewLibrary(cisa(t), decl)
	ref := agreement.ProvisionRef{Agreement: "fr-art41", Provision: "pursuit-2025"}
	ns := time.Nanosecond
	tests := []struct {
		name    string
		at      time.Time
		reason  agreement.Reason // of the dated provision
		version int
		km      float64
	}{
		{"a nanosecond before its validity", from.Add(-ns), agreement.ReasonNotYetInForce, 0, 0},
		{"the first instant of its validity", from, agreement.ReasonInForce, 1, 10},
		{"a nanosecond before the amendment", amendedAt.Add(-ns), agreement.ReasonInForce, 1, 10},
		{"the instant the amendment takes effect", amendedAt, agreement.ReasonInForce, 2, 20},
		{"a nanosecond before the suspension", suspendedAt.Add(-ns), agreement.ReasonInForce, 2, 20},
		{"the instant of the suspension", suspendedAt, agreement.ReasonSuspended, 0, 0},
		{"the instant of the reinstatement", reinstatedAt, agreement.ReasonInForce, 2, 20},
		{"the last nanosecond of its validity", until.Add(-ns), agreement.ReasonInForce, 2, 20},
		{"the first instant after its validity", until, agreement.ReasonExpired, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := inForce(t, lib, fr, de, tt.at)
			i := slices.IndexFunc(res.Candidates, func(c agreement.Candidate) bool { return c.Ref == ref })
			if i < 0 {
				t.Fatalf("not a candidate: %+v", res)
			}
			if got := res.Candidates[i].Reason; got != tt.reason {
				t.Fatalf("reason %s, want %s (%s)", got, tt.reason, res.Explanation)
			}
			if tt.reason != agreement.ReasonInForce {
				if res.Provision.Ref != art41Ref {
					t.Errorf("while the dated provision does not apply, %s governs, want the treaty", res.Provision.Ref)
				}
				return
			}
			if res.Provision.Ref != ref || res.Provision.Version != tt.version || res.Provision.Terms.Limits.DistanceKm != tt.km {
				t.Errorf("governs %s v%d with %g km, want %s v%d with %g km", res.Provision.Ref, res.Provision.Version,
					res.Provision.Terms.Limits.DistanceKm, ref, tt.version, tt.km)
			}
		})
	}
}

func TestInForceReasonsWhenNothingApplies(t *testing.T) {
	later := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	successor := agreement.ProvisionRef{Agreement: "sbc", Provision: "art41"}
	tests := []struct {
		name    string
		view    agreement.View
		at      time.Time
		reason  agreement.Reason
		explain string
	}{
		{"before the agreement entered into force", cisa(t), since1995.Add(-time.Hour), agreement.ReasonAgreementNotInForce,
			"in force only from 1995-03-26T00:00:00Z"},
		{"the agreement is suspended", cisa(t, &agreement.Suspended{Agreement: "cisa", EffectiveAt: later, Reason: "emergency"}),
			now, agreement.ReasonAgreementSuspended, "suspended since 2020-01-01T00:00:00Z (emergency)"},
		{"the agreement was superseded", cisa(t, &agreement.Superseded{Agreement: "cisa", EffectiveAt: later, By: "sbc", Reason: "recast"}),
			now, agreement.ReasonAgreementSuperseded, "superseded by sbc from 2020-01-01T00:00:00Z"},
		{"the provision was superseded", cisa(t, &agreement.ProvisionSuperseded{Agreement: "cisa", Provision: "art41",
			EffectiveAt: later, By: successor, Reason: "recast"}), now, agreement.ReasonSuperseded, "superseded by sbc/art41"},
		{"the provision is suspended", cisa(t, &agreement.ProvisionSuspended{Agreement: "cisa", Provision: "art41",
			EffectiveAt: later, Reason: "review"}), now, agreement.ReasonSuspended, "is suspended since 2020-01-01T00:00:00Z (review)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := inForce(t, agreement.NewLibrary(tt.view), de, fr, tt.at)
			if res.Found || res.Reason != tt.reason {
				t.Fatalf("resolution %v %s, want %s", res.Found, res.Reason, tt.reason)
			}
			if !strings.Contains(res.Explanation, tt.explain) || !strings.Contains(res.Explanation, "CISA Art. 41 (cisa/art41)") {
				t.Errorf("explanation %q, want it to say %q", res.Explanation, tt.explain)
			}
		})
	}
}

// TestCoverageFollowsAccession: a state that accedes is a party only from
// the amendment's effective time.
func TestCoverageFollowsAccession(t *testing.T) {
	accession := time.Date(2007, 12, 21, 0, 0, 0, 0, time.UTC)
	withPL := cisaTerms()
	withPL.Parties = []domain.StateCode{at, de, fr, nl, pl}
	lib := agreement.NewLibrary(cisa(t, &agreement.Amended{Agreement: "cisa", Version: 2, EffectiveAt: accession, Terms: withPL}))
	if res := inForce(t, lib, de, pl, accession.Add(-time.Second)); res.Reason != agreement.ReasonNoProvision {
		t.Errorf("before accession: %s", res.Explanation)
	}
	if res := inForce(t, lib, de, pl, accession); !res.Found || res.Provision.Ref != art41Ref {
		t.Errorf("at accession: %s", res.Explanation)
	}
}

func TestInForceAmbiguity(t *testing.T) {
	second := pursuit()
	second.Article = "Art. 41a"
	lib := agreement.NewLibrary(cisa(t, &agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art41a", Terms: second}))
	res := inForce(t, lib, de, fr, now)
	if !res.Found || res.Provision.Ref != art41Ref || !slices.Equal(res.Ambiguous, []agreement.ProvisionRef{{Agreement: "cisa", Provision: "art41a"}}) {
		t.Fatalf("resolution %+v", res)
	}
	if !strings.Contains(res.Explanation, "as specific and also in force") {
		t.Errorf("explanation %q does not mention the ambiguity", res.Explanation)
	}
}

func TestInForceQueries(t *testing.T) {
	lib := agreement.NewLibrary(cisa(t))
	res, err := lib.InForce(agreement.Query{Host: de, Sending: de, Action: agreement.ActionHotPursuit, At: now})
	if err != nil || res.Found || res.Reason != agreement.ReasonNotCrossBorder {
		t.Errorf("same state: %+v %v", res, err)
	}
	res, err = lib.InForce(agreement.Query{Host: de, Sending: fr, Action: agreement.ActionSurveillance, At: now})
	if err != nil || res.Reason != agreement.ReasonNoProvision || !strings.Contains(res.Explanation, "no recorded provision covers surveillance") {
		t.Errorf("an action no provision governs: %+v %v", res, err)
	}
	_, err = lib.InForce(agreement.Query{Action: "arrest"})
	var v *domain.ValidationError
	if !errors.As(err, &v) || len(v.Problems) != 4 {
		t.Errorf("an empty query: %v, want four problems", err)
	}
	res = inForce(t, lib, de, fr, now)
	ref, err := res.Provision.LegalRef()
	if err != nil || ref.String() != "CISA Art. 41" {
		t.Errorf("legal reference %q %v", ref, err)
	}
}

func TestUnrecordedAgreementsAreIgnored(t *testing.T) {
	lib := agreement.NewLibrary(agreement.New("cisa").View())
	if res := inForce(t, lib, de, fr, now); res.Reason != agreement.ReasonNoProvision {
		t.Errorf("resolution %+v", res)
	}
}

func TestRefinementOfWhatIsNotInForceIsExplained(t *testing.T) {
	lib := agreement.NewLibrary(frDeclaration(t), cisa(t, &agreement.ProvisionSuspended{Agreement: "cisa", Provision: "art41",
		EffectiveAt: now.Add(-time.Hour), Reason: "review"}))
	res := inForce(t, lib, fr, de, now)
	want := "FR declaration Art. 41(9) CISA Point 2 (fr-art41/pursuit) refines cisa/art41, which is not in force (suspended)"
	if res.Found || !strings.Contains(res.Explanation, want) {
		t.Errorf("explanation %q, want it to say %q", res.Explanation, want)
	}
}

func TestInForceByAuthorisationMode(t *testing.T) {
	prior := pursuit()
	prior.Action, prior.Article = agreement.ActionSurveillance, "Art. 40(1)"
	prior.Authorisation = agreement.Authorisation{Mode: agreement.AuthorisationPrior}
	urgent := prior
	urgent.Article = "Art. 40(2)"
	urgent.Authorisation = agreement.Authorisation{Mode: agreement.AuthorisationUrgent, DueWithinMinutes: 300}
	lib := agreement.NewLibrary(view(t, "cisa", cisaRecorded(),
		&agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art40-1", Terms: prior},
		&agreement.ProvisionRecorded{Agreement: "cisa", Provision: "art40-2", Terms: urgent}))
	tests := []struct {
		name      string
		mode      agreement.AuthorisationMode
		want      agreement.Key
		ambiguous int
	}{
		{"authorised beforehand", agreement.AuthorisationPrior, "art40-1", 0},
		{"urgent", agreement.AuthorisationUrgent, "art40-2", 0},
		{"either", "", "art40-1", 1},
	}
	for _, tt := range tests {
		res, err := lib.InForce(agreement.Query{Host: de, Sending: fr, Action: agreement.ActionSurveillance, At: now, Authorisation: tt.mode})
		if err != nil || !res.Found || res.Provision.Ref.Provision != tt.want || len(res.Ambiguous) != tt.ambiguous {
			t.Errorf("%s: %+v %v", tt.name, res, err)
		}
	}
	if _, err := lib.InForce(agreement.Query{Host: de, Sending: fr, Action: agreement.ActionSurveillance, At: now,
		Authorisation: "maybe"}); !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("an unknown mode: %v", err)
	}
}
