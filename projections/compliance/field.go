package compliance

import (
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/projections"
)

// fact is one field report as the rules see it.
type fact struct {
	env     projections.Envelope
	ref     flags.EventRef
	at      time.Time
	header  fieldlog.Header
	op      *operationState // nil for an operation the log never proposed
	unit    *unitState
	sending domain.StateCode // zero when the unit's agency is unknown
	// point is where the report was made; loc where that is (inState
	// false at sea or outside every known state).
	point   geo.Point
	located bool
	loc     state.Location
	inState bool
	// crossing is set for a BorderCrossed report: the crossing's time is
	// exact, not interpolated.
	crossing *fieldlog.BorderCrossed
	// judged is the action ruleCrossBorder judged for a new stay.
	judged agreement.Action
}

// factRules returns the rules judged on every field report, in order of
// priority. Each is a pure function of the policy's state and the fact; it
// may raise flags, schedule deadlines and remember episodes.
func (p *Policy) factRules() []func(*fact) {
	return []func(*fact){
		p.ruleOutsideArea,
		p.ruleOutsidePeriod,
		p.ruleUnattached,
		p.ruleCrossBorder,
		p.rulePursuitDistance,
		p.ruleApprehension,
		p.ruleHandover,
		p.ruleActionAfterStop,
		p.ruleWeapons,
	}
}

// applyField folds a field report (or a retraction).
func (p *Policy) applyField(env projections.Envelope) {
	if r, ok := env.Event.Payload.(*fieldlog.ReportRetracted); ok {
		p.retract(env, r)
		return
	}
	rep, ok := env.Event.Payload.(fieldlog.Report)
	if !ok {
		return
	}
	h := rep.Head()
	f := &fact{env: env, ref: refOf(env), at: env.Event.OccurredAt, header: h, op: p.d.Operations[h.OperationID],
		unit: p.unit(h.OperationID, h.UnitID)}
	f.sending = p.sendingState(f.op, h.UnitID, env.Event.Actor)
	p.locate(f)
	p.startActivity(f)
	for _, rule := range p.rules {
		rule(f)
	}
	p.followUp(f)
	if f.located {
		pt := f.point
		f.unit.Last, f.unit.LastAt = &pt, f.at
		if f.loc.State != f.unit.Stay {
			f.unit.Stay, f.unit.Judged = f.loc.State, f.judged
		}
	}
}

// locate finds where the report was made, if it has a point.
func (p *Policy) locate(f *fact) {
	switch e := f.env.Event.Payload.(type) {
	case *fieldlog.BorderCrossed:
		// On the border line itself: it counts as in the state entered.
		f.point, f.located, f.crossing = e.Point, true, e
		f.loc, f.inState = state.Location{State: e.To}, true
		return
	case *fieldlog.PositionReported:
		f.point, f.located = e.Point, true
	case *fieldlog.PursuitStarted:
		f.point, f.located = e.Point, true
	case *fieldlog.PursuitCeased:
		f.point, f.located = e.Point, true
	case *fieldlog.PersonApprehended:
		f.point, f.located = e.Point, true
	case *fieldlog.SurveillanceStarted:
		f.point, f.located = deref(e.Point)
	case *fieldlog.SurveillanceHandedOver:
		f.point, f.located = deref(e.Point)
	case *fieldlog.SurveillanceEnded:
		f.point, f.located = deref(e.Point)
	case *fieldlog.PersonHandedOver:
		f.point, f.located = deref(e.Point)
	case *fieldlog.ItemSeized:
		f.point, f.located = deref(e.Point)
	case *fieldlog.ForceUsed:
		f.point, f.located = deref(e.Point)
	case *fieldlog.ObservationReported:
		f.point, f.located = deref(e.Point)
	}
	if f.located {
		f.loc, f.inState = p.locator().Locate(f.point)
	}
}

func deref(pt *geo.Point) (geo.Point, bool) {
	if pt == nil {
		return geo.Point{}, false
	}
	return *pt, true
}

// startActivity opens a surveillance or pursuit before the rules run, so
// that one started on foreign soil counts as crossing there.
func (p *Policy) startActivity(f *fact) {
	switch e := f.env.Event.Payload.(type) {
	case *fieldlog.SurveillanceStarted:
		f.unit.Activities = append(f.unit.Activities, &activity{ID: e.Activity, Action: agreement.ActionSurveillance,
			Urgent: e.Authorisation == fieldlog.AuthorisationUrgent, Started: f.ref, Offence: e.Offence})
	case *fieldlog.PursuitStarted:
		f.unit.Activities = append(f.unit.Activities, &activity{ID: e.Activity, Action: agreement.ActionHotPursuit, Started: f.ref,
			Offence: e.Offence})
	}
}

// activityOf returns the activity a report is about: the one it names,
// else the unit's latest pursuit, else its latest surveillance; nil if
// none is under way.
func (u *unitState) activityOf(named domain.ActivityID) *activity {
	if !named.IsZero() {
		for _, a := range u.Activities {
			if a.ID == named {
				return a
			}
		}
		return nil
	}
	var surveillance *activity
	for i := len(u.Activities) - 1; i >= 0; i-- {
		a := u.Activities[i]
		if a.Action == agreement.ActionHotPursuit {
			return a
		}
		if surveillance == nil {
			surveillance = a
		}
	}
	return surveillance
}

// namedActivity is the activity a report names, if any.
func namedActivity(pl domain.Payload) domain.ActivityID {
	switch e := pl.(type) {
	case *fieldlog.BorderCrossed:
		return e.Activity
	case *fieldlog.SurveillanceStarted:
		return e.Activity
	case *fieldlog.SurveillanceHandedOver:
		return e.Activity
	case *fieldlog.SurveillanceEnded:
		return e.Activity
	case *fieldlog.PursuitStarted:
		return e.Activity
	case *fieldlog.PursuitCeased:
		return e.Activity
	case *fieldlog.PersonApprehended:
		return e.Activity
	}
	return domain.ActivityID{}
}

// abroad reports whether the fact happened in a known state other than
// the unit's own.
func (f *fact) abroad() bool {
	return f.located && f.inState && !f.sending.IsZero() && f.loc.State != f.sending
}
