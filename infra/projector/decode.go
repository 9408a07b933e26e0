package projector

import (
	"fmt"
	"strings"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// verdict is what the runner does with one event of the log.
type verdict uint8

const (
	// fold: a domain event to apply.
	fold verdict = iota
	// skip: not for projections — an unknown type (a newer writer's, the
	// poison queue's copies), the bus's offset streams, the store's own.
	skip
	// undecodable: a known type that does not decode; it is poisoned.
	undecodable
)

// deliverable reports whether a subscription of bus.TopicAll delivers
// events of stream; the catch-up skips the others as the bus does.
func deliverable(stream string) bool {
	return bus.TopicMatches(bus.TopicAll, stream) && !strings.HasPrefix(stream, "$")
}

// decode turns a stored event into the envelope projections consume.
func decode(d Decoder, rec eventstore.RecordedEvent) (projections.Envelope, verdict, error) {
	if !deliverable(rec.Stream) {
		return projections.Envelope{}, skip, nil
	}
	ev, known, err := d.Decode(rec)
	switch {
	case err != nil:
		return projections.Envelope{}, undecodable, fmt.Errorf("decode event %s at %s: %w", rec.ID, rec.Position, err)
	case !known:
		return projections.Envelope{}, skip, nil
	}
	return projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev}, fold, nil
}
