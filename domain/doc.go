// Package domain is the shared kernel of the Jointops domain model: typed
// identifiers, the event and payload contract with its registry, the metadata
// of a decision (who acts, when it happened in the field, when the server
// recorded it), the rejection and validation errors every aggregate returns,
// the bookkeeping every aggregate shares, and the snapshot contract
// (Snapshotter) with its versioned encoding.
//
// The aggregates live in sub-packages, each with its own stream: state,
// agency, operation (lifecycle, planning and command structure), task and
// fieldlog (the reports of one unit in one operation). The value objects they
// share live in geo and marking; catalog registers every event type;
// domaintest is the Given/When/Then harness for aggregate tests.
//
// Aggregates decide and apply only records: a public method checks the
// invariants and raises events; a private apply folds an event into state and
// never fails, so history always replays.
//
// Everything under domain/ is pure. It imports only the standard library,
// github.com/google/uuid and github.com/paulmach/orb; it performs no I/O and
// never reads a clock (time arrives as a value in Meta). It must not import
// any other package of this module: the event store, the command handlers
// and the projections depend on the domain, never the other way round.
package domain
