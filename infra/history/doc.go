// Package history answers what an operation looked like at any moment of
// its past: the board as of a log position or a wall-clock time, as one
// agency saw it then, and the timeline of the operation's events.
//
// # The index
//
// History keeps an index of the log (a projection the projector.Runner
// feeds, name "history"): for each operation, the position, stream,
// revision, times, type and actor of every event routed to it (the same
// routing as the live boards, projections.Router, plus the operation's
// audit stream "audit-<operation>"), the agency directory events with
// their positions, and a snapshot of each operation's board every
// Config.SnapshotEvery of its events. The index is saved with the runner's
// checkpoints in parts: the entries in chunks of Config.ChunkSize, so a
// checkpoint rewrites only the chunk being filled and the new ones, and one
// part per snapshot, written once.
//
// The index keeps its entries in memory (about 64 bytes an event). A board
// snapshot takes about 29 bytes per event folded (see projections/board),
// so an operation's snapshots together take about 29 B × N² /
// (2 × SnapshotEvery): 15 MB for 100,000 events, 1.5 GB for 1,000,000. With
// a part loader (SetPartLoader; serve gives it the runner), a snapshot's
// bytes are dropped from memory once a checkpoint saved them and read back
// from the checkpoint file when a frame starts from it (a few milliseconds
// for a 100,000-event board); without one they stay in memory. Restoring a
// checkpoint still reads every part once, at start.
//
// # Frames
//
// FrameAt restores the nearest snapshot at or before the asked position and
// folds only that operation's events after it: it reads them stream by
// stream (eventstore.Reader.ReadStream, the revisions the index lists),
// merges them by position and decodes them; it never scans the whole log.
// The agency directory is folded from its own events up to the same
// position, so a Frame's viewer of an agency — and with it every marking
// decision — is the one in force then, never today's.
//
// FrameOccurredAt is the board of the events that happened (occurred_at)
// at or before a time, folded in log order, so late reports recorded after
// the time are included: it has no snapshot to start from and reads every
// event of the operation, so it costs a full fold.
//
// # Imports
//
// history imports the domain, projections (Envelope, Router, Directory,
// the board), infra/eventstore (the port, never an adapter) and
// infra/projector (the Projection it implements). It never imports
// commands/, infra/httpapi or cmd/: the HTTP routes and the CLI depend on
// it, never the other way round.
package history
