// Package boards keeps the situation board of every operation current
// from the event log and feeds it live to the agencies taking part.
//
// Boards is a projection (name "boards") that the projection runner feeds
// in log order: it routes each event to its operation's board
// (projections/board), keeps every agency's list of operations
// (projections.AgencyOperations) and a directory of agencies and their
// states, from which it builds the marking.Viewer of an agency. What an
// agency sees is decided there, never by a client.
//
// # The live feed
//
// Each operation keeps a ring of its last deltas, each with its log
// position, and its subscribers grouped by agency view. For every delta,
// each view that has subscribers gets the delta as it may see it
// (board.Delta.For), encoded once as a protocol message and wrapped once in
// a websocket.PreparedMessage; the same Frame goes to every subscriber of
// that view — and to every view that may see exactly the same changes, the
// same bytes, so a delta everyone sees is encoded once in all. Sending
// never blocks: a subscriber whose queue is full is cut with ErrSlow and
// resumes later from the last position it received.
//
// Building deltas is most of the cost of a fold, so the runner's
// catch-up and rebuilds use Fold, which folds a board no one subscribes
// to without them and restarts its ring after the event: a subscriber
// resuming from before it gets a snapshot. A board with subscribers is
// always applied with its deltas.
//
// Subscribe registers a subscriber under the board's lock, so what it
// receives first — a snapshot, or exactly the deltas it missed since a
// position — and the live deltas that follow leave no gap and repeat
// nothing. The slow part, encoding a snapshot, happens outside the lock
// while live deltas wait for it, so Apply is held up only for taking the
// view. A client may resume after any position it was sent (a delta's,
// a snapshot's, a heartbeat's): positions are ordered, and deltas a viewer
// may not see are never sent to it, so the positions one client sees skip
// some. An operation that does not exist and one the agency does not take
// part in are refused alike (ErrNotFound): no ID is ever revealed.
//
// # Protocol
//
// Frames carry the server messages of the live boards (docs/API.md, "Live
// boards"), JSON text:
//
//	{"type":"snapshot","operation_id":…,"position":P,"board":<board.View>}
//	{"type":"delta","position":P,"at":…,"changes":[<board.Change>…]}
//
// Heartbeats belong to the transport (infra/boardws), which reads
// Boards.Position and the runner's log head.
//
// # Checkpoints
//
// Boards saves what changed since its previous checkpoint, in parts: one
// per board ("board/<operation>"), "agencyops", "router" and "agencies"
// (the directory), each a snapshot that restores the read model exactly.
// A restored board resumes subscribers only after the checkpoint's
// position: the deltas before it were not saved, so older positions get a
// snapshot.
//
// This package imports the domain, projections, infra/eventstore (for
// ordering positions), infra/projector (the interfaces it implements) and
// gorilla/websocket only for PreparedMessage. It never imports commands/,
// cmd/ or the transport (infra/boardws), which depends on it.
package boards
