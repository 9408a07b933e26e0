// Package operation is the Operation aggregate: a joint operation's
// lifecycle (proposed → agreed by every participating agency → active ⇄
// suspended → closed), its planning (purpose, lead agency, participants,
// host states, legal basis, area of operations, period, operational periods
// with objectives) and its command structure (unified command, the tree of
// org units, positions and their holders over time, transfers of command,
// and resources checked in with their status and assignment). Its stream is
// "operation-<id>".
//
// The command structure lives in this aggregate, not in one of its own,
// because the rules cross it constantly: planning may be changed by the lead
// agency or the unified command, whose members are the holders of command
// seats; a seat and a resource may belong only to an agency that takes part
// and has agreed; tasking asks whether the operation is active and the unit
// checked in. One stream decides all of that consistently under one expected
// revision. It is also cheap: planning and command decisions are human-paced
// (a few a minute), while the high-rate traffic — field reports — lives in
// per-unit streams (package fieldlog) and never touches this one.
//
// Like all of domain/, it performs no I/O, reads no clock and imports only
// the domain kernel and its value objects.
package operation
