// Package metrics exposes the server's operational numbers in the
// Prometheus text format at /metrics: appends and their latency, command
// outcomes, subscriber lag per consumer group, connected boards per agency
// and board queue drops, plus the Go runtime and process collectors (CPU,
// memory, goroutines) that the load generator reads back.
//
// Everything is registered on the Metrics value's own registry, never the
// global default one, so that tests and several servers in one process do
// not collide. Producers in other packages do not import this package: they
// are wrapped (InstrumentStore), observed through small functions the
// server wires (CommandOutcome, BoardsConnected…), or polled (GaugeFunc
// over a status method).
package metrics
