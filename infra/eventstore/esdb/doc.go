// Package esdb is the clustered event log of Jointops: an
// [eventstore.Store] over EventStoreDB / KurrentDB through the official Go
// client (github.com/EventStore/EventStore-Client-Go/v4, v4.2.0).
//
// # Mapping
//
// A Jointops stream is an EventStoreDB stream of the same name and a
// revision is the event number. Positions are the server's (commit,
// prepare) transaction-file offsets. Expected revisions map to
// esdb.Any/NoStream/StreamExists/Revision, but the server never sees the
// caller's condition directly: see Append. ReadAll and SubscribeAll skip the
// events of system streams ("$…") and events without the envelope below —
// other applications' events on a shared server are not part of the
// Jointops log. ReadAll from After(p) asks the server for events from p,
// which it answers inclusively, and drops the event at p.
//
// Config.Namespace keeps several Jointops logs apart on one server (tenants,
// or the contract suite against a real server): stream s is stored as
// "<namespace>/s", the envelope names the namespace, and a Store sees only
// the events of its own.
//
// # Metadata envelope
//
// The schema version and the chain link have no place in an EventStoreDB
// event, so they travel in its custom metadata, a JSON object written by
// this package:
//
//	{"jointops":1,"v":3,"h":"<64 hex digits>","i":0,"n":2,"m":{"actor":"…"}}
//
//	jointops  envelope format version (1); events without it are foreign
//	v         schema version of the event's payload (≥ 1)
//	h         the event's chain link, eventstore.ChainLink, lowercase hex
//	i, n      the event's index in its append and the append's size
//	ns        the namespace, when Config.Namespace is set
//	m         the caller's metadata, when it is a compact JSON object or array
//	mb        the caller's metadata otherwise (indented JSON, scalars,
//	          binary), standard base64; both absent when it is empty
//
// The caller's metadata comes back byte for byte, as the chain link needs.
// A newer envelope version, or a malformed one, fails reads with
// ErrIncompatibleStore. The payload is stored as is, with content type JSON
// when it is valid JSON and binary otherwise.
//
// # Appends and the chain
//
// EventStoreDB does not compute chain links, which depend on the previous
// event of the stream. Append reads the stream's tail (IdempotencyWindow
// events plus the batch size), checks the caller's condition against it,
// computes the links and appends under the condition that tail implies
// (its last revision, or NoStream), so a racing writer cannot break the
// chain: its append or ours fails. A lost race is reported as a conflict
// under Exact and NoStream and retried (AppendAttempts) under Any and
// StreamExists. The result's position is that of the last appended event,
// read back after the append.
//
// Idempotency: a retry is recognised in the tail read before appending
// (EventStoreDB's own idempotency works only when the expected revision
// matches), using the envelope's i and n to tell "the same append" apart
// from IDs stored by different appends (ErrDuplicateEventID, as for a mix
// of stored and new IDs). A retry older than the window is not recognised
// as such: if this Store remembers its IDs (RecentIDs) it answers
// ErrDuplicateEventID, otherwise the events are stored again. The window
// is read on every append, so it costs: on loopback an append to one
// stream takes about 0.25 ms with a window of 1, 0.4 ms with 16 (the
// default) and 1 ms with 64. EventStoreDB indexes event IDs per stream only, so an ID reused
// in another stream is detected only while this Store remembers it
// (RecentIDs most recent IDs it appended); reuse across processes or after
// a restart is not detected and the event is stored twice.
//
// # Limits
//
// A server refuses an append larger than its MaxAppendSize (1 MiB by
// default, counting data, metadata and type of all its events) with an
// error that Is ErrInvalidArgument. Jointops stores events of up to 1 MiB
// of data: run the server with a larger MaxAppendSize (4 MiB, say).
//
// # Sharp edges of the v4.2.0 client, and how they are handled
//
//   - esdb.FromError returns ok == true only for a nil error and does not
//     unwrap: it is never used. translate, the one function that maps
//     client errors to the port's, matches *esdb.Error with errors.As and
//     reads the expected and current revisions of a wrong-expected-version
//     error from its text, the only place the client keeps them.
//   - Stream-not-found surfaces on the first Recv of a read, not from
//     ReadStream: reads treat it there.
//   - Subscriptions never resubscribe after a drop: ours keep the position
//     of the last event received and subscribe again from it, with backoff,
//     invisibly to the consumer.
//   - A failed discovery stops the client for good, and calls queued on it
//     block forever: the Store rebuilds the client behind a mutex, closes
//     the dead one (releasing those calls) and retries the call once.
//     Discovery also ignores contexts: every call runs on its own goroutine
//     so that the caller's ctx is honoured. Closing a client while a call
//     sends to it races (and panics), so a live client is closed only once
//     its calls have ended. Only appends and subscriptions send the client
//     into rediscovery when a node goes away; reads return the gRPC error
//     as is and leave reconnecting to gRPC (translated to ErrUnavailable).
//   - ReadStream.Recv panics ("unreachable code") on message kinds it does
//     not know, and calls on a client closed under them panic ("send on
//     closed channel"): every client call runs under protect, and a
//     subscription's Recv under receive, which turn panics into errors (a
//     subscription then subscribes again).
//   - An event without the "created" system metadata makes the client call
//     log.Fatalf while decoding it. Servers always set it; this package
//     cannot intercept it, and the esdbtest server must always send it.
//   - The client logs to the console by default and logs routine events as
//     errors: its logger is routed to the Config's slog.Logger (client
//     errors as warnings), and the keepAliveInterval setting, whose parse
//     warning would bypass that logger, is applied by this package.
//   - The client sends credentials only over TLS and ignores unknown
//     connection string settings: Config.Validate rejects credentials with
//     tls=false and unknown settings.
//
// This package implements the port of infra/eventstore and imports nothing
// else of the project; only cmd/ wires it in.
package esdb
