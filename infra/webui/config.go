package webui

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Config configures the board page handler. Zero fields take their
// defaults.
type Config struct {
	// Logger receives the errors of the map source.
	Logger *slog.Logger
	// DemoTokensPath is the absolute path ("/demo/tokens") where the server
	// lists ready-made tokens of a demo world (see DemoTokens); empty when
	// the server runs no demo, and the page then offers no such list.
	DemoTokensPath string
	// Map gives the states and land borders drawn under the board; nil
	// draws only what the board itself holds.
	Map MapSource
	// MapTimeout bounds one call of Map.
	MapTimeout time.Duration
}

// DefaultMapTimeout is the default of Config.MapTimeout.
const DefaultMapTimeout = 5 * time.Second

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MapTimeout == 0 {
		c.MapTimeout = DefaultMapTimeout
	}
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if p := c.DemoTokensPath; p != "" {
		// An absolute path on this server: never a URL of another origin
		// ("//host/…" is one), so the page sends its requests nowhere else.
		if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\?#\"'<> \t\r\n") {
			errs = append(errs, fmt.Errorf("demo tokens path %q: must be an absolute path on this server, such as /demo/tokens", p))
		}
	}
	if c.MapTimeout <= 0 {
		errs = append(errs, fmt.Errorf("map timeout %s: must be positive", c.MapTimeout))
	}
	if len(errs) > 0 {
		return fmt.Errorf("web ui config: %w", errors.Join(errs...))
	}
	return nil
}
