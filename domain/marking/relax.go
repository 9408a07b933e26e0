package marking

import (
	"strings"

	"github.com/jointops/jointops/domain"
)

// Rejection codes of CheckRelaxation.
const (
	// CodeNotOriginator: only the originator's agency may relax a marking.
	CodeNotOriginator domain.Code = "marking.not_originator"
	// CodeOriginatorChanged: a relaxation cannot hand the item to another
	// originator.
	CodeOriginatorChanged domain.Code = "marking.originator_changed"
	// CodeEvaluationChanged: a relaxation cannot re-grade the information;
	// that is a correction of the report.
	CodeEvaluationChanged domain.Code = "marking.evaluation_changed"
	// CodeUnchanged: the new marking is the old one.
	CodeUnchanged domain.Code = "marking.unchanged"
	// CodeNotRelaxation: the new marking is more restrictive in some way.
	CodeNotRelaxation domain.Code = "marking.not_relaxation"
)

// CheckRelaxation decides whether agency by may replace marking from with
// to. A relaxation keeps the originator and the evaluation, and only ever
// loosens:
//
//   - the label never moves towards RED (CLEAR < GREEN < AMBER <
//     AMBER+STRICT < RED);
//   - handling codes may be dropped, never added, and a kept H3 keeps its
//     text;
//   - nobody who may see the item under from is denied under to, whatever
//     the operation's participants are: recipients named on a RED item stay
//     named (RED with more recipients) unless the item becomes CLEAR, and a
//     narrowed AMBER list may only grow or be dropped.
func CheckRelaxation(by domain.AgencyID, from, to Marking) error {
	if by != from.originator {
		return domain.Forbid(CodeNotOriginator, "only the originator's agency %s may relax this marking", from.originator)
	}
	switch {
	case to.originator != from.originator:
		return domain.Reject(CodeOriginatorChanged, "a relaxation keeps the originator %s", from.originator)
	case to.evaluation != from.evaluation:
		return domain.Reject(CodeEvaluationChanged, "a relaxation keeps the evaluation %s; correct the report to re-grade it", from.evaluation)
	case to.Equal(from):
		return domain.Reject(CodeUnchanged, "the new marking equals the current one")
	case to.tlp > from.tlp:
		return domain.Reject(CodeNotRelaxation, "TLP:%s is more restrictive than TLP:%s", to.tlp, from.tlp)
	}
	for _, c := range to.handling {
		if !from.Has(c) {
			return domain.Reject(CodeNotRelaxation, "handling code %s would be added", c)
		}
	}
	if to.Has(H3) && to.h3Text != from.h3Text {
		return domain.Reject(CodeNotRelaxation, "the H3 restriction would be reworded; drop H3 to lift it")
	}
	if !audienceGrows(from, to) {
		return domain.Reject(CodeNotRelaxation, "TLP:%s with recipients %s would hide the item from someone who may see it under TLP:%s with recipients %s",
			to.tlp, describe(to.releasableTo), from.tlp, describe(from.releasableTo))
	}
	return nil
}

// audienceGrows reports whether everyone who may see an item marked from may
// also see it marked to, for any set of participants. The label has already
// been checked not to rise.
func audienceGrows(from, to Marking) bool {
	named := !from.releasableTo.IsEmpty()
	switch to.tlp {
	case TLPClear:
		return true
	case TLPGreen, TLPAmberStrict:
		// Participants only, or the originator only: a RED item's named
		// recipients may be outside the operation.
		if from.tlp == TLPRed {
			return !named
		}
		return true
	case TLPAmber:
		switch from.tlp {
		case TLPRed:
			return !named
		case TLPAmber:
			return to.releasableTo.IsEmpty() || (named && to.releasableTo.Covers(from.releasableTo))
		}
		return true // from AMBER+STRICT: the originator keeps access
	case TLPRed:
		return to.releasableTo.Covers(from.releasableTo)
	}
	return false
}

func describe(r Recipients) string {
	if r.IsEmpty() {
		return "(none)"
	}
	var parts []string
	for _, a := range r.agencies {
		parts = append(parts, a.String())
	}
	for _, s := range r.states {
		parts = append(parts, s.String())
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
