// Package loadgen loads a running Jointops server the way its users do and
// reports what it saw: field units filing reports over HTTP at a fixed
// rate (open loop: every send is scheduled, and its latency counts from the
// scheduled time, so a stalled server cannot hide its stall by slowing the
// sender down), live boards of every agency following the operations over
// WebSocket, and the server's own numbers read from its /metrics endpoint.
//
// Every board checks what it receives against what the server accepted: a
// position it should have received and did not (a gap), or received twice
// or out of order (a duplicate), is counted; the time from a command's
// answer to the delta carrying it on each board is measured. Retried
// commands (same command ID) must get the original answer. Baselines run
// in the same process — direct appends to a bare SQLite store, and a bare
// gorilla broadcast to as many clients — so the results read as ratios.
//
// The package is a client of the documented HTTP and board protocols
// (docs/API.md): it imports infra/boardws only for the protocol's client
// side and infra/eventstore (with its SQLite adapter) only for the append
// baseline and for positions. It must not import commands/, projections/,
// infra/httpapi or cmd/.
package loadgen
