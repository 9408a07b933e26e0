// Package httpapi is the HTTP edge of Jointops: the versioned JSON command
// API (/v1), the reads of single aggregates, and health and readiness.
//
// Every /v1 request is authenticated by its bearer token (infra/auth),
// rate-limited per principal, and its body read under a size limit as one
// JSON object of known fields in valid UTF-8. Request bodies are decoded into
// wire types of plain fields and then built into domain values through their
// constructors, so that every problem of an input is reported at once under
// its field path. The command handlers (commands/) decide; this package only
// translates. Errors of every layer are mapped to statuses and stable
// problem types (RFC 9457) in one function, problemFor; the routes and their
// examples are documented in docs/API.md, whose examples run as tests.
//
// It imports the application layer and the domain's value types, never
// another adapter's internals, and never cmd/.
package httpapi
