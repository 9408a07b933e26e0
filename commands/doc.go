// Package commands is the application layer of Jointops: one handler per use
// case. A handler loads the aggregate from its stream, checks who is asking
// against the current state, lets the aggregate decide, and appends the
// resulting events expecting the version it decided on. A conflict reloads
// and decides again, a bounded number of times; a refusal appends nothing.
//
// Every command carries a client-chosen CommandID. Its outcome — accepted
// with its position, or the refusal — is recorded (the Outcomes port), so a
// retry returns the original answer and never appends twice, also across a
// restart: the event IDs of an append are derived from the command ID, so
// even a crash between the append and the record is answered by the event
// log's own idempotency.
//
// An accepted command's outcome is recorded in the background: its events
// are durable in the log before it is answered, and the log alone answers
// a retry whose record was lost. A refusal is recorded before it is
// answered, since nothing else would remember it.
//
// Aggregates that can be snapshotted (domain.Snapshotter) are, with the
// optional Snapshots port: a cold aggregate is restored from its latest
// snapshot and folds only the events after it, and a loaded aggregate far
// enough past its latest snapshot gets a new one, saved in the background.
// Snapshots are a cache; the log stays the truth (see snapshots.go).
//
// The package declares the ports it needs (EventLog, Outcomes, Snapshots,
// Clock) and imports only domain/; infra/ implements the ports and cmd/
// wires them.
package commands
