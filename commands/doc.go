// Package commands is the application layer of Jointops: one handler per use
// case. A handler loads the aggregate from its stream, checks who is asking
// against the current state, lets the aggregate decide, and appends the
// resulting events expecting the version it decided on. A conflict reloads
// and decides again, a bounded number of times; a refusal appends nothing.
//
// Every command carries a client-chosen CommandID. Its outcome — accepted
// with its position, or the refusal — is recorded (the Outcomes port), so a
// retry returns the original answer and never appends twice, also across a
// restart: the event IDs of an append are derived from the command ID, so
// even a crash between the append and the record is answered by the event
// log's own idempotency.
//
// The package declares the ports it needs (EventLog, Outcomes, Clock) and
// imports only domain/; infra/ implements the ports and cmd/ wires them.
package commands
