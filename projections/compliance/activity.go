package compliance

import (
	"fmt"
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/projections"
)

// cross records an activity's first crossing into a host, judges it (c)
// and schedules its deadlines: the notification (g), the urgent
// surveillance's authorisation (e) and the pursuit's time limit (d).
func (p *Policy) cross(f *fact, act *activity) {
	at := p.crossedAt(f)
	act.Crossed, act.Host, act.CrossedAt, act.CrossedBy = true, f.loc.State, at, f.ref
	mode := agreement.AuthorisationMode("")
	if act.Action == agreement.ActionSurveillance {
		mode = agreement.AuthorisationPrior
		if act.Urgent {
			mode = agreement.AuthorisationUrgent
		}
	}
	g, res := p.governing(act.Host, f.sending, act.Action, mode, at)
	if g == nil {
		p.raise(f.header.OperationID, at, newFlag(flags.RuleNoProvision, f.header.UnitID, agreement.ProvisionRef{},
			fmt.Sprintf("The %s %s of unit %s crossed from %s into %s at %s with no provision in force: %s",
				act.Action, act.ID, f.header.UnitID, f.sending, act.Host, at.Format(time.RFC3339), res.Explanation),
			f.ref), f.header.ReportID)
		return
	}
	act.Governing = g
	p.judgeScope(f, act, g)
	p.judgeMode(f, g)
	op, unit := f.header.OperationID, f.header.UnitID
	if due, ok := g.Terms.Notification.Deadline(at); ok {
		due = due.Add(p.cfg.ClockSkew)
		if !f.unit.notified(act, due) {
			p.schedule(deadlineKey(flags.RuleNotificationMissing, act.ID), op, due, newFlag(flags.RuleNotificationMissing, unit, g.Ref,
				fmt.Sprintf("The %s %s crossed into %s at %s; %s requires notifying the host authority by %s, and no notification was reported by then.",
					act.Action, act.ID, act.Host, at.Format(time.RFC3339), cite(g), due.Format(time.RFC3339)),
				act.CrossedBy))
		}
	}
	if act.Action == agreement.ActionSurveillance && act.Urgent && !act.Authorised {
		limit, ok := g.Terms.Authorisation.Due()
		if !ok || limit <= 0 {
			limit = p.cfg.SurveillanceDue
		}
		due := at.Add(limit)
		p.schedule(deadlineKey(flags.RuleSurveillanceExpired, act.ID), op, due, newFlag(flags.RuleSurveillanceExpired, unit, g.Ref,
			fmt.Sprintf("The urgent surveillance %s crossed into %s at %s and went on beyond %s without the host's authorisation; %s.",
				act.ID, act.Host, at.Format(time.RFC3339), due.Format(time.RFC3339), cite(g)),
			act.CrossedBy))
	}
	if limit, ok := g.Terms.Limits.Duration(); ok && act.Action == agreement.ActionHotPursuit {
		due := at.Add(limit)
		p.schedule(deadlineKey(flags.RulePursuitDuration, act.ID), op, due, newFlag(flags.RulePursuitDuration, unit, g.Ref,
			fmt.Sprintf("Pursuit %s crossed into %s at %s and had not ceased by %s; %s allows %d minutes.",
				act.ID, act.Host, at.Format(time.RFC3339), due.Format(time.RFC3339), cite(g), g.Terms.Limits.DurationMinutes),
			act.CrossedBy))
	}
}

// crossedAt is when the unit crossed: a border-crossing report's own time;
// else, when the previous position was in another state, the time
// interpolated along the straight path at the point where it left that
// state; else the report's time.
func (p *Policy) crossedAt(f *fact) time.Time {
	u := f.unit
	if f.crossing != nil || u.Last == nil || u.Stay == f.loc.State || !f.at.After(u.LastAt) {
		return f.at
	}
	c, ok := p.locator().Crossing(*u.Last, f.point)
	if !ok {
		return f.at
	}
	whole := geo.Distance(*u.Last, f.point)
	if whole <= 0 {
		return f.at
	}
	frac := min(geo.Distance(*u.Last, c.At)/whole, 1)
	return u.LastAt.Add(time.Duration(frac * float64(f.at.Sub(u.LastAt))))
}

// notified reports whether the unit notified the activity's host by
// (a notification naming the activity, or naming none).
func (u *unitState) notified(act *activity, by time.Time) bool {
	for _, n := range u.Notifications {
		if n.Host == act.Host && (n.Activity.IsZero() || n.Activity == act.ID) && !n.At.After(by) {
			return true
		}
	}
	return false
}

// followUp folds what a report means for the unit's activities and
// deadlines: notifications, authorisations and ends.
func (p *Policy) followUp(f *fact) {
	u := f.unit
	switch e := f.env.Event.Payload.(type) {
	case *fieldlog.HostNotified:
		n := notification{ID: e.Notification, Host: e.HostState, Activity: e.Activity, At: f.at, Ref: f.ref}
		u.Notifications = append(u.Notifications, n)
		for _, act := range u.Activities {
			if act.Crossed && act.Host == n.Host && (n.Activity.IsZero() || n.Activity == act.ID) {
				p.resolve(deadlineKey(flags.RuleNotificationMissing, act.ID), f.at, f.ref, "the host authority was notified in time")
			}
		}
	case *fieldlog.HostNotificationAcknowledged:
		if !e.Authorised {
			return
		}
		i := slices.IndexFunc(u.Notifications, func(n notification) bool { return n.ID == e.Notification })
		if i < 0 {
			return
		}
		n := u.Notifications[i]
		for _, act := range u.Activities {
			if act.Action == agreement.ActionSurveillance && (n.Activity == act.ID || n.Activity.IsZero() && act.Host == n.Host) {
				act.Authorised = true
				p.resolve(deadlineKey(flags.RuleSurveillanceExpired, act.ID), f.at, f.ref, "the host authorised the surveillance in time")
			}
		}
	case *fieldlog.SurveillanceHandedOver:
		p.end(f, e.Activity, false)
	case *fieldlog.SurveillanceEnded:
		p.end(f, e.Activity, e.Reason == fieldlog.EndRequestedByHost)
	case *fieldlog.PursuitCeased:
		p.end(f, e.Activity, e.Reason == fieldlog.CeaseHostRequest)
	case *fieldlog.PersonHandedOver:
		p.resolve(deadlineKey(flags.RuleHandoverLate, f.header.OperationID, f.header.UnitID, e.Subject), f.at, f.ref,
			"the person was handed over in time")
	case *fieldlog.PostActionReported:
		for _, id := range e.Activities {
			u.Reported = append(u.Reported, id)
			p.resolve(deadlineKey(flags.RulePostActionMissing, id), f.at, f.ref, "the post-action report was filed in time")
		}
	}
}

// end closes an activity: its pending deadlines resolve at the report's
// time (in time, or too late); the post-action report falls due; a stop
// the host requested is remembered.
func (p *Policy) end(f *fact, id domain.ActivityID, hostRequest bool) {
	u := f.unit
	i := slices.IndexFunc(u.Activities, func(a *activity) bool { return a.ID == id })
	if i < 0 {
		return
	}
	act := u.Activities[i]
	u.Activities = slices.Delete(u.Activities, i, i+1)
	p.resolve(deadlineKey(flags.RuleSurveillanceExpired, id), f.at, f.ref, "the surveillance ended in time")
	p.resolve(deadlineKey(flags.RulePursuitDuration, id), f.at, f.ref, "the pursuit ceased in time")
	u.Notifications = slices.DeleteFunc(u.Notifications, func(n notification) bool { return n.Activity == id })
	if !act.Crossed {
		return
	}
	if hostRequest {
		u.Stop = &stop{Host: act.Host, At: f.at, Ref: f.ref}
	}
	g := act.Governing
	if g == nil || slices.Contains(u.Reported, id) {
		return
	}
	if due, ok := g.Terms.Report.Deadline(f.at); ok {
		p.schedule(deadlineKey(flags.RulePostActionMissing, id), f.header.OperationID, due,
			newFlag(flags.RulePostActionMissing, f.header.UnitID, g.Ref,
				fmt.Sprintf("The %s %s in %s ended at %s; %s requires a post-action report by %s, and none covering it was filed.",
					act.Action, id, act.Host, f.at.Format(time.RFC3339), cite(g), due.Format(time.RFC3339)),
				act.CrossedBy, f.ref))
	}
}

// retract clears the flags whose evidence is the retracted report.
func (p *Policy) retract(env projections.Envelope, r *fieldlog.ReportRetracted) {
	for _, of := range p.d.Evidence[r.Retracts] {
		p.clear(of.Operation, env.Event.OccurredAt, of.Flag, refOf(env), "the report it rests on was retracted: "+r.Reason)
	}
	delete(p.d.Evidence, r.Retracts)
}
