package board_test

import (
	"math/rand/v2"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
)

// flagSteps drives the operation's compliance flags with a random source
// of its own, so the rest of a seed's log stays what it was before flags
// were generated.
type flagSteps struct {
	rng    *rand.Rand
	flags  *compliance.Flags
	raised []compliance.FlagID
}

func newFlagSteps(seed uint64) flagSteps {
	return flagSteps{rng: rand.New(rand.NewPCG(seed, 11)), flags: compliance.New(opID)}
}

// maxFlags bounds the flags of a generated log: each is in every view from
// then on, and the property encodes every view at every step.
const maxFlags = 6

// flagStep, one step in four, raises a flag on one or two reports of a
// unit (at most maxFlags), or clears, acknowledges or disputes a raised
// one.
func (g *generator) flagStep() {
	f := &g.flagged
	if f.rng.IntN(4) != 0 {
		return
	}
	if len(f.raised) == 0 || len(f.raised) < maxFlags && f.rng.IntN(3) == 0 {
		g.raiseFlag()
		return
	}
	id := f.raised[f.rng.IntN(len(f.raised))]
	a := agencies[f.rng.IntN(len(agencies))]
	switch f.rng.IntN(5) {
	case 0:
		g.decide(f.flags, "clear flag", f.flags.Clear(g.meta(lead), id, []compliance.EventRef{{Stream: "operation-x", Revision: 1}}, "resolved"))
	case 1, 2:
		g.decide(f.flags, "acknowledge flag", f.flags.Acknowledge(g.meta(a), id, "noted"))
	default:
		g.decide(f.flags, "dispute flag", f.flags.Dispute(g.meta(a), id, "the limit was respected"))
	}
}

func (g *generator) raiseFlag() {
	f := &g.flagged
	u := g.units[f.rng.IntN(len(g.units))]
	reports := g.reports[u]
	if len(reports) == 0 {
		return
	}
	var evidence []compliance.EventRef
	for range 1 + f.rng.IntN(2) {
		evidence = append(evidence, g.refOf(reports[f.rng.IntN(len(reports))]))
	}
	rule := []compliance.Rule{compliance.RulePursuitDistance, compliance.RuleNoProvision, compliance.RuleNotificationMissing}[f.rng.IntN(3)]
	flag := compliance.Flag{ID: compliance.NewFlagID(rule, evidence...), Rule: rule, Unit: u, Evidence: evidence,
		Explanation: "Breach.", Language: "en"}
	before := f.flags.Version()
	g.decide(f.flags, "raise flag", f.flags.Raise(g.meta(lead), flag))
	if f.flags.Version() > before {
		f.raised = append(f.raised, flag.ID)
	}
}

// refOf names the event that recorded report id.
func (g *generator) refOf(id domain.ReportID) compliance.EventRef {
	for _, env := range g.log.envs {
		if r, ok := env.Event.Payload.(fieldlog.Report); ok && r.Head().ReportID == id {
			return compliance.EventRef{Stream: env.Stream, Revision: env.Revision, Report: id}
		}
	}
	g.t.Fatalf("no event records report %s", id)
	return compliance.EventRef{}
}
