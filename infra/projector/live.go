package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// errSubscriptionEnded: the subscription stopped although nobody asked.
var errSubscriptionEnded = errors.New("subscription ended unexpectedly")

// live consumes the log through a bus subscription of the projection's
// consumer group, whose offsets are the checkpoint store, until ctx is
// done (nil, nil), a rebuild is requested (returned), or the subscription
// fails (fenced out by another runner, checkpoint or store failure).
func (s *slot) live(ctx context.Context) (*rebuildRequest, error) {
	cfg := s.r.cfg
	sub, err := bus.NewSubscriber(cfg.Store, bus.SubscriberConfig{
		ConsumerGroup:       s.name,
		InitialCursor:       eventstore.Start,
		OffsetFlushInterval: cfg.FlushInterval,
		Offsets:             s.r.checkpoints,
		Logger:              cfg.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("projector: %s: %w", s.name, err)
	}
	subscriber := &onceSubscriber{Subscriber: sub}
	router, err := bus.NewRouter(bus.RouterConfig{
		PoisonTopic:          cfg.PoisonTopic,
		MaxRetries:           cfg.MaxRetries,
		RetryInitialInterval: cfg.RetryInitialInterval,
		RetryMaxInterval:     cfg.RetryMaxInterval,
		Logger:               cfg.Logger,
	}, poisonPublisher{s: s})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("projector: %s: %w", s.name, err), subscriber.Close())
	}
	handler := router.AddConsumerHandler(s.name, bus.TopicAll, subscriber, s.handle)

	routerCtx, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- router.Run(routerCtx) }()
	select {
	case <-router.Running():
	case err := <-ran:
		return nil, errors.Join(fmt.Errorf("projector: %s: start subscription: %w", s.name, err), subscriber.Close())
	}
	s.setPhase(PhaseLive)
	s.log.Info("subscribed", slog.String("after", s.handledMark().String()))
	s.answerRebuilds()

	var next *rebuildRequest
	select {
	case <-ctx.Done():
	case req := <-s.rebuilds:
		next = &req
	case <-handler.Stopped():
	}
	stop()
	closeErr := router.Close()
	runErr := <-ran
	subErr := subscriber.Close()
	switch {
	case subErr != nil:
		return nil, fmt.Errorf("projector: %s: subscription: %w", s.name, subErr)
	case next == nil && ctx.Err() == nil:
		return nil, fmt.Errorf("projector: %s: %w", s.name, errors.Join(errSubscriptionEnded, closeErr, runErr))
	}
	return next, nil
}

// handle is the router's handler: it folds one delivered event unless it
// was handled already. It reads the event back from the store, because
// delivery overwrites event metadata named like the bus's envelope keys
// (the codec's recorded_at among them).
func (s *slot) handle(msg *message.Message) error {
	pos, err := bus.PositionOf(msg)
	if err != nil {
		return err
	}
	if !s.handledMark().before(pos) {
		return nil
	}
	rec, err := s.stored(msg, pos)
	if err != nil {
		return err
	}
	env, v, err := decode(s.r.cfg.Decoder, rec)
	switch v {
	case undecodable:
		return err
	case fold:
		if err := s.apply(msg.Context(), env); err != nil {
			return err
		}
	}
	s.advance(mark{pos: pos, ok: true})
	return nil
}

// stored returns the event a message was delivered for: the one the
// subscriber delivered it from when it says so, or else read from the store
// (the message's metadata is not the event's own, see bus.Recorded).
func (s *slot) stored(msg *message.Message, pos eventstore.Position) (eventstore.RecordedEvent, error) {
	if ev, ok := bus.Recorded(msg); ok && ev.Position == pos && ev.ID.String() == msg.Metadata.Get(bus.MetaEventID) {
		return ev, nil
	}
	stream := msg.Metadata.Get(bus.MetaStream)
	rev, err := strconv.ParseUint(msg.Metadata.Get(bus.MetaRevision), 10, 64)
	if err != nil || stream == "" {
		return eventstore.RecordedEvent{}, fmt.Errorf("message %s at %s: no stream and revision: %w", msg.UUID, pos, bus.ErrInvalidMessage)
	}
	evs, err := s.r.cfg.Store.ReadStream(msg.Context(), stream, eventstore.Forwards, rev, 1)
	if err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("read event %s@%d: %w", stream, rev, err)
	}
	if len(evs) != 1 || evs[0].Position != pos || evs[0].ID.String() != msg.Metadata.Get(bus.MetaEventID) {
		return eventstore.RecordedEvent{}, fmt.Errorf("read event %s@%d: the log holds another event than message %s at %s", stream, rev, msg.UUID, pos)
	}
	return evs[0], nil
}

// onceSubscriber remembers the outcome of the first Close, which the
// router may make before the runner asks: bus.Subscriber reports its
// failures (being fenced out) only once.
type onceSubscriber struct {
	*bus.Subscriber
	once sync.Once
	err  error
}

// Close closes the subscriber once and returns the first call's result.
func (o *onceSubscriber) Close() error {
	o.once.Do(func() { o.err = o.Subscriber.Close() })
	return o.err
}
