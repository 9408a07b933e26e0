// Package integrity makes removal of events provable: a Checkpointer run
// by the server signs, with an ed25519 key of the deployment, the head link
// and revision of every stream at a log position, and Verify walks the hash
// chains of the log and checks every signed checkpoint against them.
//
// The hash chains (eventstore.ChainLink) catch an altered, reordered or
// removed event in the middle of a stream; only a signed statement of where
// each stream ended catches the removal of a stream's last events, or a
// rewrite of the log with freshly computed links.
//
// Checkpoints are events of the stream CheckpointStream, so they travel
// with the log (backups, replication) and are themselves chained. It
// imports the event log port, never an adapter, the codec or the domain.
package integrity
