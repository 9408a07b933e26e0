package bus

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// Defaults of RouterConfig, applied to fields left zero.
const (
	DefaultMaxRetries           = 3
	DefaultRetryInitialInterval = 100 * time.Millisecond
	DefaultRetryMaxInterval     = 5 * time.Second
	DefaultRouterCloseTimeout   = 30 * time.Second
)

// RouterConfig configures the message.Router built by NewRouter.
type RouterConfig struct {
	// PoisonTopic receives, through the poison publisher, every message a
	// handler still fails on after its retries, with the reason in metadata
	// (middleware.ReasonForPoisonedKey and its siblings). Required. Choose a
	// topic that is not in the category of a consumed topic (not
	// "operation-poison" next to "operation"), or the poison messages are
	// consumed again.
	PoisonTopic string
	// MaxRetries is how many times a failing handler is retried.
	MaxRetries int
	// RetryInitialInterval is the first pause between retries; pauses
	// double up to RetryMaxInterval.
	RetryInitialInterval time.Duration
	// RetryMaxInterval caps the pause between retries.
	RetryMaxInterval time.Duration
	// CloseTimeout bounds how long Close waits for running handlers.
	CloseTimeout time.Duration
	// Logger receives the router's logs; the default is slog.Default().
	Logger *slog.Logger
}

func (c *RouterConfig) setDefaults() {
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.RetryInitialInterval == 0 {
		c.RetryInitialInterval = DefaultRetryInitialInterval
	}
	if c.RetryMaxInterval == 0 {
		c.RetryMaxInterval = DefaultRetryMaxInterval
	}
	if c.CloseTimeout == 0 {
		c.CloseTimeout = DefaultRouterCloseTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration; zero fields other
// than PoisonTopic are valid (they take the defaults).
func (c RouterConfig) Validate() error {
	var errs []error
	if err := checkTopic(c.PoisonTopic, false); err != nil {
		errs = append(errs, fmt.Errorf("PoisonTopic: %w", err))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("MaxRetries %d: must not be negative", c.MaxRetries))
	}
	if c.RetryInitialInterval < 0 || c.RetryMaxInterval < c.RetryInitialInterval {
		errs = append(errs, fmt.Errorf("retry intervals %s…%s: want 0 ≤ initial ≤ max", c.RetryInitialInterval, c.RetryMaxInterval))
	}
	if c.CloseTimeout < 0 {
		errs = append(errs, fmt.Errorf("CloseTimeout %s: must not be negative", c.CloseTimeout))
	}
	return errors.Join(errs...)
}

// NewRouter returns a message.Router with the middleware every consumer of
// the log runs under, outermost first: CorrelationID (messages a handler
// produces inherit the consumed message's correlation ID), PoisonQueue
// (a message that still fails after its retries goes to PoisonTopic and is
// acknowledged, so the handler moves on), Retry (exponential backoff), and
// Recoverer (a panicking handler is an error, retried like any other).
// Handlers are added by the caller; handler names are durable (renaming one
// is a migration, like a consumer group).
func NewRouter(cfg RouterConfig, poison message.Publisher) (*message.Router, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bus: new router: %w", err)
	}
	if poison == nil {
		return nil, errors.New("bus: new router: nil poison publisher")
	}
	logger := watermill.NewSlogLogger(cfg.Logger.With("component", "bus.router"))
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: cfg.CloseTimeout}, logger)
	if err != nil {
		return nil, fmt.Errorf("bus: new router: %w", err)
	}
	poisonQueue, err := middleware.PoisonQueue(poison, cfg.PoisonTopic)
	if err != nil {
		return nil, fmt.Errorf("bus: new router: %w", err)
	}
	retry := middleware.Retry{
		MaxRetries:      cfg.MaxRetries,
		InitialInterval: cfg.RetryInitialInterval,
		MaxInterval:     cfg.RetryMaxInterval,
		Multiplier:      2,
		Logger:          logger,
	}
	router.AddMiddleware(middleware.CorrelationID, poisonQueue, retry.Middleware, middleware.Recoverer)
	return router, nil
}
