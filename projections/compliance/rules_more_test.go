package compliance_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/projections"
)

func handOver(l *logBuilder, at time.Time) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PersonHandedOver{Header: h, PersonHandover: fieldlog.PersonHandover{Subject: dt.Subject(1), ToAgency: frA}}
	})
}

func postAction(l *logBuilder, at time.Time, acts ...domain.ActivityID) projections.Envelope {
	return l.field(deUnit, deA, at, func(h fieldlog.Header) domain.Payload {
		return &fieldlog.PostActionReported{Header: h, PostAction: fieldlog.PostAction{Summary: "pursuit report", Activities: acts}}
	})
}

// TestHandoverRule: a person held on a joint patrol at 22:00 in Paris
// must be handed over within 6 h, midnight to 9:00 not counted: by 13:00
// the next day (12:00 UTC), not by 04:00.
func TestHandoverRule(t *testing.T) {
	juris := jurisdiction(t)
	held := dt.At(13 * time.Hour) // 21:00 UTC, 22:00 in Paris
	due := dt.At(28 * time.Hour)  // 12:00 UTC the next day, 13:00 in Paris
	base := func(l *logBuilder) []projections.Envelope {
		return []projections.Envelope{apprehend(l, held, domain.ActivityID{}, westOf(t, juris, 48, 2000))}
	}
	runScenarios(t, []scenario{
		{name: "handed over after six counted hours would have passed without the window", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l), handOver(l, held.Add(6*time.Hour+time.Minute)))
		}, due: due.Add(time.Hour), want: []string{}},
		{name: "handed over a minute before the deadline", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l), handOver(l, due.Add(-time.Minute)))
		}, due: due.Add(time.Hour), want: []string{}},
		{name: "handed over a minute after the deadline", events: func(l *logBuilder) []projections.Envelope {
			return append(base(l), handOver(l, due.Add(time.Minute)))
		}, want: []string{string(flags.RuleHandoverLate)}},
		{name: "not handed over, at the deadline", events: base, due: due, want: []string{}},
		{name: "not handed over, just after the deadline", events: base, due: due.Add(time.Nanosecond),
			want: []string{string(flags.RuleHandoverLate)}},
	})
}

func TestPostActionAndStopRules(t *testing.T) {
	juris := jurisdiction(t)
	act := dt.Activity(1)
	crossed := dt.At(time.Minute)
	ended := crossed.Add(30 * time.Minute)
	reportDue := ended.Add(24 * time.Hour)
	pursued := func(l *logBuilder) []projections.Envelope {
		return []projections.Envelope{startPursuit(l, dt.At(0), act, inDE), crossInto(l, crossed, act, fr), notify(l, crossed, 1, act)}
	}
	stopped := func(l *logBuilder) []projections.Envelope {
		return append(pursued(l), l.field(deUnit, deA, ended, func(h fieldlog.Header) domain.Payload {
			return &fieldlog.PursuitCeased{Header: h, PursuitCease: fieldlog.PursuitCease{Activity: act,
				Reason: fieldlog.CeaseHostRequest, Point: westOf(t, juris, 48, 3000)}}
		}))
	}
	runScenarios(t, []scenario{
		{name: "post-action report a minute before it is due", events: func(l *logBuilder) []projections.Envelope {
			return append(stopped(l), postAction(l, reportDue.Add(-time.Minute), act))
		}, due: reportDue.Add(time.Hour), want: []string{}},
		{name: "post-action report a minute late", events: func(l *logBuilder) []projections.Envelope {
			return append(stopped(l), postAction(l, reportDue.Add(time.Minute), act))
		}, want: []string{string(flags.RulePostActionMissing)}},
		{name: "no post-action report", events: stopped, due: reportDue.Add(time.Nanosecond),
			want: []string{string(flags.RulePostActionMissing)}},
		{name: "a report on another activity does not count", events: func(l *logBuilder) []projections.Envelope {
			return append(stopped(l), postAction(l, ended.Add(time.Hour), dt.Activity(99)))
		}, due: reportDue.Add(time.Nanosecond), want: []string{string(flags.RulePostActionMissing)}},
		{name: "driving home after the host's stop", events: func(l *logBuilder) []projections.Envelope {
			return append(stopped(l), l.position(deUnit, ended.Add(time.Minute), westOf(t, juris, 48, 1000)),
				l.position(deUnit, ended.Add(2*time.Minute), inDE), postAction(l, ended.Add(time.Hour), act))
		}, want: []string{}},
		{name: "an apprehension after the host's stop", events: func(l *logBuilder) []projections.Envelope {
			return append(stopped(l), apprehend(l, ended.Add(time.Minute), domain.ActivityID{}, westOf(t, juris, 48, 2500)),
				apprehend(l, ended.Add(2*time.Minute), domain.ActivityID{}, westOf(t, juris, 48, 2500)),
				postAction(l, ended.Add(time.Hour), act))
		}, want: []string{string(flags.RuleActionAfterStop)}},
		{name: "a new pursuit at home after the stop", events: func(l *logBuilder) []projections.Envelope {
			return append(stopped(l), l.position(deUnit, ended.Add(time.Minute), inDE),
				startPursuit(l, ended.Add(2*time.Minute), dt.Activity(3), inDE), postAction(l, ended.Add(time.Hour), act))
		}, want: []string{}},
	})
}
