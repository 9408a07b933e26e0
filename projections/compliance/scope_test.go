package compliance_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/compliance"
)

// amend records a new version of a provision of the fixtures' cisa,
// effective before every test event, with its terms changed by change.
func amend(l *logBuilder, provision agreement.Key, version int, terms agreement.ProvisionTerms, change func(*agreement.ProvisionTerms)) projections.Envelope {
	change(&terms)
	return l.add(agreement.Stream("cisa"), domain.Actor{Agency: deA}, dt.At(-time.Hour), &agreement.ProvisionAmended{
		Agreement: "cisa", Provision: provision, Version: version, EffectiveAt: dt.At(-30 * time.Minute), Terms: terms})
}

// provisionTerms returns the terms the fixtures recorded for provision.
func provisionTerms(t *testing.T, envs []projections.Envelope, provision agreement.Key) agreement.ProvisionTerms {
	t.Helper()
	for _, e := range envs {
		if r, ok := e.Event.Payload.(*agreement.ProvisionRecorded); ok && r.Provision == provision {
			return r.Terms
		}
	}
	t.Fatalf("no provision %s in the fixtures", provision)
	return agreement.ProvisionTerms{}
}

func pursueFor(l *logBuilder, at time.Time, act domain.ActivityID, offence string) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PursuitStarted{Header: h, PursuitStart: fieldlog.PursuitStart{Activity: act,
			Grounds: fieldlog.GroundsCaughtInAct, Offence: offence, Target: "grey van", Point: inDE}}
	})
}

func crossBy(l *logBuilder, at time.Time, act domain.ActivityID, mode fieldlog.Mode) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.BorderCrossed{Header: h, BorderCrossing: fieldlog.BorderCrossing{From: de, To: fr, Point: bend,
			Mode: mode, Activity: act}}
	})
}

func force(l *logBuilder, at time.Time, kind fieldlog.ForceKind, where geo.Point) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.ForceUsed{Header: h, UseOfForce: fieldlog.UseOfForce{Kind: kind, Description: "used", Point: &where}}
	})
}

// scopeScenario is a scenario whose events may amend the fixtures'
// provisions first.
type scopeScenario struct {
	name   string
	events func(t *testing.T, l *logBuilder, fixtures []projections.Envelope) []projections.Envelope
	want   []string
}

// runScope runs each scenario, then checks that folding its log twice,
// and with a restart from a snapshot after every event, decides the same
// and raises no flag twice.
func runScope(t *testing.T, cases []scopeScenario) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLog()
			envs := l.setUp(t)
			envs = append(envs, c.events(t, l, envs)...)
			_, got := fold(t, envs)
			if r := rules(got); !reflect.DeepEqual(r, c.want) {
				t.Fatalf("decisions %v, want %v\n%+v", r, c.want, got)
			}
			_, again := fold(t, envs)
			restarted := foldRestarting(t, envs)
			if !reflect.DeepEqual(got, again) || !reflect.DeepEqual(got, restarted) {
				t.Fatalf("replays differ:\n%v\n%v\n%v", rules(got), rules(again), rules(restarted))
			}
			seen := map[flags.FlagID]bool{}
			for _, d := range got {
				if d.Action == compliance.Raise && seen[d.Flag.ID] {
					t.Errorf("flag %s raised twice", d.Flag.ID)
				}
				seen[d.Flag.ID] = true
			}
		})
	}
}

// foldRestarting folds envs with a restart from a snapshot after each.
func foldRestarting(t *testing.T, envs []projections.Envelope) []compliance.Decision {
	t.Helper()
	var out []compliance.Decision
	p := dt.Must(compliance.New(testConfig()))
	for _, e := range envs {
		out = append(out, p.Apply(e)...)
		snap := dt.Must(p.MarshalBinary())
		p = dt.Must(compliance.New(testConfig()))
		if err := p.UnmarshalBinary(snap); err != nil {
			t.Fatalf("restore after %s: %v", e.Position, err)
		}
	}
	return out
}

// TestOffenceScopeRule: a pursuit under a provision listing its offences
// is covered by "Robbery" (as listed, case and spaces aside) and not by
// "robbery with violence"; an unlisted offence crossing twice is flagged
// once.
func TestOffenceScopeRule(t *testing.T) {
	act := dt.Activity(1)
	listed := func(t *testing.T, l *logBuilder, fixtures []projections.Envelope) projections.Envelope {
		return amend(l, "art41", 2, provisionTerms(t, fixtures, "art41"), func(p *agreement.ProvisionTerms) {
			p.Offences = agreement.Offences{Kind: agreement.OffencesListed, Listed: []string{"murder", "robbery"}}
		})
	}
	pursuit := func(offence string) func(*testing.T, *logBuilder, []projections.Envelope) []projections.Envelope {
		return func(t *testing.T, l *logBuilder, fx []projections.Envelope) []projections.Envelope {
			crossed := dt.At(time.Minute)
			return []projections.Envelope{listed(t, l, fx), pursueFor(l, dt.At(0), act, offence), crossInto(l, crossed, act, fr),
				notify(l, crossed, 1, act), l.position(deUnit, crossed.Add(time.Minute), bend)}
		}
	}
	runScope(t, []scopeScenario{
		{name: "a listed offence, named as people write it", events: pursuit("Robbery"), want: []string{}},
		{name: "an offence the list does not name", events: pursuit("robbery with violence"),
			want: []string{string(flags.RuleOffenceNotCovered)}},
		{name: "any offence where the scope is not a list", events: func(_ *testing.T, l *logBuilder, _ []projections.Envelope) []projections.Envelope {
			return []projections.Envelope{pursueFor(l, dt.At(0), act, "tobacco smuggling"), crossInto(l, dt.At(time.Minute), act, fr),
				notify(l, dt.At(time.Minute), 1, act)}
		}, want: []string{}},
	})
}

// TestModeRule: a pursuit under a land-only provision crossing by land,
// or seen crossing only from positions, is covered; by sea or by air it is
// flagged, once.
func TestModeRule(t *testing.T) {
	act := dt.Activity(1)
	crossed := dt.At(time.Minute)
	by := func(mode fieldlog.Mode) func(*testing.T, *logBuilder, []projections.Envelope) []projections.Envelope {
		return func(_ *testing.T, l *logBuilder, _ []projections.Envelope) []projections.Envelope {
			return []projections.Envelope{startPursuit(l, dt.At(0), act, inDE), crossBy(l, crossed, act, mode),
				notify(l, crossed, 1, act), l.position(deUnit, crossed.Add(time.Minute), bend)}
		}
	}
	runScope(t, []scopeScenario{
		{name: "by land", events: by(fieldlog.ModeLand), want: []string{}},
		{name: "by air", events: by(fieldlog.ModeAir), want: []string{string(flags.RuleModeNotCovered)}},
		{name: "by sea", events: by(fieldlog.ModeSea), want: []string{string(flags.RuleModeNotCovered)}},
		{name: "seen from positions only: by land", events: func(t *testing.T, l *logBuilder, _ []projections.Envelope) []projections.Envelope {
			juris := jurisdiction(t)
			return []projections.Envelope{l.position(deUnit, dt.At(0), inDE), startPursuit(l, dt.At(time.Second), act, inDE),
				l.position(deUnit, crossed, westOf(t, juris, 48.2, 500)), notify(l, crossed, 1, act)}
		}, want: []string{}},
	})
}

// TestWeaponsRule: on a joint patrol abroad whose provision lets foreign
// officers carry no service weapon, drawing a firearm or using a
// conducted-energy device is flagged and restraint is not; where weapons
// may be carried for self-defence, even a discharge is for the host to
// review; at home, nothing is judged.
func TestWeaponsRule(t *testing.T) {
	noWeapons := func(t *testing.T, l *logBuilder, fx []projections.Envelope) projections.Envelope {
		return amend(l, "art17", 2, provisionTerms(t, fx, "art17"), func(p *agreement.ProvisionTerms) {
			p.Weapons = agreement.WeaponsNotCarried
		})
	}
	on := func(kind fieldlog.ForceKind, unarmed bool, abroad bool) func(*testing.T, *logBuilder, []projections.Envelope) []projections.Envelope {
		return func(t *testing.T, l *logBuilder, fx []projections.Envelope) []projections.Envelope {
			where := inDE
			if abroad {
				where = westOf(t, jurisdiction(t), 48, 2000)
			}
			var envs []projections.Envelope
			if unarmed {
				envs = append(envs, noWeapons(t, l, fx))
			}
			return append(envs, l.position(deUnit, dt.At(0), where), force(l, dt.At(time.Minute), kind, where),
				force(l, dt.At(2*time.Minute), kind, where))
		}
	}
	weapon := []string{string(flags.RuleWeaponNotAllowed), string(flags.RuleWeaponNotAllowed)}
	runScope(t, []scopeScenario{
		{name: "restraint, no weapons allowed", events: on(fieldlog.ForceRestraint, true, true), want: []string{}},
		{name: "a firearm drawn, no weapons allowed", events: on(fieldlog.ForceFirearmDrawn, true, true), want: weapon},
		{name: "a conducted-energy device, no weapons allowed", events: on(fieldlog.ForceConductedEnergy, true, true), want: weapon},
		{name: "a firearm discharged, weapons for self-defence", events: on(fieldlog.ForceFirearmDischarged, false, true), want: []string{}},
		{name: "a firearm drawn at home", events: on(fieldlog.ForceFirearmDrawn, true, false), want: []string{}},
	})
}
