package compliance

import (
	"fmt"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/projections"
)

// ruleOutsideArea (a): a located report outside the operation's area
// raises one flag per excursion; the unit is back in line when it reports
// from inside again.
func (p *Policy) ruleOutsideArea(f *fact) {
	if f.op == nil || f.op.Area.IsZero() || !f.located {
		return
	}
	if f.op.Area.Contains(f.point) {
		f.unit.OutsideArea = false
		return
	}
	if f.unit.OutsideArea {
		return
	}
	f.unit.OutsideArea = true
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleOutsideArea, f.header.UnitID, agreement.ProvisionRef{},
		fmt.Sprintf("Unit %s reported at %.5f, %.5f, outside the operation's area.", f.header.UnitID, f.point.Lat(), f.point.Lon()),
		f.ref), f.header.ReportID)
}

// ruleOutsidePeriod (a): a report that occurred outside the operation's
// period raises one flag per unit until it reports within the period.
func (p *Policy) ruleOutsidePeriod(f *fact) {
	if f.op == nil || f.op.Period.IsZero() {
		return
	}
	if f.op.Period.Contains(f.at) {
		f.unit.OutsidePeriod = false
		return
	}
	if f.unit.OutsidePeriod {
		return
	}
	f.unit.OutsidePeriod = true
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleOutsidePeriod, f.header.UnitID, agreement.ProvisionRef{},
		fmt.Sprintf("Unit %s reported an action at %s, outside the operation's period %s.",
			f.header.UnitID, f.at.Format(time.RFC3339), f.op.Period),
		f.ref), f.header.ReportID)
}

// ruleUnattached (b): a report from a unit not checked in to the
// operation raises one flag until the unit checks in.
func (p *Policy) ruleUnattached(f *fact) {
	if f.op == nil {
		return
	}
	if _, ok := f.op.Units[f.header.UnitID]; ok || f.unit.Unattached {
		return
	}
	f.unit.Unattached = true
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleUnitNotAttached, f.header.UnitID, agreement.ProvisionRef{},
		fmt.Sprintf("Unit %s, not attached to the operation, filed a %s report.", f.header.UnitID, f.env.Event.Type),
		f.ref), f.header.ReportID)
}

// ruleCrossBorder (c) judges an action abroad: an activity's first
// crossing into the host is judged against the provision in force then
// (and schedules its deadlines); any other stay abroad as a joint
// operation, once per stay. Without a provision in force, it flags.
func (p *Policy) ruleCrossBorder(f *fact) {
	if !f.abroad() {
		return
	}
	if act := f.unit.activityOf(namedActivity(f.env.Event.Payload)); act != nil {
		if !act.Crossed {
			p.cross(f, act)
		}
		return
	}
	if f.loc.State == f.unit.Stay && f.unit.Judged == agreement.ActionJointOperation {
		return
	}
	f.unit.Judged, f.judged = agreement.ActionJointOperation, agreement.ActionJointOperation
	g, res := p.governing(f.loc.State, f.sending, agreement.ActionJointOperation, "", f.at)
	if g != nil && f.crossing != nil {
		p.judgeMode(f, g)
	}
	if !res.Found {
		p.raise(f.header.OperationID, f.at, newFlag(flags.RuleNoProvision, f.header.UnitID, agreement.ProvisionRef{},
			fmt.Sprintf("Unit %s of %s acted in %s at %s with no provision in force: %s",
				f.header.UnitID, f.sending, f.loc.State, f.at.Format(time.RFC3339), res.Explanation),
			f.ref), f.header.ReportID)
	}
}

// rulePursuitDistance (d): a pursuit located farther from the host's
// border than its provision allows raises one flag per pursuit. 10 km of
// a 10 km limit is within (agreement.Limits.BeyondDistance).
func (p *Policy) rulePursuitDistance(f *fact) {
	act := f.unit.activityOf(namedActivity(f.env.Event.Payload))
	if act == nil || act.Action != agreement.ActionHotPursuit || !act.Crossed || act.Governing == nil || act.BeyondDistance ||
		!f.located || !f.inState || f.loc.State != act.Host || !f.loc.HasBorder {
		return
	}
	limits := act.Governing.Terms.Limits
	if !limits.BeyondDistance(f.loc.BorderDistance) {
		return
	}
	act.BeyondDistance = true
	p.raise(f.header.OperationID, f.at, newFlag(flags.RulePursuitDistance, f.header.UnitID, act.Governing.Ref,
		fmt.Sprintf("Pursuit %s went %.2f km from the border into %s; %s allows at most %g km.",
			act.ID, f.loc.BorderDistance/1000, act.Host, cite(act.Governing), limits.DistanceKm),
		f.ref), f.header.ReportID)
}

// ruleApprehension (f): an apprehension abroad under a provision that
// allows none. Without any provision, ruleCrossBorder has flagged it.
func (p *Policy) ruleApprehension(f *fact) {
	e, ok := f.env.Event.Payload.(*fieldlog.PersonApprehended)
	if !ok || !f.abroad() {
		return
	}
	g := p.apprehensionProvision(f, e)
	if g == nil || g.Terms.Apprehension != agreement.ApprehensionNone {
		return
	}
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleApprehension, f.header.UnitID, g.Ref,
		fmt.Sprintf("Unit %s apprehended subject %s in %s; %s gives foreign officers no right of apprehension.",
			f.header.UnitID, e.Subject, f.loc.State, cite(g)),
		f.ref), f.header.ReportID)
}

// apprehensionProvision is the provision an apprehension abroad falls
// under: its activity's, else the joint operation's in force then.
func (p *Policy) apprehensionProvision(f *fact, e *fieldlog.PersonApprehended) *agreement.Governing {
	if act := f.unit.activityOf(e.Activity); act != nil && act.Crossed {
		return act.Governing
	} else if act != nil {
		g, _ := p.governing(f.loc.State, f.sending, act.Action, "", f.at)
		return g
	}
	g, _ := p.governing(f.loc.State, f.sending, agreement.ActionJointOperation, "", f.at)
	return g
}

// ruleHandover (h) schedules the hand-over deadline of a person
// apprehended abroad under a provision with a hand-over limit, counted
// without the provision's uncounted daily window (CISA Art. 41(6): 6 h,
// 00:00–09:00 not counted).
func (p *Policy) ruleHandover(f *fact) {
	e, ok := f.env.Event.Payload.(*fieldlog.PersonApprehended)
	if !ok || !f.abroad() {
		return
	}
	g := p.apprehensionProvision(f, e)
	if g == nil || g.Terms.Apprehension != agreement.ApprehensionHold || g.Terms.Handover.IsZero() {
		return
	}
	h := g.Terms.Handover
	var loc *time.Location
	if h.HasWindow() {
		if p.cfg.Locations == nil {
			return
		}
		l, err := p.cfg.Locations(h.Zone)
		if err != nil {
			return
		}
		loc = l
	}
	due, ok, err := h.Deadline(f.at, loc)
	if err != nil || !ok {
		return
	}
	p.schedule(deadlineKey(flags.RuleHandoverLate, f.header.OperationID, f.header.UnitID, e.Subject), f.header.OperationID, due,
		newFlag(flags.RuleHandoverLate, f.header.UnitID, g.Ref,
			fmt.Sprintf("Subject %s, apprehended in %s at %s, was not reported handed over by %s; %s allows %d minutes%s.",
				e.Subject, f.loc.State, f.at.Format(time.RFC3339), due.Format(time.RFC3339), cite(g), h.WithinMinutes, window(h)),
			f.ref))
}

func window(h agreement.Handover) string {
	if !h.HasWindow() {
		return ""
	}
	return fmt.Sprintf(", %s–%s (%s) not counted", h.UncountedFrom, h.UncountedUntil, h.Zone)
}

// ruleActionAfterStop (h): once the host asked a unit to stop, a new
// action on that host's territory — starting a surveillance or pursuit,
// apprehending, seizing, using force — raises one flag. A stop the unit
// reported lapses when the unit is located outside that territory; one
// the host recorded (jointops.compliance.host_stop_requested) stands, and
// counts only actions more than the clock-skew tolerance after it.
func (p *Policy) ruleActionAfterStop(f *fact) {
	s := f.unit.Stop
	if s == nil {
		return
	}
	if !s.Standing && f.located && f.inState && f.loc.State != s.Host {
		f.unit.Stop = nil
		return
	}
	switch f.env.Event.Payload.(type) {
	case *fieldlog.SurveillanceStarted, *fieldlog.PursuitStarted, *fieldlog.PersonApprehended, *fieldlog.ItemSeized, *fieldlog.ForceUsed:
	default:
		return
	}
	early := f.at.Before(s.At)
	if s.Standing {
		early = !f.at.After(s.At.Add(p.cfg.ClockSkew))
	}
	inHost := f.located && f.inState && f.loc.State == s.Host || !f.located && f.unit.Stay == s.Host
	if s.Flagged || early || !inHost {
		return
	}
	s.Flagged = true
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleActionAfterStop, f.header.UnitID, agreement.ProvisionRef{},
		fmt.Sprintf("Unit %s reported a %s in %s at %s, after the host asked it to stop at %s.",
			f.header.UnitID, f.env.Event.Type, s.Host, f.at.Format(time.RFC3339), s.At.Format(time.RFC3339)),
		s.Ref, f.ref), f.header.ReportID)
}

// applyStop folds a host's request to stop: every unit it names, or every
// unit of the operation from another state, now has a standing stop.
func (p *Policy) applyStop(env projections.Envelope, e *flags.StopRequested) {
	op := p.d.Operations[e.OperationID]
	if op == nil || e.Host.IsZero() {
		return
	}
	units := e.Units
	if len(units) == 0 {
		for u, a := range op.Units {
			if st := p.d.Agencies[a]; !st.IsZero() && st != e.Host {
				units = append(units, u)
			}
		}
	}
	for _, u := range units {
		p.unit(e.OperationID, u).Stop = &stop{Host: e.Host, At: env.Event.OccurredAt, Ref: refOf(env), Standing: true}
	}
}

// governing asks the library which provision governs an action; g is nil
// when none does.
func (p *Policy) governing(host, sending domain.StateCode, action agreement.Action, mode agreement.AuthorisationMode,
	at time.Time) (*agreement.Governing, agreement.Resolution) {
	res, err := p.agreementsInForce().InForce(agreement.Query{Host: host, Sending: sending, Action: action, At: at, Authorisation: mode})
	if err != nil {
		return nil, agreement.Resolution{Reason: agreement.ReasonNoProvision, Explanation: err.Error()}
	}
	if !res.Found {
		return nil, res
	}
	g := res.Provision
	return &g, res
}
