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
// The index keeps in memory, per operation, only the chunk being filled
// (at most Config.ChunkSize entries of 64 bytes) and a summary of each full
// chunk (first and last positions, earliest and latest recorded and
// occurred times: about 100 bytes per 2,048 events), once a part loader is
// set (SetPartLoader; serve gives it the runner): a full chunk's entries
// leave memory at the checkpoint after the one that handed its part out
// (that save is done by then), and are loaded back from the checkpoint
// file into a small cache (Config.ChunkCache chunks, least recently used
// first out) when a read needs them. The summaries find a position
// (FrameAt, Events: a binary search, then one chunk), the end of the
// events recorded by a time (PositionAt: likewise, on the latest recorded
// time so far) and skip chunks outside a time window (Timeline,
// FrameOccurredAt); a long read goes chunk after chunk and holds one at a
// time. A board snapshot takes about 29 bytes per event folded (see
// projections/board), so an operation's snapshots together take about
// 29 B × N² / (2 × SnapshotEvery); they too leave memory once saved and
// are read back when a frame starts from one. For an operation of 100,000
// events (BenchmarkIndexHeap, docs/BENCHMARKS.md) the index then takes
// about 11 bytes an event beside its live board, of which 3 are the
// router's task routes (projections.Router, which does not forget them),
// against 86 when every entry stayed in memory. Without a part loader (an
// offline tool, the tests) nothing leaves memory.
//
// Restoring a checkpoint decodes each chunk part once, to check it against
// the others and the snapshots and to summarise it; with a part loader it
// then keeps only the summaries and the last, partial chunk, and no
// snapshot bytes. (The runner still reads every part from its file to
// hand them to Restore, so a start holds them all for a moment.) A read
// that needs a dropped part which cannot be loaded back (not saved,
// unreadable, damaged; or, after a failed save, not written until the
// next save succeeds) fails with ErrPartUnavailable; a board snapshot that
// cannot be only costs a fold from the operation's first event.
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
