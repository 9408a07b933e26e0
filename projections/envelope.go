package projections

import "github.com/jointops/jointops/domain"

// Envelope is one recorded event as projections consume it: the event with
// where the log put it.
type Envelope struct {
	// Position is the event's global position, assigned by the log. It is
	// opaque: projections carry it (a view is "as of" a position) and never
	// parse or compare it.
	Position string
	// Stream is the name of the event's stream, e.g. "operation-<id>".
	Stream string
	// Revision is the event's number in its stream, from 0.
	Revision uint64
	// Event is the decoded event: payload, times and actor.
	Event domain.Event
}
