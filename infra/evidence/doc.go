// Package evidence writes an operation's history as a self-contained,
// signed bundle and verifies such a bundle offline, with nothing but the
// bundle and a pinned public key.
//
// A bundle is a directory: events.jsonl (the operation's events in log
// order, envelope and payload as stored), links.jsonl (the chain link of
// every event of the exported streams, also of events withheld from this
// export), checkpoint.json (the heads of those streams signed at export
// time, and the latest server checkpoint), optional tracks/<unit>.geojson,
// and manifest.json, which lists every file's SHA-256 and is itself signed.
// Every exported event's link is recomputed from its content, so a bundle
// proves both that its events are those of the log and, through the signed
// heads, that none is missing at the end.
//
// Exports may be scoped: "as seen by" one agency at the export position
// (markings, relaxations, participants and the agency directory as they
// were then), and judicial (H1-marked reports left out unless a judicial-use
// permission was recorded for them). The manifest names what was withheld
// and why, never its content.
//
// It reads the log through the eventstore port and the codec; it imports no
// adapter and nothing of commands or httpapi.
package evidence
