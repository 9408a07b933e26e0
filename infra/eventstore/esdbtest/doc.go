// Package esdbtest is a test double of an EventStoreDB (KurrentDB) server: an
// in-process gRPC server speaking the EventStoreDB client protocol over an
// in-memory log, so that the real client
// (github.com/EventStore/EventStore-Client-Go/v4/esdb) and the esdb adapter's
// contract suite run in CI where no server can be installed. It follows the
// server's documented semantics (23.x/24.x), not what one adapter happens to
// need; where it must choose, it says so below.
//
// Start a server, connect with its URL and Close it when done:
//
//	srv, err := esdbtest.Start(ctx, esdbtest.Config{})
//	cfg, err := esdb.ParseConnectionString(srv.URL())
//	client, err := esdb.NewClient(cfg)
//	defer srv.Close()
//
// # What it implements
//
//   - ServerFeatures.GetSupportedMethods (the client's probe on connect) and
//     Gossip.Read (a cluster of one leader), so esdb:// and esdb+discover://
//     connection strings work. Credentials and headers are accepted and
//     ignored: there are no users and no ACLs.
//   - Streams.Append with the expected revisions any, no_stream,
//     stream_exists and an exact revision. A conflict is an AppendResp
//     wrong_expected_version carrying the current and the expected
//     revision. Each event needs the "type" and "content-type" metadata, or
//     the call fails with InvalidArgument and the
//     "missing-required-metadata-property" exception trailer; an append
//     larger than Config.MaxAppendSize fails with
//     "maximum-append-size-exceeded". Retries are idempotent as on the
//     server: with an exact revision (or no_stream) the IDs must match the
//     events right after it; with any or stream_exists every ID must already
//     be in the stream. Either way the first result is returned and nothing
//     is written; a retry that matches only in part is a wrong expected
//     version. (The server remembers IDs in a bounded cache; this double
//     never forgets.) stream_exists also passes when only the stream's
//     metadata stream ("$$name") exists. Appending no events checks the
//     expectation and reports the current revision (the v4 client turns a
//     no_stream answer into NextExpectedVersion 1).
//   - Streams.Read for streams and $all, forwards and backwards, from a
//     revision or position or Start/End, with a count, server-side filters
//     on $all (stream name or event type, prefixes or regular expression),
//     link resolution ("$>" events whose data is "revision@stream"), both
//     UUID encodings, and the control option: with compatibility ≥ 1 stream
//     reads end with last_stream_position (and first_stream_position when
//     the first page is empty), which older clients do not understand and
//     so never get. A missing stream is a stream_not_found message, not an
//     error status. Forwards reads of $all include the event at the given
//     position; backwards reads start before it.
//   - Catch-up subscriptions (the same RPC with the subscription option) to
//     a stream or to $all, optionally filtered: a confirmation, the stored
//     events after the given revision or position (exclusive, as on the
//     server), caught_up, then live events, strictly in log order with no
//     gap or duplicate across the hand-over, also under concurrent appends.
//     Filtered subscriptions get a checkpoint after every search window ×
//     checkpoint multiplier events considered, at the position of the last
//     one. A subscription to a stream that does not exist yet waits for it.
//   - Errors as gRPC statuses with the trailers clients inspect, e.g.
//     InvalidArgument "Trying to read from an invalid position." for a
//     position whose prepare part exceeds its commit part.
//
// # Positions
//
// Positions are synthetic but of the server's kind: byte offsets in a
// transaction file. Each event's prepare position is the offset of its
// record; by default the events of one append share the commit position of
// the commit record written after them (the explicit-transaction layout,
// which makes commit positions non-unique); with Config.ImplicitCommits each
// event's commit position equals its prepare position, as current servers
// write single appends. Positions strictly increase and are never dense
// counters. An append reports its commit position as both commit and
// prepare, as the server does. The log starts after an epoch record and a
// few system events.
//
// # System events
//
// A fresh server already holds events of system streams (names beginning
// with "$": "$$$scavenges", "$$$stats-…", "$users"), as a real database does.
// They appear in $all, so an adapter reading $all must filter them out.
//
// # Slow subscribers and drops
//
// Subscribers are served from the log itself, never from a bounded buffer:
// a subscriber slower than the writers falls behind the head and catches up
// again without being dropped and without slowing appends. Current servers
// do the same and do not tell clients; Config.FellBehindAfter makes this
// server send fell_behind (and caught_up again) for clients that want to see
// it. DropSubscriptions and Close end subscriptions with an Unavailable
// status, as a node going away does; a client cancelling its context ends
// the server side promptly.
//
// # Integrity tests
//
// The Tamper hooks (TamperFlipDataByte, TamperDelete, TamperSwap) alter
// stored events behind the protocol's back so that hash chains and Verify
// can be tested against this server.
//
// # What it does not implement
//
// Persistent subscriptions, projections, users and ACLs, stream deletion and
// tombstones (Delete and Tombstone answer Unimplemented), stream metadata
// semantics ($maxAge, $maxCount, $tb: metadata streams are stored as plain
// streams), BatchAppend, TLS, clustering, leader election, scavenging and
// durability: the log lives in memory and is gone after Close.
//
// This package is for tests only. It imports the client's generated protos,
// gRPC and the standard library; it must not import anything of Jointops,
// and no production code may import it.
package esdbtest
