// Package eventlog implements the ports of the command handlers
// (commands.EventLog, commands.Outcomes and commands.Snapshots) over the
// event-log port (infra/eventstore), a small SQLite file of command
// outcomes and a SQLite file of aggregate snapshots.
//
// It owns the one encoding of domain events in the log: the payload as JSON
// in the event's data, under its stable type name and schema version, and
// the envelope — occurred_at, recorded_at, late_by, actor, command,
// correlation and operation IDs — as JSON in the event's metadata.
// It imports the domain, the commands' port declarations and the event
// store port; never an adapter of the store, nor cmd/.
package eventlog
