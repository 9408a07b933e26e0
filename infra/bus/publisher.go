package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"unicode/utf8"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/eventstore"
)

// PublisherConfig configures a Publisher.
type PublisherConfig struct {
	// DefaultEventType is the type of events whose message does not set
	// MetaEventType; the default is DefaultEventType.
	DefaultEventType string
	// Logger receives operational messages; the default is slog.Default().
	Logger *slog.Logger
}

func (c *PublisherConfig) setDefaults() {
	if c.DefaultEventType == "" {
		c.DefaultEventType = DefaultEventType
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration; zero fields are
// valid (they take the defaults).
func (c PublisherConfig) Validate() error {
	var errs []error
	if !utf8.ValidString(c.DefaultEventType) {
		errs = append(errs, fmt.Errorf("DefaultEventType %q: want UTF-8", c.DefaultEventType))
	}
	return errors.Join(errs...)
}

// Publisher is a watermill message.Publisher that appends messages to the
// event log. Publish(topic, msgs…) appends all msgs, in order, as one atomic
// append to the stream named topic (expected revision Any), and returns once
// they are durable. Each message becomes one event: ID EventID(topic, UUID),
// payload as data, metadata as a JSON object (with the UUID under
// MetaMessageUUID), type and schema version from MetaEventType and
// MetaSchemaVersion. Publishing the same messages to the same topic again is
// an idempotent retry; a batch mixing already published and new messages
// fails (eventstore.ErrDuplicateEventID). The append uses the context of the
// first message.
type Publisher struct {
	store eventstore.Store
	cfg   PublisherConfig
	log   *slog.Logger

	mu       sync.RWMutex
	closed   bool
	inflight sync.WaitGroup
}

var _ message.Publisher = (*Publisher)(nil)

// NewPublisher returns a Publisher appending to store. Closing it does not
// close the store.
func NewPublisher(store eventstore.Store, cfg PublisherConfig) (*Publisher, error) {
	if store == nil {
		return nil, errors.New("bus: new publisher: nil store")
	}
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bus: new publisher: %w", err)
	}
	return &Publisher{store: store, cfg: cfg, log: cfg.Logger.With("component", "bus.publisher")}, nil
}

// Publish implements message.Publisher; see Publisher.
func (p *Publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.RLock()
	if p.closed {
		p.mu.RUnlock()
		return fmt.Errorf("bus: publish to %s: %w", topic, ErrPublisherClosed)
	}
	p.inflight.Add(1)
	p.mu.RUnlock()
	defer p.inflight.Done()

	if err := checkTopic(topic, false); err != nil {
		return fmt.Errorf("bus: publish: %w", err)
	}
	if len(msgs) == 0 {
		return nil
	}
	events := make([]eventstore.EventData, len(msgs))
	for i, msg := range msgs {
		ev, err := toEventData(topic, msg, p.cfg.DefaultEventType)
		if err != nil {
			return fmt.Errorf("bus: publish to %s: %w", topic, err)
		}
		events[i] = ev
	}
	res, err := p.store.Append(msgs[0].Context(), topic, eventstore.Any(), events...)
	if err != nil {
		return fmt.Errorf("bus: publish %d messages to %s: %w", len(msgs), topic, err)
	}
	p.log.Debug("bus: published", "topic", topic, "messages", len(msgs), "position", res.Position.String())
	return nil
}

// Close implements message.Publisher: it waits for publishes in flight;
// Publish fails with ErrPublisherClosed afterwards. Later calls return nil.
func (p *Publisher) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.inflight.Wait()
	return nil
}
