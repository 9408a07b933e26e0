// Package compliance is the Flags aggregate: the compliance flags of one
// joint operation, in the stream "compliance-<operation>". The compliance
// policy (projections/compliance, run by infra/compliance) raises a flag
// when the log shows a breach of a rule — a cross-border action without a
// provision in force, a missed notification deadline, a pursuit beyond its
// limit — and clears it when later evidence resolves it; commanders
// acknowledge or dispute flags.
//
// A flag never blocks a field report: flags are facts about facts, recorded
// after them. Flag IDs are chosen by the policy, derived from the rule and
// the evidence, so raising the same flag twice is a harmless no-op and a
// replay of the log never duplicates one.
//
// Like all of domain/, it performs no I/O, reads no clock and imports only
// the domain kernel and the agreement package (for provision references).
package compliance
