package boardws

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Config configures a Hub. Zero fields take their defaults.
type Config struct {
	// Logger receives connection errors worth an operator's attention. It
	// never receives tokens, headers or frame contents.
	Logger *slog.Logger
	// AllowedOrigins are the origins ("https://board.example.org", scheme
	// and host, no path) whose pages may open boards. Empty: only pages
	// served from the request's own host. Requests without an Origin
	// header are not from browsers and are always allowed: they must still
	// authenticate.
	AllowedOrigins []string
	// QueueSize bounds the frames waiting to be written to one connection;
	// a connection whose queue is full is cut as a slow consumer (4008).
	QueueSize int
	// WriteTimeout bounds the writing of one frame.
	WriteTimeout time.Duration
	// PingInterval is how often the server pings; PongTimeout how long it
	// waits for any frame (a pong at least) before it drops the connection.
	PingInterval time.Duration
	PongTimeout  time.Duration
	// HeartbeatInterval is how often a connection gets a heartbeat saying
	// how far the boards are behind the log.
	HeartbeatInterval time.Duration
	// HandshakeTimeout bounds the writing of the upgrade response.
	HandshakeTimeout time.Duration
	// CloseGrace is how long a closing connection waits for the client to
	// answer the close frame before the server drops it.
	CloseGrace time.Duration
	// ReadLimit bounds a message from the client: clients send only
	// control frames, so a larger message closes the connection (1009).
	ReadLimit int64
	// OnDisconnect, when set, is called once for every connection that
	// ends, with why (one of the Disconnect* reasons), for the metrics. It
	// runs on the connection's goroutine and must not block.
	OnDisconnect func(reason string)
}

// Defaults of Config.
const (
	DefaultQueueSize         = 256
	DefaultWriteTimeout      = 10 * time.Second
	DefaultPingInterval      = 25 * time.Second
	DefaultPongTimeout       = 60 * time.Second
	DefaultHeartbeatInterval = 5 * time.Second
	DefaultHandshakeTimeout  = 10 * time.Second
	DefaultCloseGrace        = time.Second
	DefaultReadLimit         = 512
)

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.QueueSize == 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.PongTimeout == 0 {
		c.PongTimeout = DefaultPongTimeout
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.CloseGrace == 0 {
		c.CloseGrace = DefaultCloseGrace
	}
	if c.ReadLimit == 0 {
		c.ReadLimit = DefaultReadLimit
	}
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	for i, o := range c.AllowedOrigins {
		if _, err := ParseOrigin(o); err != nil {
			errs = append(errs, fmt.Errorf("allowed origins[%d]: %w", i, err))
		}
	}
	if c.QueueSize < 1 {
		errs = append(errs, fmt.Errorf("queue size %d: must be at least 1", c.QueueSize))
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"write timeout", c.WriteTimeout}, {"ping interval", c.PingInterval}, {"pong timeout", c.PongTimeout},
		{"heartbeat interval", c.HeartbeatInterval}, {"handshake timeout", c.HandshakeTimeout},
		{"close grace", c.CloseGrace},
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

// ParseOrigin checks an allowed origin and returns it in the form browsers
// send: lower-case scheme://host[:port].
func ParseOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("origin %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("origin %q: the scheme must be http or https", s)
	}
	if u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("origin %q: must be scheme://host[:port] only", s)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}
