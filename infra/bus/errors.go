package bus

import "errors"

// Error kinds of the bus. Wrapped errors carry details; test with errors.Is.
var (
	// ErrInvalidTopic: a topic that cannot be published to or subscribed
	// to (empty, reserved, or TopicAll for Publish).
	ErrInvalidTopic = errors.New("bus: invalid topic")
	// ErrInvalidMessage: a message that cannot become an event (no UUID,
	// malformed schema version).
	ErrInvalidMessage = errors.New("bus: invalid message")
	// ErrPublisherClosed: Publish was called after Close.
	ErrPublisherClosed = errors.New("bus: publisher closed")
	// ErrSubscriberClosed: Subscribe was called after Close, or the
	// subscription ended because its Subscriber was closed.
	ErrSubscriberClosed = errors.New("bus: subscriber closed")
	// ErrGroupBusy: the consumer group already consumes the topic through
	// this Subscriber; a group has one active member per topic.
	ErrGroupBusy = errors.New("bus: consumer group already consumes this topic")
	// ErrFenced: another member of the consumer group saved an offset for
	// the topic since this member loaded or saved it, so this member no
	// longer owns the group's place in the topic and stops.
	ErrFenced = errors.New("bus: consumer group offset was taken over by another member")
	// ErrNoPosition: a message carries no valid log position in its metadata.
	ErrNoPosition = errors.New("bus: message has no log position")
)
