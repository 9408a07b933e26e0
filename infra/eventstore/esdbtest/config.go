package esdbtest

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Defaults of Config.
const (
	DefaultAddr          = "127.0.0.1:0"
	DefaultServerVersion = "24.10.0"
	// DefaultMaxAppendSize is the server's default maximum size of one
	// append (1 MiB).
	DefaultMaxAppendSize = 1 << 20
	// DefaultShutdownGrace bounds how long Close waits for calls in flight.
	DefaultShutdownGrace = 2 * time.Second
)

// Config configures a test server. The zero value is usable; Start applies
// the defaults.
type Config struct {
	// Addr is the TCP address to listen on, DefaultAddr if empty (a free
	// loopback port).
	Addr string
	// Logger receives the server's own log lines; discarded if nil.
	Logger *slog.Logger
	// Now is the server clock that stamps each event's "created" time;
	// time.Now if nil.
	Now func() time.Time
	// ServerVersion is what ServerFeatures reports, "major.minor.patch";
	// DefaultServerVersion if empty.
	ServerVersion string
	// MaxAppendSize is the largest total size (type, data and metadata
	// bytes) of one append; DefaultMaxAppendSize if zero.
	MaxAppendSize int
	// ImplicitCommits selects the position layout. By default the events of
	// one append share the commit position of a commit record written after
	// them and differ in their prepare positions (an explicit transaction).
	// With ImplicitCommits each event's commit position equals its prepare
	// position, as current servers lay out single appends.
	ImplicitCommits bool
	// FellBehindAfter, if positive, makes a live subscription that lags
	// more than this many events behind the head of the log receive a
	// fell_behind message, and caught_up again once it reaches the head.
	// Current servers never send fell_behind, so the default is 0 (never).
	FellBehindAfter int
	// ShutdownGrace bounds how long Close waits for calls in flight before
	// cutting connections; DefaultShutdownGrace if zero.
	ShutdownGrace time.Duration
}

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.ServerVersion == "" {
		c.ServerVersion = DefaultServerVersion
	}
	if c.MaxAppendSize == 0 {
		c.MaxAppendSize = DefaultMaxAppendSize
	}
	if c.ShutdownGrace == 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
}

// Validate reports every problem of the configuration at once. It accepts
// the zero value of each field that has a default.
func (c Config) Validate() error {
	var errs []error
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("addr %q: %w", c.Addr, err))
		}
	}
	if c.ServerVersion != "" {
		parts := strings.Split(c.ServerVersion, ".")
		valid := len(parts) == 3
		for _, p := range parts {
			if _, err := strconv.Atoi(p); err != nil {
				valid = false
			}
		}
		if !valid {
			errs = append(errs, fmt.Errorf("server version %q: want major.minor.patch", c.ServerVersion))
		}
	}
	if c.MaxAppendSize < 0 {
		errs = append(errs, fmt.Errorf("max append size %d: must not be negative", c.MaxAppendSize))
	}
	if c.FellBehindAfter < 0 {
		errs = append(errs, fmt.Errorf("fell behind after %d: must not be negative", c.FellBehindAfter))
	}
	if c.ShutdownGrace < 0 {
		errs = append(errs, fmt.Errorf("shutdown grace %s: must not be negative", c.ShutdownGrace))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("esdbtest config: %w", err)
	}
	return nil
}
