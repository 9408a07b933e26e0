// Package projections holds the read models of Jointops: pure folds of the
// event log into the state that boards, lists and replays show. This package
// declares what every projection consumes — the Envelope of one recorded
// event, delivered strictly in log order — the Router that tells which
// operation an event belongs to, and the AgencyOperations list; the
// per-operation situation board lives in package board.
//
// Projections are deterministic and never fail: the same events in the same
// order always give the same state, and events of unknown types are
// ignored, so old code can fold newer logs. They perform no I/O and read no
// clock; time comes from the events.
//
// Read models can be saved and restored instead of folded again from the
// start of the log: AgencyOperations and Router implement
// encoding.BinaryMarshaler and encoding.BinaryUnmarshaler, and a board has
// MarshalBinary and board.Restore. A snapshot starts with its format
// version; restoring one of a version this build does not read fails with
// ErrSnapshotVersion (rebuild from the log), any other unusable snapshot
// with ErrSnapshotCorrupt.
//
// The packages under projections/ import only the domain model
// (domain/...), the standard library and github.com/google/uuid. They never
// import commands/ or infra/: the runner that feeds them from the event log
// and the hub that serves their views live in infra/ and depend on them,
// never the other way round (.ci/depcheck enforces it).
package projections
