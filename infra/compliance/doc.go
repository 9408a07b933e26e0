// Package compliance runs the compliance policy: a projector.Projection
// named "compliance-policy" that folds the log through the pure policy of
// projections/compliance and records the flags it decides through the
// command layer (commands.Handlers.RaiseFlag and ClearFlag, as
// commands.SystemPrincipal), plus a ticker that fires the deadlines that
// pass while no event arrives.
//
// Decisions go through an outbox that is part of the checkpoint: a
// decision is saved with the position of the event that caused it, and
// retried until the command layer accepts it. Command IDs are derived from
// the flag IDs (commands.FlagCommandID) and raising a known flag appends
// nothing, so a decision recorded twice — after a crash between the append
// and the checkpoint, or by the ticker and a replay — is recorded once. A
// flag never blocks a field report: the policy runs after the fact, in its
// own consumer group.
//
// It imports commands/ (the handlers' input types) and projections/; never
// a store adapter (cmd wires the Recorder to *commands.Handlers).
package compliance
