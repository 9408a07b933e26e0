// Package projector runs the projections of Jointops: it keeps each read
// model (a Projection, such as the boards of infra/boards) current from
// the event log, checkpoints it, and rebuilds it on demand.
//
// # Life of a projection
//
// A Runner restores each projection from its checkpoint, then catches up
// by reading the store directly — pages read ahead, decoded in parallel,
// folded in log order, with Folder.Fold when the projection has it (a
// fold that skips what only live readers need, such as deltas) — while
// it is far behind the head; near the head it
// saves a checkpoint and switches to a bus subscription of the whole log
// (consumer group = the projection's name) through a watermill Router with
// the project's middleware: Recoverer, Retry, PoisonQueue (topic
// "poison.projections"), CorrelationID. Events of unknown types and the
// bus's own streams are skipped. An event a projection keeps failing on is
// poisoned: published to the poison topic with the reason, counted and
// listed in Status, and skipped.
//
// # Guarantees
//
// Delivery is at least once: after a crash the subscription redelivers up
// to FlushInterval's worth of acknowledged events. Application is
// idempotent by position: the runner never applies an event at or before
// the last one handled. And state and offset are saved atomically: the
// CheckpointStore is the subscription's bus.OffsetStore, and each save
// writes the offset together with the parts the projection changed
// (Projection.Checkpoint) in one SQLite transaction (WAL,
// synchronous=FULL). So a restarted runner resumes from a state and a
// position that agree: every event is folded effectively once — nothing
// is reprocessed, nothing is missed. Saves are fenced by version: a second
// runner on the same checkpoint file takes the projection over and the
// first stops at its next save (ErrFenced from infra/bus).
//
// # Readiness and status
//
// Ready reports "catching up" until every projection reached the head seen
// when Run began; Status gives, per projection, its phase, position, the
// log head, its lag in events (counted with a bounded read: "10000+"), and
// its poisoned events. Rebuild rebuilds one projection online;
// ResetCheckpoint is its offline form.
//
// # Imports
//
// projector imports the event-store port, infra/bus, the projections'
// Envelope and the domain's event type; never a store adapter (cmd chooses
// it), never commands/, and no concrete projection: projections depend on
// this package's interface, not the other way round.
package projector
