// Package eventstore is the event log port of Jointops: the types every
// adapter speaks (positions, expected revisions, recorded events), the typed
// errors, the SHA-256 chain that makes tampering detectable, and Verify.
//
// The semantics of the port live in the doc comments of [Store] and are
// enforced for every adapter by the contract suite in package storetest.
// Adapters live in sub-packages (sqlite, esdb); this package imports neither
// them nor anything of the project outside infra/eventstore.
package eventstore
