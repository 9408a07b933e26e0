// Package storetest is the contract suite of the event log port: every
// adapter of eventstore.Store runs [Run] from a test of its own package, so
// the semantics documented on the port are checked the same way everywhere.
//
// An adapter wires the suite with a [Harness]:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New:    func(t *testing.T) eventstore.Store { … a fresh, empty store … },
//			Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store { … close s, open its storage again … },
//			Tamper: func(t *testing.T, s eventstore.Store, kind storetest.TamperKind, stream string, rev uint64) { … },
//		})
//	}
//
// The suite covers appends and their expected-revision conditions, conflicts
// between concurrent writers, idempotent retries and duplicate IDs, argument
// validation, global ordering, reads in both directions with paging, heads,
// subscriptions (catch-up, live hand-over under concurrent appends, filters,
// slow subscribers, Close and cancellation), large events, many streams,
// close and reopen, cancelled contexts, and integrity verification with
// tampering. Tests run in parallel, each on its own store from Harness.New;
// Harness.Scale shrinks the heavy ones for slow adapters.
//
// The package is imported only by tests. It imports the port
// (infra/eventstore) and the standard library's testing package, never an
// adapter and nothing else of the project.
package storetest
