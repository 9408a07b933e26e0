package bus

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/eventstore"
)

// MessageOf returns the message a Subscriber delivers for ev. Consumers
// that read the log directly (a projection catching up in pages) use it to
// hand an event to code written for delivered messages — a poison queue,
// for one — in exactly the form a subscription would have.
func MessageOf(ev eventstore.RecordedEvent) *message.Message { return toMessage(ev) }

// recordedKey is the context key of the event a delivered message copies.
type recordedKey struct{}

// withRecorded remembers ev in ctx, for Recorded.
func withRecorded(ctx context.Context, ev eventstore.RecordedEvent) context.Context {
	return context.WithValue(ctx, recordedKey{}, ev)
}

// Recorded returns the event of the log that a Subscriber of this process
// delivered msg for, exactly as stored. The message's metadata flattens the
// event's metadata and the envelope into one map, in which envelope keys win
// (an event metadata key "recorded_at" is lost); a consumer in the same
// process that needs the event itself — to decode it, to check its chain
// link — takes it from here instead of reading it from the store again.
// ok is false for a message that did not come from a Subscriber here (one
// read back from a poison topic, one built by MessageOf, one that crossed a
// process boundary).
func Recorded(msg *message.Message) (ev eventstore.RecordedEvent, ok bool) {
	ev, ok = msg.Context().Value(recordedKey{}).(eventstore.RecordedEvent)
	return ev, ok
}
