package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/eventstore"
)

// Defaults of SubscriberConfig, applied to fields left zero.
const (
	DefaultNackResendDelay     = 100 * time.Millisecond
	DefaultOffsetFlushInterval = 100 * time.Millisecond
	DefaultOffsetFlushTimeout  = 5 * time.Second
	DefaultResubscribeDelay    = time.Second
)

// SubscriberConfig configures a Subscriber. The zero value is valid: no
// consumer group, every subscription from the start of the log.
type SubscriberConfig struct {
	// ConsumerGroup, if set, gives every topic subscribed to a durable
	// offset: a subscription resumes after the last event the group
	// acknowledged. Renaming a group is a migration: the new name starts
	// from InitialCursor. Without a group, every Subscribe starts at
	// InitialCursor and nothing is saved.
	ConsumerGroup string
	// InitialCursor is where a subscription without a saved offset starts:
	// eventstore.Start (the zero value) or eventstore.End. A consumer group
	// that starts at End records the end of the log as its offset at once,
	// so that it does not skip events if it stops before acknowledging any.
	InitialCursor eventstore.Cursor
	// NackResendDelay is how long a nacked message waits before it is
	// delivered again.
	NackResendDelay time.Duration
	// OffsetFlushInterval is how often the latest acknowledged position of a
	// group subscription is saved: at most this much work is redelivered
	// after a crash.
	OffsetFlushInterval time.Duration
	// OffsetFlushTimeout bounds the last save of an ending subscription.
	OffsetFlushTimeout time.Duration
	// ResubscribeDelay is the pause before a subscription whose store feed
	// failed (other than by closing) reconnects after its last event.
	ResubscribeDelay time.Duration
	// Offsets stores the group offsets; the default keeps them in the log
	// the Subscriber reads (LogOffsets).
	Offsets OffsetStore
	// Logger receives operational messages; the default is slog.Default().
	Logger *slog.Logger
}

func (c *SubscriberConfig) setDefaults(store eventstore.Store) {
	if c.NackResendDelay == 0 {
		c.NackResendDelay = DefaultNackResendDelay
	}
	if c.OffsetFlushInterval == 0 {
		c.OffsetFlushInterval = DefaultOffsetFlushInterval
	}
	if c.OffsetFlushTimeout == 0 {
		c.OffsetFlushTimeout = DefaultOffsetFlushTimeout
	}
	if c.ResubscribeDelay == 0 {
		c.ResubscribeDelay = DefaultResubscribeDelay
	}
	if c.Offsets == nil && c.ConsumerGroup != "" {
		c.Offsets = NewLogOffsets(store)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration; zero fields are
// valid (they take the defaults).
func (c SubscriberConfig) Validate() error {
	var errs []error
	if !utf8.ValidString(c.ConsumerGroup) {
		errs = append(errs, errors.New("ConsumerGroup must be UTF-8"))
	}
	if _, at := c.InitialCursor.Position(); at {
		errs = append(errs, fmt.Errorf("InitialCursor %s: want eventstore.Start or eventstore.End", c.InitialCursor))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"NackResendDelay", c.NackResendDelay},
		{"OffsetFlushInterval", c.OffsetFlushInterval},
		{"OffsetFlushTimeout", c.OffsetFlushTimeout},
		{"ResubscribeDelay", c.ResubscribeDelay},
	} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %s: must not be negative", d.name, d.v))
		}
	}
	return errors.Join(errs...)
}

// Subscriber is a watermill message.Subscriber over the event log. Each
// subscription delivers the events of its topic in log order, one at a
// time: the next only after the previous was acknowledged; a nacked message
// is delivered again, after NackResendDelay, before anything later. Delivery
// is at least once: consumers make their effects idempotent by the
// message's position (PositionOf).
type Subscriber struct {
	store eventstore.Store
	cfg   SubscriberConfig
	log   *slog.Logger

	// done is cancelled by Close; every subscription watches it.
	done   context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	active map[string]bool // topics the consumer group consumes right now
	errs   []error         // failures to report from Close
	wg     sync.WaitGroup  // running subscriptions
}

var _ message.Subscriber = (*Subscriber)(nil)

// NewSubscriber returns a Subscriber reading store. Closing it does not
// close the store.
func NewSubscriber(store eventstore.Store, cfg SubscriberConfig) (*Subscriber, error) {
	if store == nil {
		return nil, errors.New("bus: new subscriber: nil store")
	}
	cfg.setDefaults(store)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bus: new subscriber: %w", err)
	}
	done, cancel := context.WithCancel(context.Background())
	log := cfg.Logger.With("component", "bus.subscriber")
	if cfg.ConsumerGroup != "" {
		log = log.With("group", cfg.ConsumerGroup)
	}
	return &Subscriber{store: store, cfg: cfg, log: log, done: done, cancel: cancel, active: make(map[string]bool)}, nil
}

// Subscribe implements message.Subscriber: it delivers the events of the
// streams topic names (see TopicMatches; TopicAll for the whole log) from
// the group's offset or InitialCursor on, first stored ones, then live. The
// channel closes when ctx is done, the Subscriber is closed, the store is
// closed, or the member was fenced out of its group (see OffsetStore). A
// consumer group consumes a topic through one subscription at a time: a
// second concurrent Subscribe fails with ErrGroupBusy.
func (s *Subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := checkTopic(topic, true); err != nil {
		return nil, fmt.Errorf("bus: subscribe: %w", err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, fmt.Errorf("bus: subscribe to %s: %w", topic, ErrSubscriberClosed)
	}
	group := s.cfg.ConsumerGroup != ""
	if group && s.active[topic] {
		s.mu.Unlock()
		return nil, fmt.Errorf("bus: subscribe to %s as group %s: %w", topic, s.cfg.ConsumerGroup, ErrGroupBusy)
	}
	if group {
		s.active[topic] = true
	}
	s.wg.Add(1)
	s.mu.Unlock()

	sub, err := s.open(ctx, topic)
	if err != nil {
		s.release(topic, nil)
		s.wg.Done()
		return nil, fmt.Errorf("bus: subscribe to %s: %w", topic, err)
	}
	go sub.run()
	return sub.out, nil
}

// release ends the bookkeeping of a subscription of topic, keeping err for
// Close; the caller then calls s.wg.Done once its channel is closed.
func (s *Subscriber) release(topic string, err error) {
	s.mu.Lock()
	delete(s.active, topic)
	if err != nil {
		s.errs = append(s.errs, err)
	}
	s.mu.Unlock()
}

// Close implements message.Subscriber: it ends every subscription (their
// channels close), saves the groups' latest offsets and returns once all
// of that is done. It reports saves that failed and members that were
// fenced out. Later calls return nil.
func (s *Subscriber) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	s.cancel()
	s.wg.Wait()

	s.mu.Lock()
	defer s.mu.Unlock()
	err := errors.Join(s.errs...)
	s.errs = nil
	return err
}
