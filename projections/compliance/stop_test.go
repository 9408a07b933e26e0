package compliance_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/compliance"
)

// TestHostStopRule: France asks the German unit (or every foreign unit)
// to stop at 10:00; an apprehension in France exactly at the clock-skew
// tolerance after it is not held against the unit, one a second later is,
// once; one in Germany is not; the request stands after the unit left
// France and came back.
func TestHostStopRule(t *testing.T) {
	juris := jurisdiction(t)
	asked := dt.At(time.Hour)
	skew := compliance.DefaultClockSkew // testConfig leaves it to the default
	inFR := westOf(t, juris, 48, 2000)
	request := func(l *logBuilder, units ...domain.UnitID) projections.Envelope {
		return l.add(flags.Stream(opID), domain.Actor{Agency: frA}, asked, &flags.StopRequested{OperationID: opID, Host: fr,
			Agency: frA, Units: units, Reason: "the suspect is in French custody"})
	}
	after := func(units []domain.UnitID, steps ...func(*testing.T, *logBuilder) projections.Envelope) func(*testing.T, *logBuilder, []projections.Envelope) []projections.Envelope {
		return func(t *testing.T, l *logBuilder, _ []projections.Envelope) []projections.Envelope {
			envs := []projections.Envelope{l.position(deUnit, asked.Add(-time.Minute), inFR), request(l, units...)}
			for _, s := range steps {
				envs = append(envs, s(t, l))
			}
			return envs
		}
	}
	at := func(d time.Duration, inFrance bool) func(*testing.T, *logBuilder) projections.Envelope {
		return func(_ *testing.T, l *logBuilder) projections.Envelope {
			where := inDE
			if inFrance {
				where = inFR
			}
			return apprehend(l, asked.Add(d), domain.ActivityID{}, where)
		}
	}
	move := func(d time.Duration, inFrance bool) func(*testing.T, *logBuilder) projections.Envelope {
		return func(_ *testing.T, l *logBuilder) projections.Envelope {
			where := inDE
			if inFrance {
				where = inFR
			}
			return l.position(deUnit, asked.Add(d), where)
		}
	}
	stopped := []string{string(flags.RuleActionAfterStop)}
	named := []domain.UnitID{deUnit}
	runScope(t, []scopeScenario{
		{name: "an apprehension in France at the tolerance", events: after(named, at(skew, true)), want: []string{}},
		{name: "an apprehension in France a second later, and another", events: after(named, at(skew+time.Second, true),
			at(skew+time.Minute, true)), want: stopped},
		{name: "every foreign unit asked to stop", events: after(nil, at(skew+time.Second, true)), want: stopped},
		{name: "another unit asked to stop", events: after([]domain.UnitID{plUnit}, at(skew+time.Second, true)), want: []string{}},
		{name: "an apprehension in Germany", events: after(named, move(time.Minute, false), at(skew+time.Second, false)), want: []string{}},
		{name: "back in France later: the request stands", events: after(named, move(time.Minute, false), move(time.Hour, true),
			at(2*time.Hour, true)), want: stopped},
	})
}
