// Package httpapi is the HTTP edge of Jointops: routing, health and
// readiness, request logging, and (as the command API lands) the mapping of
// error kinds to HTTP statuses — done once, here. It must not import cmd/.
package httpapi
