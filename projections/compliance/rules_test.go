package compliance_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/projections"
)

// Helpers that add one report of the German unit.

func startPursuit(l *logBuilder, at time.Time, act domain.ActivityID, where geo.Point) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PursuitStarted{Header: h, PursuitStart: fieldlog.PursuitStart{Activity: act,
			Grounds: fieldlog.GroundsCaughtInAct, Offence: "robbery", Target: "grey van", Point: where}}
	})
}

func crossInto(l *logBuilder, at time.Time, act domain.ActivityID, to domain.StateCode) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.BorderCrossed{Header: h, BorderCrossing: fieldlog.BorderCrossing{From: de, To: to, Point: bend,
			Mode: fieldlog.ModeLand, Activity: act}}
	})
}

func notify(l *logBuilder, at time.Time, n uint64, act domain.ActivityID) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.HostNotified{Header: h, HostNotification: fieldlog.HostNotification{Notification: dt.Notification(n),
			HostState: fr, Authority: frA, Channel: fieldlog.ChannelPhone, Activity: act, Text: "crossing now"}}
	})
}

func cease(l *logBuilder, at time.Time, act domain.ActivityID, where geo.Point) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PursuitCeased{Header: h, PursuitCease: fieldlog.PursuitCease{Activity: act,
			Reason: fieldlog.CeaseTargetLost, Point: where}}
	})
}

func startSurveillance(l *logBuilder, at time.Time, act domain.ActivityID, urgent bool) projections.Envelope {
	mode := fieldlog.AuthorisationPrior
	if urgent {
		mode = fieldlog.AuthorisationUrgent
	}
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.SurveillanceStarted{Header: h, SurveillanceStart: fieldlog.SurveillanceStart{Activity: act,
			Target: "courier", Offence: "drug_trafficking", Authorisation: mode}}
	})
}

func endSurveillance(l *logBuilder, at time.Time, act domain.ActivityID) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.SurveillanceEnded{Header: h, SurveillanceEnd: fieldlog.SurveillanceEnd{Activity: act, Reason: fieldlog.EndCompleted}}
	})
}

func acknowledge(l *logBuilder, at time.Time, n uint64, authorised bool) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.HostNotificationAcknowledged{Header: h, HostAcknowledgement: fieldlog.HostAcknowledgement{
			Notification: dt.Notification(n), AcknowledgedBy: "CCPD Strasbourg", Authorised: authorised}}
	})
}

func apprehend(l *logBuilder, at time.Time, act domain.ActivityID, where geo.Point) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PersonApprehended{Header: h, Apprehension: fieldlog.Apprehension{Subject: dt.Subject(1),
			Grounds: "caught in the act", Activity: act, Point: where}}
	})
}

// scenario is a log after setUp, with the checks of what the policy said.
type scenario struct {
	name string
	// events are added after setUp; j locates test points.
	events func(l *logBuilder) []projections.Envelope
	// due, if set, is the time Due is called at after the events.
	due time.Time
	// want are the rules of the decisions, in order ("clear" for a clear).
	want []string
}

func runScenarios(t *testing.T, cases []scenario) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLog()
			envs := append(l.setUp(t), c.events(l)...)
			p, got := fold(t, envs)
			if !c.due.IsZero() {
				got = append(got, p.Due(c.due)...)
			}
			if !slices.Equal(rules(got), c.want) {
				t.Fatalf("decisions %v, want %v\n%+v", rules(got), c.want, got)
			}
		})
	}
}

var inDE = pt(48, 7.8)

func TestOperationRules(t *testing.T) {
	insideFR := pt(48, 6.5)
	edge := pt(46.5, 7.5) // on the area's southern edge: inside
	outside := pt(46.49, 7.5)
	runScenarios(t, []scenario{
		{name: "on the edge of the area is inside", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(deUnit, dt.At(time.Minute), edge)}
		}, want: []string{}},
		{name: "just outside the area, once per excursion", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{
				l.position(deUnit, dt.At(time.Minute), outside),
				l.position(deUnit, dt.At(2*time.Minute), outside),
				l.position(deUnit, dt.At(3*time.Minute), inDE),
				l.position(deUnit, dt.At(4*time.Minute), outside),
			}
		}, want: []string{string(flags.RuleOutsideArea), string(flags.RuleOutsideArea)}},
		{name: "the last instant of the period is inside", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(deUnit, periodEnd.Add(-time.Nanosecond), inDE)}
		}, want: []string{}},
		{name: "the end of the period is outside", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(deUnit, periodEnd, inDE), l.position(deUnit, periodEnd.Add(time.Minute), inDE)}
		}, want: []string{string(flags.RuleOutsidePeriod)}},
		{name: "a unit not attached, flagged once", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(stranger, dt.At(time.Minute), inDE), l.position(stranger, dt.At(2*time.Minute), inDE)}
		}, want: []string{string(flags.RuleUnitNotAttached)}},
		{name: "joint patrol abroad while its provision is in force", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(deUnit, jointUntil.Add(-time.Second), insideFR)}
		}, want: []string{}},
		{name: "joint patrol abroad from the instant its provision expires", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(deUnit, jointUntil, insideFR), l.position(deUnit, jointUntil.Add(time.Minute), insideFR)}
		}, want: []string{string(flags.RuleNoProvision)}},
		{name: "officers of a state no agreement covers", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(plUnit, dt.At(time.Minute), insideFR)}
		}, want: []string{string(flags.RuleNoProvision)}},
		{name: "at home is not cross-border", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{l.position(deUnit, jointUntil.Add(time.Hour), inDE)}
		}, want: []string{}},
	})
}

func TestPursuitRules(t *testing.T) {
	juris := jurisdiction(t)
	act := dt.Activity(1)
	start := dt.At(0)
	crossed := dt.At(time.Minute)
	pursuit := func(l *logBuilder, more ...func(*logBuilder) projections.Envelope) []projections.Envelope {
		envs := []projections.Envelope{
			startPursuit(l, start, act, inDE),
			crossInto(l, crossed, act, fr),
			notify(l, crossed, 1, act),
		}
		for _, m := range more {
			envs = append(envs, m(l))
		}
		return envs
	}
	at := func(lat, metres float64, after time.Duration) func(*logBuilder) projections.Envelope {
		return func(l *logBuilder) projections.Envelope {
			return l.position(deUnit, crossed.Add(after), westOf(t, juris, lat, metres))
		}
	}
	runScenarios(t, []scenario{
		{name: "9.9 km from the border", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l, at(48, 9900, 5*time.Minute))
		}, want: []string{}},
		{name: "10.1 km from the border, flagged once", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l, at(48, 10100, 5*time.Minute), at(48, 10200, 6*time.Minute))
		}, want: []string{string(flags.RulePursuitDistance)}},
		{name: "crossing where the border bends: 9.9 km from the border, 14 km from the crossing", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l, at(47.9, 9900, 5*time.Minute))
		}, want: []string{}},
		{name: "ceased at 59 minutes", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l, func(l *logBuilder) projections.Envelope {
				return cease(l, crossed.Add(59*time.Minute), act, westOf(t, juris, 48, 5000))
			})
		}, due: crossed.Add(2 * time.Hour), want: []string{}},
		{name: "ceased at 61 minutes", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l, func(l *logBuilder) projections.Envelope {
				return cease(l, crossed.Add(61*time.Minute), act, westOf(t, juris, 48, 5000))
			})
		}, want: []string{string(flags.RulePursuitDuration)}},
		{name: "time limit passes with no new event", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l)
		}, due: crossed.Add(61 * time.Minute), want: []string{string(flags.RulePursuitDuration)}},
		{name: "time limit not yet passed", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l)
		}, due: crossed.Add(60 * time.Minute), want: []string{}},
		{name: "apprehension where the provision allows none", events: func(l *logBuilder) []projections.Envelope {
			return pursuit(l, func(l *logBuilder) projections.Envelope {
				return apprehend(l, crossed.Add(5*time.Minute), act, westOf(t, juris, 48, 2000))
			})
		}, want: []string{string(flags.RuleApprehension)}},
		{name: "holding a person on a joint patrol that allows it", events: func(l *logBuilder) []projections.Envelope {
			return []projections.Envelope{apprehend(l, dt.At(time.Minute), domain.ActivityID{}, westOf(t, juris, 48, 2000))}
		}, want: []string{}},
	})
}

func TestNotificationRule(t *testing.T) {
	act := dt.Activity(1)
	crossed := dt.At(time.Minute)
	skew := 2 * time.Minute // the default tolerance
	base := func(l *logBuilder) []projections.Envelope {
		return []projections.Envelope{startPursuit(l, dt.At(0), act, inDE), crossInto(l, crossed, act, fr)}
	}
	runScenarios(t, []scenario{
		{name: "notified before crossing", events: func(l *logBuilder) []projections.Envelope {
			return append([]projections.Envelope{startPursuit(l, dt.At(0), act, inDE), notify(l, dt.At(30*time.Second), 1, act)},
				crossInto(l, crossed, act, fr))
		}, due: crossed.Add(30 * time.Minute), want: []string{}},
		{name: "notified within the clock-skew tolerance", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l), notify(l, crossed.Add(skew), 1, act))
		}, due: crossed.Add(30 * time.Minute), want: []string{}},
		{name: "notified after the deadline", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l), notify(l, crossed.Add(skew+time.Second), 1, act))
		}, want: []string{string(flags.RuleNotificationMissing)}},
		{name: "never notified: the deadline fires with no new event", events: func(l *logBuilder) []projections.Envelope {
			return base(l)
		}, due: crossed.Add(skew + time.Nanosecond), want: []string{string(flags.RuleNotificationMissing)}},
		{name: "a notification delivered late but made in time clears the flag", events: func(l *logBuilder) []projections.Envelope {
			envs := base(l)
			// Another unit's report, recorded after the deadline, fires it…
			envs = append(envs, l.position(deUnit, crossed.Add(10*time.Minute), inDE))
			// …then the notification made at the crossing arrives.
			late := notify(l, crossed, 1, act)
			late.Event.RecordedAt = crossed.Add(11 * time.Minute)
			return append(envs, late)
		}, want: []string{string(flags.RuleNotificationMissing), "clear"}},
	})
}

func TestSurveillanceRule(t *testing.T) {
	juris := jurisdiction(t)
	act := dt.Activity(2)
	crossed := dt.At(time.Minute)
	base := func(l *logBuilder, urgent bool) []projections.Envelope {
		return []projections.Envelope{startSurveillance(l, dt.At(0), act, urgent), notify(l, dt.At(30*time.Second), 1, act),
			crossInto(l, crossed, act, fr)}
	}
	runScenarios(t, []scenario{
		{name: "ended at 4 h 59 min", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l, true), endSurveillance(l, crossed.Add(4*time.Hour+59*time.Minute), act))
		}, due: crossed.Add(6 * time.Hour), want: []string{}},
		{name: "ended at 5 h 01 min", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l, true), endSurveillance(l, crossed.Add(5*time.Hour+time.Minute), act))
		}, want: []string{string(flags.RuleSurveillanceExpired)}},
		{name: "still going at 5 h 01 min, no new event", events: func(l *logBuilder) []projections.Envelope {
			return base(l, true)
		}, due: crossed.Add(5*time.Hour + time.Minute), want: []string{string(flags.RuleSurveillanceExpired)}},
		{name: "still going at 4 h 59 min", events: func(l *logBuilder) []projections.Envelope {
			return base(l, true)
		}, due: crossed.Add(4*time.Hour + 59*time.Minute), want: []string{}},
		{name: "authorised at 4 h", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l, true), acknowledge(l, crossed.Add(4*time.Hour), 1, true),
				l.position(deUnit, crossed.Add(7*time.Hour), westOf(t, juris, 48, 3000)))
		}, due: crossed.Add(8 * time.Hour), want: []string{}},
		{name: "acknowledged without authorisation", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l, true), acknowledge(l, crossed.Add(4*time.Hour), 1, false))
		}, due: crossed.Add(8 * time.Hour), want: []string{string(flags.RuleSurveillanceExpired)}},
		{name: "a surveillance authorised beforehand, with no provision for that mode", events: func(l *logBuilder) []projections.Envelope {
			return base(l, false)
		}, want: []string{string(flags.RuleNoProvision)}},
	})
}

func TestRetractionClearsItsFlags(t *testing.T) {
	l := newLog()
	envs := l.setUp(t)
	out := l.position(deUnit, dt.At(time.Minute), pt(46.49, 7.5))
	retract := l.field(deUnit, deA, dt.At(2*time.Minute), func(h fieldlog.Header) domain.Payload {
		return &fieldlog.ReportRetracted{ReportID: h.ReportID, OperationID: opID, UnitID: deUnit,
			Retracts: out.Event.Payload.(*fieldlog.PositionReported).ReportID, Reason: "GPS glitch"}
	})
	_, got := fold(t, append(envs, out, retract))
	if !slices.Equal(rules(got), []string{string(flags.RuleOutsideArea), "clear"}) {
		t.Fatalf("decisions %v", rules(got))
	}
	if got[0].Flag.ID != got[1].Flag.ID || got[1].Reason == "" || len(got[1].Evidence) != 1 {
		t.Errorf("the clear does not name the flag with evidence and reason: %+v", got[1])
	}
}

// TestFlagsCiteTheirProvisionAndTime: a flag names the provision breached,
// its evidence, and — for a deadline — the deadline as its time.
func TestFlagsCiteTheirProvisionAndTime(t *testing.T) {
	juris := jurisdiction(t)
	pursuit, watch := dt.Activity(1), dt.Activity(2)
	crossed := dt.At(time.Minute)
	l := newLog()
	envs := append(l.setUp(t),
		startPursuit(l, dt.At(0), pursuit, inDE),
		crossInto(l, crossed, pursuit, fr),
		notify(l, crossed, 1, pursuit),
	)
	far := l.position(deUnit, crossed.Add(5*time.Minute), westOf(t, juris, 48, 10100))
	envs = append(envs, far,
		cease(l, crossed.Add(6*time.Minute), pursuit, westOf(t, juris, 48, 10100)),
		startSurveillance(l, crossed.Add(time.Hour), watch, true),
		notify(l, crossed.Add(time.Hour), 2, watch),
	)
	watchCrossed := crossed.Add(time.Hour + time.Minute)
	watchCrossing := crossInto(l, watchCrossed, watch, fr)
	envs = append(envs, watchCrossing)
	p, got := fold(t, envs)
	got = append(got, p.Due(watchCrossed.Add(6*time.Hour))...)

	distance := only(got, flags.RulePursuitDistance)
	if len(distance) != 1 {
		t.Fatalf("distance flags: %v", rules(got))
	}
	if d := distance[0]; d.Flag.Provision != art41 || d.At != far.Event.OccurredAt ||
		!slices.Equal(d.Flag.Evidence, []flags.EventRef{{Stream: far.Stream, Revision: far.Revision, Report: reportOf(far)}}) ||
		!strings.Contains(d.Flag.Explanation, "10.10 km") || d.Flag.Language != "en" || d.Operation != opID || d.Flag.Unit != deUnit {
		t.Errorf("distance flag: %+v", d)
	}
	expired := only(got, flags.RuleSurveillanceExpired)
	if len(expired) != 1 {
		t.Fatalf("surveillance flags: %v", rules(got))
	}
	if e := expired[0]; e.Flag.Provision != art40Urgent || !e.At.Equal(watchCrossed.Add(5*time.Hour)) ||
		e.Flag.Evidence[0] != (flags.EventRef{Stream: watchCrossing.Stream, Revision: watchCrossing.Revision, Report: reportOf(watchCrossing)}) {
		t.Errorf("surveillance flag: %+v", e)
	}
}

// reportOf is the ID of the field report env records.
func reportOf(env projections.Envelope) domain.ReportID {
	return env.Event.Payload.(fieldlog.Report).Head().ReportID
}
