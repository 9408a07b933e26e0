package agreement_test

import (
	"math"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// TestProvisionTermsValidation breaks one rule of the terms at a time and
// checks that recording the provision names exactly that field.
func TestProvisionTermsValidation(t *testing.T) {
	m := meta(t)
	tests := []struct {
		name   string
		change func(*agreement.ProvisionTerms)
		field  string
	}{
		{"article blank", func(p *agreement.ProvisionTerms) { p.Article = " " }, "terms.article"},
		{"title blank", func(p *agreement.ProvisionTerms) { p.Title = "" }, "terms.title"},
		{"text with control characters", func(p *agreement.ProvisionTerms) { p.Text = "a\x00b" }, "terms.text"},
		{"unknown action", func(p *agreement.ProvisionTerms) { p.Action = "arrest" }, "terms.action"},
		{"host listed twice", func(p *agreement.ProvisionTerms) { p.Hosts = []domain.StateCode{de, de} }, "terms.hosts[1]"},
		{"zero sending state", func(p *agreement.ProvisionTerms) { p.Senders = []domain.StateCode{{}} }, "terms.senders[0]"},
		{"refines an incomplete reference", func(p *agreement.ProvisionTerms) { p.Refines = agreement.ProvisionRef{Agreement: "cisa"} },
			"terms.refines.provision"},
		{"unknown offence scope", func(p *agreement.ProvisionTerms) { p.Offences = agreement.Offences{Kind: "serious"} }, "terms.offences.kind"},
		{"listed scope without offences", func(p *agreement.ProvisionTerms) { p.Offences.Listed = nil }, "terms.offences.listed"},
		{"extraditable scope with a list", func(p *agreement.ProvisionTerms) { p.Offences.Kind = agreement.OffencesExtraditable },
			"terms.offences.listed"},
		{"an offence listed twice, spelt differently", func(p *agreement.ProvisionTerms) {
			p.Offences.Listed = []string{"vehicle_theft", "Vehicle theft"}
		}, "terms.offences.listed[1]"},
		{"unknown authorisation mode", func(p *agreement.ProvisionTerms) { p.Authorisation.Mode = "maybe" }, "terms.authorisation.mode"},
		{"urgent without a deadline", func(p *agreement.ProvisionTerms) {
			p.Authorisation = agreement.Authorisation{Mode: agreement.AuthorisationUrgent}
		}, "terms.authorisation.due_within_minutes"},
		{"a deadline without urgency", func(p *agreement.ProvisionTerms) { p.Authorisation.DueWithinMinutes = 300 },
			"terms.authorisation.due_within_minutes"},
		{"unknown notification deadline", func(p *agreement.ProvisionTerms) { p.Notification.When = "later" }, "terms.notification.when"},
		{"notify within without minutes", func(p *agreement.ProvisionTerms) { p.Notification.When = agreement.NotifyWithin },
			"terms.notification.within_minutes"},
		{"minutes without within", func(p *agreement.ProvisionTerms) { p.Notification.WithinMinutes = 30 },
			"terms.notification.within_minutes"},
		{"notify an unknown contact point", func(p *agreement.ProvisionTerms) { p.Notification.ContactPoint = "press" },
			"terms.notification.contact_point"},
		{"no notification, but a contact point", func(p *agreement.ProvisionTerms) {
			p.Notification = agreement.Notification{When: agreement.NotifyNone, ContactPoint: agency.PurposeLiaison}
		}, "terms.notification.contact_point"},
		{"negative distance", func(p *agreement.ProvisionTerms) { p.Limits.DistanceKm = -1 }, "terms.limits.distance_km"},
		{"NaN distance", func(p *agreement.ProvisionTerms) { p.Limits.DistanceKm = math.NaN() }, "terms.limits.distance_km"},
		{"distance beyond reason", func(p *agreement.ProvisionTerms) { p.Limits.DistanceKm = 5000 }, "terms.limits.distance_km"},
		{"negative duration", func(p *agreement.ProvisionTerms) { p.Limits.DurationMinutes = -5 }, "terms.limits.duration_minutes"},
		{"unknown apprehension", func(p *agreement.ProvisionTerms) { p.Apprehension = "arrest" }, "terms.apprehension"},
		{"handover without apprehension", func(p *agreement.ProvisionTerms) {
			p.Handover = agreement.Handover{WithinMinutes: 360}
		}, "terms.handover"},
		{"handover limit of zero", func(p *agreement.ProvisionTerms) {
			p.Apprehension = agreement.ApprehensionHold
			p.Handover = agreement.Handover{UncountedFrom: "00:00", UncountedUntil: "09:00", Zone: "Europe/Paris"}
		}, "terms.handover.within_minutes"},
		{"handover window of no length", func(p *agreement.ProvisionTerms) {
			p.Apprehension = agreement.ApprehensionHold
			p.Handover = agreement.Handover{WithinMinutes: 360, UncountedFrom: "09:00", UncountedUntil: "09:00", Zone: "Europe/Paris"}
		}, "terms.handover.uncounted_until"},
		{"handover window at 24:00", func(p *agreement.ProvisionTerms) {
			p.Apprehension = agreement.ApprehensionHold
			p.Handover = agreement.Handover{WithinMinutes: 360, UncountedFrom: "24:00", UncountedUntil: "09:00", Zone: "Europe/Paris"}
		}, "terms.handover.uncounted_from"},
		{"handover window without zone", func(p *agreement.ProvisionTerms) {
			p.Apprehension = agreement.ApprehensionHold
			p.Handover = agreement.Handover{WithinMinutes: 360, UncountedFrom: "00:00", UncountedUntil: "09:00"}
		}, "terms.handover.zone"},
		{"zone without a window", func(p *agreement.ProvisionTerms) {
			p.Apprehension = agreement.ApprehensionHold
			p.Handover = agreement.Handover{WithinMinutes: 360, Zone: "Europe/Paris"}
		}, "terms.handover.zone"},
		{"no modes", func(p *agreement.ProvisionTerms) { p.Modes = nil }, "terms.modes"},
		{"unknown mode", func(p *agreement.ProvisionTerms) { p.Modes = []agreement.Mode{"rail"} }, "terms.modes[0]"},
		{"mode listed twice", func(p *agreement.ProvisionTerms) { p.Modes = []agreement.Mode{"land", "land"} }, "terms.modes[1]"},
		{"unknown weapons rule", func(p *agreement.ProvisionTerms) { p.Weapons = "any" }, "terms.weapons"},
		{"report deadline without a report", func(p *agreement.ProvisionTerms) {
			p.Report = agreement.Report{WithinMinutes: 60}
		}, "terms.report.within_minutes"},
		{"blank condition", func(p *agreement.ProvisionTerms) { p.Conditions = []string{"no entry into homes", ""} }, "terms.conditions[1]"},
		{"no validity start", func(p *agreement.ProvisionTerms) { p.Validity.From = p.Validity.Until }, "terms.validity.from"},
		{"validity ending before it starts", func(p *agreement.ProvisionTerms) { p.Validity.Until = since1995 }, "terms.validity.until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			terms := pursuit()
			tt.change(&terms)
			r := dt.Given(t, agreement.New("cisa"), cisaRecorded()).
				When(func(a *agreement.Agreement) error { return a.RecordProvision(m, "art41", terms) }).
				ThenInvalid(tt.field)
			var v *domain.ValidationError
			if errorAs(r.Err(), &v) && len(v.Problems) != 1 {
				t.Errorf("want exactly one problem, got %v", r.Err())
			}
		})
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		key   string
		valid bool
	}{
		{"cisa", true}, {"art41", true}, {"art40.2-urgent", true}, {"fr-art41-2003", true}, {"a1", true},
		{"a", false}, {"", false}, {"CISA", false}, {"art 41", false}, {"-cisa", false}, {"cisa-", false},
		{"art--41", false}, {"art.-41", false}, {"ärt41", false}, {string(make([]byte, 65)), false},
	}
	for _, tt := range tests {
		k, err := agreement.ParseKey(tt.key)
		if (err == nil) != tt.valid {
			t.Errorf("ParseKey(%q) = %q, %v; want valid=%v", tt.key, k, err, tt.valid)
		}
	}
}

func TestLanguageTags(t *testing.T) {
	m := meta(t)
	tests := []struct {
		tag   string
		valid bool
	}{
		{"en", true}, {"de-AT", true}, {"fra", true}, {"sr-Latn-RS", true}, {"de-1996", true},
		{"", false}, {"e", false}, {"english", false}, {"de_AT", false}, {"de-", false}, {"1e", false}, {"de-toolongsubtag", false},
	}
	for _, tt := range tests {
		terms := cisaTerms()
		terms.Language = tt.tag
		err := agreement.New("cisa").Record(m, agreement.KindMultilateral, terms)
		if (err == nil) != tt.valid {
			t.Errorf("language %q: %v; want valid=%v", tt.tag, err, tt.valid)
		}
	}
}

func TestOffencesCovers(t *testing.T) {
	listed := agreement.Offences{Kind: agreement.OffencesListed, Listed: []string{"drug_trafficking", "murder"}}
	tests := []struct {
		name    string
		scope   agreement.Offences
		offence string
		want    bool
	}{
		{"listed, exactly", listed, "murder", true},
		{"listed, spelt with spaces and capitals", listed, " Drug Trafficking ", true},
		{"listed, spelt with a hyphen", listed, "drug-trafficking", true},
		{"not listed", listed, "shoplifting", false},
		{"extraditable covers what it names", agreement.Offences{Kind: agreement.OffencesExtraditable}, "fraud", true},
		{"any", agreement.Offences{Kind: agreement.OffencesAny}, "anything", true},
	}
	for _, tt := range tests {
		if got := tt.scope.Covers(tt.offence); got != tt.want {
			t.Errorf("%s: Covers(%q) = %v", tt.name, tt.offence, got)
		}
	}
}
