package compliance

import (
	"fmt"
	"slices"
	"time"

	"github.com/jointops/jointops/domain/agreement"
	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
)

// judgeScope flags an activity that crossed into its host for an offence
// its provision does not cover: one not on the provision's list (CISA Art.
// 40(7), 41(4)(a)), named as field reports name offences ("drug
// trafficking" is the listed "drug_trafficking"). Whether an offence is
// extraditable cannot be told from its name, so an "extraditable" scope
// covers every offence (agreement.Offences.Covers).
func (p *Policy) judgeScope(f *fact, act *activity, g *agreement.Governing) {
	if g.Terms.Offences.Covers(act.Offence) {
		return
	}
	p.raise(f.header.OperationID, act.CrossedAt, newFlag(flags.RuleOffenceNotCovered, f.header.UnitID, g.Ref,
		fmt.Sprintf("The %s %s crossed into %s at %s for %q, which %s does not cover (it lists %v).",
			act.Action, act.ID, act.Host, act.CrossedAt.Format(time.RFC3339), act.Offence, cite(g), g.Terms.Offences.Listed),
		act.Started, f.ref), f.header.ReportID)
}

// judgeMode flags a crossing in a mode (land, sea, air) the governing
// provision does not cover. The mode is the border-crossing report's;
// a crossing seen only from positions is by land.
func (p *Policy) judgeMode(f *fact, g *agreement.Governing) {
	mode := agreement.ModeLand
	if f.crossing != nil && f.crossing.Mode != "" {
		mode = agreement.Mode(f.crossing.Mode)
	}
	if len(g.Terms.Modes) == 0 || slices.Contains(g.Terms.Modes, mode) {
		return
	}
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleModeNotCovered, f.header.UnitID, g.Ref,
		fmt.Sprintf("Unit %s crossed into %s by %s at %s; %s covers only %v.",
			f.header.UnitID, f.loc.State, mode, f.at.Format(time.RFC3339), cite(g), g.Terms.Modes),
		f.ref), f.header.ReportID)
}

// serviceWeapons are the kinds of force that use a service weapon.
var serviceWeapons = []fieldlog.ForceKind{fieldlog.ForceFirearmDrawn, fieldlog.ForceFirearmDischarged, fieldlog.ForceConductedEnergy}

// ruleWeapons flags force used abroad with a service weapon (a firearm
// drawn or discharged, a conducted-energy device) under a provision that
// lets foreign officers carry none. Where weapons may be carried — for
// self-defence, or as the host's law allows — their use is for the host
// to review, not a breach the log shows. Force reported without a point
// cannot be placed, and is not judged.
func (p *Policy) ruleWeapons(f *fact) {
	e, ok := f.env.Event.Payload.(*fieldlog.ForceUsed)
	if !ok || !f.abroad() || !slices.Contains(serviceWeapons, e.Kind) {
		return
	}
	g := p.forceProvision(f)
	if g == nil || g.Terms.Weapons != agreement.WeaponsNotCarried {
		return
	}
	p.raise(f.header.OperationID, f.at, newFlag(flags.RuleWeaponNotAllowed, f.header.UnitID, g.Ref,
		fmt.Sprintf("Unit %s reported force (%s) in %s at %s; under %s foreign officers may not carry service weapons.",
			f.header.UnitID, e.Kind, f.loc.State, f.at.Format(time.RFC3339), cite(g)),
		f.ref), f.header.ReportID)
}

// forceProvision is the provision force used abroad falls under: the
// unit's activity under way in that state, else the joint operation's in
// force then.
func (p *Policy) forceProvision(f *fact) *agreement.Governing {
	if act := f.unit.activityOf(namedActivity(f.env.Event.Payload)); act != nil && act.Crossed && act.Host == f.loc.State {
		return act.Governing
	}
	g, _ := p.governing(f.loc.State, f.sending, agreement.ActionJointOperation, "", f.at)
	return g
}
