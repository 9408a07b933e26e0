package webui_test

import (
	"math/rand/v2"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
)

// scenarioFlags drives the operation's compliance flags with a random
// source of its own, so the rest of a seed's scenario stays what it was.
type scenarioFlags struct {
	rng    *rand.Rand
	flags  *compliance.Flags
	raised []compliance.FlagID
}

func newScenarioFlags(seed uint64) scenarioFlags {
	return scenarioFlags{rng: rand.New(rand.NewPCG(seed, 13)), flags: compliance.New(scOperation)}
}

// flagStep, one step in five, raises a flag on one or two reports of a
// unit, or clears, acknowledges or disputes a raised one.
func (sc *scenario) flagStep() {
	f := &sc.flags
	if f.rng.IntN(5) != 0 {
		return
	}
	if len(f.raised) == 0 || f.rng.IntN(3) == 0 {
		sc.raiseFlag()
		return
	}
	id := f.raised[f.rng.IntN(len(f.raised))]
	a := scAgencies[f.rng.IntN(len(scAgencies))]
	switch f.rng.IntN(3) {
	case 0:
		sc.decide(f.flags, "clear flag", f.flags.Clear(sc.flagMeta(scLead), id,
			[]compliance.EventRef{{Stream: "operation-x", Revision: 1}}, "the host authority was notified in time"))
	case 1:
		sc.decide(f.flags, "answer flag", f.flags.Acknowledge(sc.flagMeta(a), id, "noted"))
	default:
		sc.decide(f.flags, "answer flag", f.flags.Dispute(sc.flagMeta(a), id, "within the limit"))
	}
}

func (sc *scenario) raiseFlag() {
	f := &sc.flags
	u := sc.units[f.rng.IntN(len(sc.units))]
	reports := sc.reports[u]
	if len(reports) == 0 {
		return
	}
	var evidence []compliance.EventRef
	for range 1 + f.rng.IntN(2) {
		if ref, ok := sc.refOf(reports[f.rng.IntN(len(reports))]); ok {
			evidence = append(evidence, ref)
		}
	}
	if len(evidence) == 0 {
		return
	}
	rule := []compliance.Rule{compliance.RulePursuitDistance, compliance.RuleNoProvision, compliance.RulePostActionMissing}[f.rng.IntN(3)]
	flag := compliance.Flag{ID: compliance.NewFlagID(rule, evidence...), Rule: rule, Unit: u, Evidence: evidence,
		Explanation: "Unit " + u.String() + " breached " + string(rule) + ".", Language: "en"}
	before := f.flags.Version()
	sc.decide(f.flags, "raise flag", f.flags.Raise(sc.flagMeta(scLead), flag))
	if f.flags.Version() > before {
		f.raised = append(f.raised, flag.ID)
	}
}

// flagMeta is the metadata of a flag decision a second on, drawing
// nothing from the scenario's own random source.
func (sc *scenario) flagMeta(a domain.AgencyID) domain.Meta {
	sc.now = sc.now.Add(time.Second)
	return dt.Meta(sc.t, domain.Actor{Agency: a, Person: dt.Person(901)}, sc.now)
}

// refOf names the event that recorded report id.
func (sc *scenario) refOf(id domain.ReportID) (compliance.EventRef, bool) {
	for _, env := range sc.envs {
		if r, ok := env.Event.Payload.(fieldlog.Report); ok && r.Head().ReportID == id {
			return compliance.EventRef{Stream: env.Stream, Revision: env.Revision, Report: id}, true
		}
	}
	return compliance.EventRef{}, false
}
