// Package compliance is the compliance policy's fold: a pure function of
// the event log that says which compliance flags each event raises or
// clears. It keeps what the rules need — the states' territories (as a
// state.Jurisdiction, rebuilt only when a state event arrives), the
// agreement library, the agencies' states, each operation's participants,
// area, period and attached units, each unit's surveillances and pursuits
// with their crossings and notifications — and the pending deadlines,
// which fire through Due even when no event arrives.
//
// The rules, in order of priority (compliance.Rule names them):
//
//   - operation.outside_area / outside_period: a report outside the
//     operation's area (its boundary is inside) or period (half-open), one
//     flag per excursion;
//   - operation.unit_not_attached: a report from a unit not checked in;
//   - cross_border.no_provision: an action abroad (a surveillance or
//     pursuit at its crossing, any other report once per stay as a joint
//     operation) with no provision in force at occurred_at;
//   - pursuit.beyond_distance / beyond_duration: beyond the provision's
//     km from the host's border (the limit itself is within) or minutes
//     from the crossing (a deadline);
//   - surveillance.unauthorised_beyond_due: an urgent surveillance still
//     going, unauthorised, when the provision's due time (5 h) has passed;
//   - apprehension.not_allowed and apprehension.handover_late (the
//     hand-over deadline without the uncounted window, 00:00–09:00);
//   - notification.missing: the host not notified by the provision's
//     deadline (plus Config.ClockSkew);
//   - report.post_action_missing and cross_border.action_after_stop.
//
// A deadline fires when an event recorded after it is folded (the log's
// own clock, so a replay decides the same) or when Due is called with a
// later time; a fact that resolves it, delivered late but dated in time,
// clears the flag it fired. A retracted report clears the flags resting
// on it.
//
// Flag IDs are derived from the rule and the evidence (compliance.NewFlagID),
// and episodes (a unit outside the area, a stay in a foreign state) are
// remembered, so folding the same log twice, or restarting from a
// snapshot, gives the same flags and never a duplicate.
//
// Like every package under projections/, it imports only domain/..., the
// standard library and github.com/google/uuid, performs no I/O and reads
// no clock: time comes from the events and from Due's argument. The runner
// that appends the flags (infra/compliance) depends on it, never the other
// way round.
package compliance
