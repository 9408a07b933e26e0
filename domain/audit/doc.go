// Package audit is the Trail aggregate: the audit trail of who read one
// joint operation's history, when and why, in the stream
// "audit-<operation>". Every read of the past — a board as of a position, a
// timeline, a replay, an evidence export, an integrity check, the audit
// timeline itself — is recorded here before its answer is given, so that
// oversight can ask who looked at what, for which purpose.
//
// The trail is append-only and holds no state a decision depends on: an
// access is recorded whenever it is well-formed. Who may read the history
// is the command layer's question (it knows the operation); the trail
// checks only what an access says.
//
// Like all of domain/, it performs no I/O, reads no clock and imports only
// the domain kernel.
package audit
