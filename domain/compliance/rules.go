package compliance

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// Rule names the compliance rule a flag is raised under. Rules are part of
// the API: never rename one.
type Rule string

// Rules, in the policy's order of priority.
const (
	RuleOutsideArea         Rule = "operation.outside_area"
	RuleOutsidePeriod       Rule = "operation.outside_period"
	RuleUnitNotAttached     Rule = "operation.unit_not_attached"
	RuleNoProvision         Rule = "cross_border.no_provision"
	RulePursuitDistance     Rule = "pursuit.beyond_distance"
	RulePursuitDuration     Rule = "pursuit.beyond_duration"
	RuleSurveillanceExpired Rule = "surveillance.unauthorised_beyond_due"
	RuleApprehension        Rule = "apprehension.not_allowed"
	RuleNotificationMissing Rule = "notification.missing"
	RuleHandoverLate        Rule = "apprehension.handover_late"
	RulePostActionMissing   Rule = "report.post_action_missing"
	RuleActionAfterStop     Rule = "cross_border.action_after_stop"
	RuleOffenceNotCovered   Rule = "cross_border.offence_not_covered"
	RuleModeNotCovered      Rule = "cross_border.mode_not_covered"
	RuleWeaponNotAllowed    Rule = "force.weapon_not_allowed"
)

// Valid reports whether r is one of the rules.
func (r Rule) Valid() bool {
	switch r {
	case RuleOutsideArea, RuleOutsidePeriod, RuleUnitNotAttached, RuleNoProvision, RulePursuitDistance,
		RulePursuitDuration, RuleSurveillanceExpired, RuleApprehension, RuleNotificationMissing, RuleHandoverLate,
		RulePostActionMissing, RuleActionAfterStop, RuleOffenceNotCovered, RuleModeNotCovered, RuleWeaponNotAllowed:
		return true
	}
	return false
}

// Severity says how grave a breach of a rule is, for the boards to order
// and colour flags by.
type Severity string

// Severities, gravest first.
const (
	SeverityHigh   Severity = "high"
	SeverityMedium Severity = "medium"
	SeverityLow    Severity = "low"
)

// Severity returns how grave a breach of r is: acting with no legal basis,
// against the host's word or beyond the powers given is high; overstaying
// a limit is medium; paperwork and the operation's own bounds are low.
func (r Rule) Severity() Severity {
	switch r {
	case RuleNoProvision, RuleApprehension, RuleActionAfterStop, RuleOffenceNotCovered, RuleModeNotCovered, RuleWeaponNotAllowed:
		return SeverityHigh
	case RulePursuitDistance, RulePursuitDuration, RuleSurveillanceExpired, RuleHandoverLate, RuleUnitNotAttached:
		return SeverityMedium
	}
	return SeverityLow
}

// FlagID identifies a flag within its operation. It is derived from the
// rule and the evidence (NewFlagID), so the same breach found twice — in a
// replay, after a restart — gets the same ID.
type FlagID string

// flagIDLength is the length of a FlagID: 128 bits in hex.
const flagIDLength = 32

// NewFlagID derives the ID of the flag of rule over evidence: the first
// 128 bits of a SHA-256 of both.
func NewFlagID(rule Rule, evidence ...EventRef) FlagID {
	h := sha256.New()
	h.Write([]byte(rule))
	for _, e := range evidence {
		h.Write([]byte{0})
		h.Write([]byte(e.Stream))
		h.Write([]byte{0})
		h.Write(strconv.AppendUint(nil, e.Revision, 10))
	}
	return FlagID(hex.EncodeToString(h.Sum(nil))[:flagIDLength])
}

// Valid reports whether id has the form NewFlagID gives.
func (id FlagID) Valid() bool {
	if len(id) != flagIDLength {
		return false
	}
	_, err := hex.DecodeString(string(id))
	return err == nil
}
