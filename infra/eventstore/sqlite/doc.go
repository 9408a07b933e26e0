// Package sqlite is the embedded event log of Jointops: an
// [eventstore.Store] kept in one SQLite file through the pure-Go
// modernc.org/sqlite driver, so a forward command post runs one static
// binary with no database server.
//
// Appends are durable when acknowledged (WAL journal, synchronous=FULL).
// One writer goroutine owns the write connection and commits the appends
// that queue up while it is busy in one transaction (group commit); each
// caller still gets its own result or its own error. A bounded in-memory
// ring of the events committed last feeds live subscribers without touching
// the file; a subscriber that falls behind the ring reads the file instead,
// so appends never wait for subscribers. A background checkpointer copies
// the WAL back into the database file off the commit path.
//
// The file is owned by one process at a time: the writer caches stream heads
// and the log position, so a second process appending to the same file would
// make its appends fail until it resynchronises, and could break the chain. It remains readable with the stock sqlite3 tool.
//
// This package implements the port of infra/eventstore and imports nothing
// else of the project; only cmd/ wires it in.
package sqlite
