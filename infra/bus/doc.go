// Package bus carries events out of the event log through watermill: a
// message.Publisher and a message.Subscriber over eventstore.Store (any
// adapter), so that projections, the board hub and outbound integrations
// consume the log through a message.Router (see NewRouter: Recoverer, Retry,
// PoisonQueue, CorrelationID). It passes watermill's universal Pub/Sub suite
// with the features it really has: persistent, ordered, consumer groups, new
// subscribers receive old messages; not exactly-once, and the publisher's
// context is not carried to subscribers.
//
// # Topics
//
// A topic names a set of streams. Publish(topic, msgs…) appends the
// messages, as one atomic and contiguous append, to the stream named topic.
// Subscribe(ctx, topic) delivers the events of the stream named topic and of
// its category: every stream named topic + "-" + anything, so topic
// "operation" delivers "operation-4b1e…" too (TopicMatches). Topics must
// therefore not be categories of one another by accident: a poison topic
// for "operation" is "poison.operation", not "operation-poison". TopicAll
// ("*") delivers the whole log.
//
// # Messages and events
//
// A published message becomes an event whose ID is derived from the topic
// and the message UUID (EventID): re-publishing is an idempotent retry, and
// the same message can still go to several topics (a poison queue re-
// publishes the message it got). The message UUID travels in the event's
// metadata and comes back as the UUID of the delivered message; an event
// appended by anyone else is delivered with its event ID as UUID. Payload
// is the event's data; metadata is the event's JSON metadata object as a
// string map plus the envelope keys (MetaStream, MetaRevision, MetaPosition,
// MetaEventType, MetaSchemaVersion, MetaRecordedAt, MetaEventID). A
// delivered message that is published again is a copy, not the event: it
// is appended with the publisher's default type and its origin under
// MetaOriginPrefix keys, so no consumer folds the same fact twice.
//
// # Delivery and consumer groups
//
// A subscription delivers one message at a time in log order; the next
// only after the previous is acked; a nacked message comes again, after
// NackResendDelay, before anything later. With SubscriberConfig.ConsumerGroup
// every (group, topic) has a durable offset in an OffsetStore — by default
// LogOffsets, which keeps it in the log itself, in streams beginning with
// OffsetStreamPrefix that no subscription delivers. Acks only move the
// offset in memory; it is saved every OffsetFlushInterval and when the
// subscription ends. Delivery is therefore at least once: after a crash up
// to one interval of acked events comes again, so consumers must be
// idempotent by the message's log position (PositionOf). After a clean
// Close nothing is redelivered.
//
// A group consumes a topic through one member at a time. A second Subscribe
// of the same group and topic on the same Subscriber fails with ErrGroupBusy.
// Members that cannot see each other — two Subscribers with the same group,
// in one process or on two nodes sharing the log — are fenced: every save is
// conditional on the offset's version, so the first member to save after
// the other loaded wins and the loser's subscription ends with ErrFenced
// (logged and reported by Close). Between its load and that save both
// members may deliver the same events; nothing is lost.
//
// # Imports
//
// bus imports the eventstore port and watermill, never an adapter: the
// concrete store is chosen by cmd. Nor does it import domain, commands or
// projections; they are its consumers.
package bus
