// Package task is the Task aggregate: an order issued to a unit attached to
// an active operation — objective, area, time window, constraints, legal
// basis — and its life: issued → acknowledged → amended (and acknowledged
// again) → completed or cancelled. Its stream is "task-<id>", so a busy
// operation's units acknowledge and complete tasks without contending on
// the operation stream.
//
// Issuing and amending need facts about the operation (is it active, is the
// unit attached, does the issuer's agency take part); they come in through
// the small Operation interface declared here and satisfied by
// *operation.Operation. The check holds at the time of the decision: an
// operation suspended a moment later does not revoke tasks already issued.
//
// Like all of domain/, it performs no I/O and imports only the domain kernel
// and its value objects.
package task
