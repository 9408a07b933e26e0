package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// subscription is one Subscribe call: a store feed, the delivery loop that
// hands its matching events out one at a time, and for a consumer group the
// offset tracker with its flusher.
type subscription struct {
	s     *Subscriber
	topic string
	log   *slog.Logger
	out   chan *message.Message

	ctx    context.Context // the Subscribe ctx, also cancelled by Close or fencing
	cancel context.CancelCauseFunc
	stop   func() bool // detaches ctx from the Subscriber's done

	feed    eventstore.Subscription
	cursor  eventstore.Cursor // after the last event taken from feed
	tracker *offsetTracker    // nil without a consumer group
}

// open resolves where the subscription starts and opens its store feed, so
// that events appended once Subscribe has returned are delivered.
func (s *Subscriber) open(ctx context.Context, topic string) (*subscription, error) {
	subCtx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(s.done, func() { cancel(ErrSubscriberClosed) })
	sub := &subscription{
		s: s, topic: topic, log: s.log.With("topic", topic),
		out: make(chan *message.Message), ctx: subCtx, cancel: cancel, stop: stop,
		cursor: s.cfg.InitialCursor,
	}
	fail := func(err error) (*subscription, error) {
		stop()
		cancel(err)
		return nil, err
	}
	if group := s.cfg.ConsumerGroup; group != "" {
		off, err := s.cfg.Offsets.Load(subCtx, group, topic)
		if err != nil {
			return fail(err)
		}
		member := uuid.NewString()
		sub.tracker = newOffsetTracker(s.cfg.Offsets, group, topic, off, member)
		sub.log = sub.log.With("member", member)
		switch {
		case off.Found():
			sub.cursor = eventstore.After(off.Position)
		case sub.cursor.IsEnd():
			head, ok, err := s.store.Head(subCtx)
			if err != nil {
				return fail(fmt.Errorf("head of log: %w", err))
			}
			if ok {
				sub.cursor = eventstore.After(head)
				sub.tracker.ack(head)
			}
		}
	}
	feed, err := s.store.SubscribeAll(subCtx, sub.cursor, topicFilter(topic))
	if err != nil {
		return fail(err)
	}
	sub.feed = feed
	return sub, nil
}

// run delivers until the subscription ends, then saves the offset, frees
// the group's claim on the topic and closes the output channel — in that
// order, so that whoever sees the channel closed and subscribes again
// resumes from the saved offset.
func (sub *subscription) run() {
	var flushed chan struct{}
	if sub.tracker != nil {
		flushed = make(chan struct{})
		go sub.flushLoop(flushed)
	}
	for {
		ev, err := sub.next()
		if err != nil {
			break
		}
		sub.cursor = eventstore.After(ev.Position)
		if !TopicMatches(sub.topic, ev.Stream) {
			continue
		}
		if !sub.deliver(ev) {
			break
		}
	}
	if sub.feed != nil {
		_ = sub.feed.Close()
	}
	sub.cancel(nil)
	var err error
	if sub.tracker != nil {
		<-flushed
		err = sub.finalFlush()
	}
	sub.stop()
	// The group is free again before the channel closes (a consumer that
	// sees it close may subscribe again at once), and the channel is closed
	// before Close may return (it promises closed channels).
	sub.s.release(sub.topic, err)
	close(sub.out)
	sub.s.wg.Done()
}

// next returns the next event of the feed, reconnecting after a failure of
// the store. It fails only when the subscription ends.
func (sub *subscription) next() (eventstore.RecordedEvent, error) {
	for {
		if sub.feed != nil {
			ev, err := sub.feed.Next(sub.ctx)
			switch {
			case err == nil:
				return ev, nil
			case sub.ctx.Err() != nil:
				return ev, context.Cause(sub.ctx)
			case errors.Is(err, eventstore.ErrClosed):
				sub.log.Warn("bus: store feed closed, ending subscription", "error", err)
				return ev, err
			}
			sub.log.Warn("bus: store feed failed, resubscribing", "error", err, "after", sub.cursor.String(), "delay", sub.s.cfg.ResubscribeDelay)
			_ = sub.feed.Close()
			sub.feed = nil
		}
		if !sleep(sub.ctx, sub.s.cfg.ResubscribeDelay) {
			return eventstore.RecordedEvent{}, context.Cause(sub.ctx)
		}
		feed, err := sub.s.store.SubscribeAll(sub.ctx, sub.cursor, topicFilter(sub.topic))
		switch {
		case err == nil:
			sub.feed = feed
		case sub.ctx.Err() != nil:
			return eventstore.RecordedEvent{}, context.Cause(sub.ctx)
		case errors.Is(err, eventstore.ErrClosed):
			sub.log.Warn("bus: store closed, ending subscription", "error", err)
			return eventstore.RecordedEvent{}, err
		default:
			sub.log.Warn("bus: resubscribe failed", "error", err, "after", sub.cursor.String())
		}
	}
}

// deliver hands ev out until it is acknowledged; it returns false when the
// subscription ended first. Every attempt is a fresh message whose context
// is cancelled once it is acked or nacked, or the subscription ends.
func (sub *subscription) deliver(ev eventstore.RecordedEvent) bool {
	for {
		msg := toMessage(ev)
		msgCtx, cancelMsg := context.WithCancel(withRecorded(sub.ctx, ev))
		msg.SetContext(msgCtx)
		select {
		case sub.out <- msg:
		case <-sub.ctx.Done():
			cancelMsg()
			return false
		}
		select {
		case <-msg.Acked():
			cancelMsg()
			if sub.tracker != nil {
				sub.tracker.ack(ev.Position)
			}
			return true
		case <-msg.Nacked():
			cancelMsg()
			if !sleep(sub.ctx, sub.s.cfg.NackResendDelay) {
				return false
			}
		case <-sub.ctx.Done():
			cancelMsg()
			// An ack that raced with the end of the subscription still
			// counts: the final flush must save it, or a clean Close would
			// redeliver a message the consumer acknowledged.
			select {
			case <-msg.Acked():
				if sub.tracker != nil {
					sub.tracker.ack(ev.Position)
				}
			default:
			}
			return false
		}
	}
}

// flushLoop saves the group's offset every OffsetFlushInterval until the
// subscription ends. Being fenced out ends the subscription.
func (sub *subscription) flushLoop(flushed chan<- struct{}) {
	defer close(flushed)
	tick := time.NewTicker(sub.s.cfg.OffsetFlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-sub.ctx.Done():
			return
		case <-tick.C:
		}
		err := sub.tracker.flush(sub.ctx)
		switch {
		case err == nil || sub.ctx.Err() != nil:
		case errors.Is(err, ErrFenced):
			sub.log.Error("bus: fenced out of consumer group, ending subscription", "error", err)
			sub.cancel(err)
			return
		default:
			sub.log.Warn("bus: saving offset failed, will retry", "error", err)
		}
	}
}

// finalFlush saves the last acknowledged offset of an ending subscription,
// unless it ended because it was fenced out (then the error is returned).
func (sub *subscription) finalFlush() error {
	if cause := context.Cause(sub.ctx); errors.Is(cause, ErrFenced) {
		return cause
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(sub.ctx), sub.s.cfg.OffsetFlushTimeout)
	defer cancel()
	if err := sub.tracker.flush(ctx); err != nil {
		sub.log.Error("bus: saving offset at end of subscription failed; the unsaved events will be delivered again", "error", err)
		return fmt.Errorf("bus: group %s, topic %s: save offset: %w", sub.tracker.group, sub.topic, err)
	}
	return nil
}

// sleep waits for d or until ctx is done, reporting whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
