package projector

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// catchUpSubscriber names the catch-up as the "subscriber" of the events
// it poisons, where the router names the bus subscription.
const catchUpSubscriber = "projector.catch-up"

// poisonNamespace is the UUIDv5 namespace of the message UUIDs of poison
// copies: one per projection and event, so that poisoning the same event
// again (after a restart) is an idempotent append, while two projections
// poisoning the same event each leave their own record.
var poisonNamespace = uuid.MustParse("3c9d5e1a-7b2f-5a48-b6c3-9e0d1f2a3b4c")

// PoisonRecord is an event a projection gave up on: it kept failing to
// apply it (or to decode it), so it was published to the poison topic with
// the reason and skipped.
type PoisonRecord struct {
	EventID  string    `json:"event_id"`
	Position string    `json:"position"`
	Stream   string    `json:"stream"`
	Type     string    `json:"type"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// poisonLog counts the poisoned events of a projection and keeps the most
// recent ones. Guarded by the slot's mutex.
type poisonLog struct {
	limit  int
	count  uint64
	recent []PoisonRecord // oldest first
}

func (l *poisonLog) add(rec PoisonRecord) {
	l.count++
	if len(l.recent) == l.limit {
		copy(l.recent, l.recent[1:])
		l.recent = l.recent[:l.limit-1]
	}
	l.recent = append(l.recent, rec)
}

// poisonPublisher is the poison queue's publisher for one projection: it
// publishes to the log through the runner's bus publisher, then makes the
// poisoned event visible in the projection's status.
type poisonPublisher struct{ s *slot }

var _ message.Publisher = poisonPublisher{}

// Publish implements message.Publisher. It refuses a message whose
// delivery has ended: the router's Retry gives up with the context's error
// when the subscription stops, and that is no reason to skip an event for
// good — the event is delivered again on the next start.
func (pp poisonPublisher) Publish(topic string, msgs ...*message.Message) error {
	copies := make([]*message.Message, len(msgs))
	for i, msg := range msgs {
		if err := msg.Context().Err(); err != nil {
			return fmt.Errorf("projector: %s: not poisoning message %s: its delivery ended: %w", pp.s.name, msg.UUID, err)
		}
		c := msg.Copy()
		c.UUID = uuid.NewSHA1(poisonNamespace, []byte(pp.s.name+"\x00"+msg.UUID)).String()
		c.SetContext(msg.Context())
		copies[i] = c
	}
	if err := pp.s.r.publisher.Publish(topic, copies...); err != nil {
		return fmt.Errorf("projector: %s: publish to poison topic %s: %w", pp.s.name, topic, err)
	}
	for _, msg := range msgs {
		pp.s.poisoned(msg)
	}
	return nil
}

// Close implements message.Publisher; the runner closes the publisher it
// shares.
func (poisonPublisher) Close() error { return nil }

// poisoned records a published poison message in the status and moves
// the projection past its event.
func (s *slot) poisoned(msg *message.Message) {
	md := msg.Metadata
	rec := PoisonRecord{
		EventID:  md.Get(bus.MetaEventID),
		Position: md.Get(bus.MetaPosition),
		Stream:   md.Get(bus.MetaStream),
		Type:     md.Get(bus.MetaEventType),
		Reason:   md.Get(middleware.ReasonForPoisonedKey),
		At:       time.Now().UTC(),
	}
	s.log.Error("event poisoned: skipped after failing", slog.String("event_id", rec.EventID), slog.String("position", rec.Position),
		slog.String("stream", rec.Stream), slog.String("type", rec.Type), slog.String("reason", rec.Reason))
	s.mu.Lock()
	s.poison.add(rec)
	s.mu.Unlock()
	if pos, err := bus.PositionOf(msg); err == nil {
		s.advance(mark{pos: pos, ok: true})
	}
}

// poisonStored poisons an event the catch-up read from the store, in the
// form the live path's poison queue gives it.
func (s *slot) poisonStored(ctx context.Context, rec eventstore.RecordedEvent, reason error) error {
	msg := bus.MessageOf(rec)
	msg.SetContext(ctx)
	msg.Metadata.Set(middleware.ReasonForPoisonedKey, reason.Error())
	msg.Metadata.Set(middleware.PoisonedTopicKey, bus.TopicAll)
	msg.Metadata.Set(middleware.PoisonedHandlerKey, s.name)
	msg.Metadata.Set(middleware.PoisonedSubscriberKey, catchUpSubscriber)
	return poisonPublisher{s: s}.Publish(s.r.cfg.PoisonTopic, msg)
}
