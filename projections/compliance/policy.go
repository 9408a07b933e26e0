package compliance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/projections"
)

// Policy is the compliance policy's fold. Feed it every event of the log
// with Apply, in log order; call Due with the current time to fire the
// deadlines that passed without a new event. It is not safe for concurrent
// use.
type Policy struct {
	cfg Config
	d   *data

	// Derived from d.Refs, rebuilt when nil.
	states       map[domain.StateCode]*state.State
	agreements   map[string]*agreement.Agreement
	jurisdiction *state.Jurisdiction
	library      *agreement.Library

	rules   []func(*fact) // factRules, bound once
	nextDue time.Time     // the earliest unfired deadline; zero for none
	out     []Decision    // decisions of the call under way
}

// New returns the policy before any event.
func New(cfg Config) (*Policy, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Policy{cfg: cfg}
	p.rules = p.factRules()
	p.Reset()
	return p, nil
}

// Reset empties the policy (rebuild from the start of the log).
func (p *Policy) Reset() {
	p.d = newData()
	p.states = map[domain.StateCode]*state.State{}
	p.agreements = map[string]*agreement.Agreement{}
	p.jurisdiction, p.library = nil, nil
	p.nextDue = time.Time{}
}

// Apply folds one event and returns the decisions it causes: the flags its
// facts raise or clear, then the deadlines that passed before the event
// was recorded (the log's own clock). Unknown events cause nothing.
func (p *Policy) Apply(env projections.Envelope) []Decision {
	p.out = nil
	switch e := env.Event.Payload.(type) {
	case *state.Registered, *state.TerritoryRedrawn, *state.LandBorderDeclared:
		p.applyState(env)
	case *agreement.Recorded, *agreement.Amended, *agreement.Suspended, *agreement.Reinstated, *agreement.Superseded,
		*agreement.ProvisionRecorded, *agreement.ProvisionAmended, *agreement.ProvisionSuspended,
		*agreement.ProvisionReinstated, *agreement.ProvisionSuperseded:
		p.applyAgreement(env)
	case *agency.Registered:
		p.d.Agencies[e.AgencyID] = e.State
	case *flags.StopRequested:
		p.applyStop(env, e)
	case *operation.Proposed:
		p.d.Operations[e.OperationID] = &operationState{HostStates: slices.Clone(e.HostStates), Area: e.Area,
			Period: e.Period, Units: map[domain.UnitID]domain.AgencyID{}}
	default:
		p.applyOperation(env)
		p.applyField(env)
	}
	p.fire(env.Event.RecordedAt)
	out := p.out
	p.out = nil
	return out
}

// Due returns the flags of the deadlines that passed before now and were
// not yet fired, and marks them fired. Calling it again, or folding an
// event recorded later, does not fire them twice.
func (p *Policy) Due(now time.Time) []Decision {
	p.out = nil
	p.fire(now)
	out := p.out
	p.out = nil
	return out
}

func (p *Policy) applyOperation(env projections.Envelope) {
	switch e := env.Event.Payload.(type) {
	case *operation.AreaChanged:
		if op := p.d.Operations[e.OperationID]; op != nil {
			op.Area = e.Area
		}
	case *operation.PeriodChanged:
		if op := p.d.Operations[e.OperationID]; op != nil {
			op.Period = e.Period
		}
	case *operation.ResourceCheckedIn:
		if op := p.d.Operations[e.OperationID]; op != nil {
			op.Units[e.UnitID] = e.Agency
			if u := p.d.Units[unitKey(e.OperationID, e.UnitID)]; u != nil {
				u.Unattached = false
			}
		}
	case *operation.ResourceCheckedOut:
		if op := p.d.Operations[e.OperationID]; op != nil {
			delete(op.Units, e.UnitID)
		}
	}
}

func unitKey(op domain.OperationID, unit domain.UnitID) string {
	return op.String() + "/" + unit.String()
}

func (p *Policy) unit(op domain.OperationID, id domain.UnitID) *unitState {
	k := unitKey(op, id)
	u := p.d.Units[k]
	if u == nil {
		u = &unitState{Operation: op, Unit: id}
		p.d.Units[k] = u
	}
	return u
}

// sendingState is the state of the unit's agency: the agency it checked in
// with, else the reporting actor's.
func (p *Policy) sendingState(op *operationState, unit domain.UnitID, actor domain.Actor) domain.StateCode {
	a := actor.Agency
	if op != nil {
		if ag, ok := op.Units[unit]; ok {
			a = ag
		}
	}
	return p.d.Agencies[a]
}

// raise emits a Raise decision unless the flag was raised already.
func (p *Policy) raise(op domain.OperationID, at time.Time, f flags.Flag, report domain.ReportID) {
	raised := p.d.Flags[op]
	if raised == nil {
		raised = map[flags.FlagID]bool{}
		p.d.Flags[op] = raised
	}
	if raised[f.ID] {
		return
	}
	raised[f.ID] = true
	if f.Language == "" {
		f.Language = p.cfg.Language
	}
	if !report.IsZero() {
		p.d.Evidence[report] = append(p.d.Evidence[report], flagOf{Operation: op, Flag: f.ID})
	}
	p.out = append(p.out, Decision{Action: Raise, Operation: op, At: at, Flag: f})
}

// clear emits a Clear decision of a raised flag.
func (p *Policy) clear(op domain.OperationID, at time.Time, id flags.FlagID, evidence flags.EventRef, reason string) {
	p.out = append(p.out, Decision{Action: Clear, Operation: op, At: at, Flag: flags.Flag{ID: id},
		Evidence: []flags.EventRef{evidence}, Reason: reason})
}

// newFlag builds a flag of rule on evidence, with its derived ID.
func newFlag(rule flags.Rule, unit domain.UnitID, provision agreement.ProvisionRef, explanation string, evidence ...flags.EventRef) flags.Flag {
	return flags.Flag{ID: flags.NewFlagID(rule, evidence...), Rule: rule, Unit: unit, Provision: provision,
		Evidence: evidence, Explanation: explanation}
}

// refOf names env as evidence, with the field report it records if any.
func refOf(env projections.Envelope) flags.EventRef {
	ref := flags.EventRef{Stream: env.Stream, Revision: env.Revision}
	if r, ok := env.Event.Payload.(fieldlog.Report); ok {
		ref.Report = r.Head().ReportID
	}
	return ref
}

// cite names a governing provision in an explanation, quoting its text.
func cite(g *agreement.Governing) string {
	s := fmt.Sprintf("%s %s (%s)", g.Instrument, g.Terms.Article, g.Ref)
	if g.Terms.Text != "" {
		s += fmt.Sprintf(" — %q", strings.TrimSpace(g.Terms.Text))
	}
	return s
}
