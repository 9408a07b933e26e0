package replayws

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jointops/jointops/infra/boardws"
)

// Config configures a Server. Zero fields take their defaults.
type Config struct {
	// Logger receives session errors worth an operator's attention. It
	// never receives tokens, headers or frame contents.
	Logger *slog.Logger
	// AllowedOrigins are the origins (scheme://host[:port]) whose pages
	// may open replays. Empty: only pages served from the request's own
	// host. Requests without an Origin header are not from browsers and
	// are allowed: they must still authenticate.
	AllowedOrigins []string
	// QueueSize bounds the batches of messages (up to 64 messages or
	// 64 KiB each, but a snapshot is never split) waiting to be written to
	// one connection; the player waits while the queue is full.
	QueueSize int
	// WriteTimeout bounds the writing of one message; a client that reads
	// nothing for this long is dropped.
	WriteTimeout time.Duration
	// PingInterval is how often the server pings; PongTimeout how long it
	// waits for any frame (a pong at least) before it drops the connection.
	PingInterval time.Duration
	PongTimeout  time.Duration
	// HandshakeTimeout bounds the writing of the upgrade response.
	HandshakeTimeout time.Duration
	// CloseGrace is how long a closing connection waits for the client to
	// answer the close frame.
	CloseGrace time.Duration
	// ReadLimit bounds a control message; a larger one closes the
	// connection (1009).
	ReadLimit int64
	// MaxGap caps the wall time the player waits between two events,
	// whatever the speed: a quiet night is not replayed in real time.
	MaxGap time.Duration
	// StatusInterval is how often a playing session sends a status
	// message with its clock.
	StatusInterval time.Duration
}

// Defaults of Config.
const (
	DefaultQueueSize        = 16
	DefaultWriteTimeout     = 10 * time.Second
	DefaultPingInterval     = 25 * time.Second
	DefaultPongTimeout      = 60 * time.Second
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultCloseGrace       = time.Second
	DefaultReadLimit        = 1024
	DefaultMaxGap           = 2 * time.Second
	DefaultStatusInterval   = time.Second
)

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&c.QueueSize, DefaultQueueSize)
	setDefault(&c.WriteTimeout, DefaultWriteTimeout)
	setDefault(&c.PingInterval, DefaultPingInterval)
	setDefault(&c.PongTimeout, DefaultPongTimeout)
	setDefault(&c.HandshakeTimeout, DefaultHandshakeTimeout)
	setDefault(&c.CloseGrace, DefaultCloseGrace)
	setDefault(&c.ReadLimit, DefaultReadLimit)
	setDefault(&c.MaxGap, DefaultMaxGap)
	setDefault(&c.StatusInterval, DefaultStatusInterval)
}

func setDefault[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	for i, o := range c.AllowedOrigins {
		if _, err := boardws.ParseOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("allowed origins[%d]: %w", i, err))
		}
	}
	if c.QueueSize < 2 {
		errs = append(errs, fmt.Errorf("queue size %d: must be at least 2 (a frame and a status)", c.QueueSize))
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"write timeout", c.WriteTimeout}, {"ping interval", c.PingInterval}, {"pong timeout", c.PongTimeout},
		{"handshake timeout", c.HandshakeTimeout}, {"close grace", c.CloseGrace}, {"max gap", c.MaxGap},
		{"status interval", c.StatusInterval},
	}
	for _, p := range positive {
		if p.d <= 0 {
			errs = append(errs, fmt.Errorf("%s %s: must be positive", p.name, p.d))
		}
	}
	if c.PingInterval > 0 && c.PongTimeout > 0 && c.PingInterval >= c.PongTimeout {
		errs = append(errs, fmt.Errorf("ping interval %s: must be shorter than the pong timeout %s", c.PingInterval, c.PongTimeout))
	}
	if c.ReadLimit < 125 {
		errs = append(errs, fmt.Errorf("read limit %d: must be at least 125 bytes (a control frame)", c.ReadLimit))
	}
	return errors.Join(errs...)
}
