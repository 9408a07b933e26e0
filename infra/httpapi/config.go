package httpapi

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
)

// Config configures the API handler. Zero limits take their defaults.
type Config struct {
	// Logger receives request logs and the details of internal errors.
	Logger *slog.Logger
	// Health serves /healthz and /readyz.
	Health *Health
	// TokenKey verifies bearer tokens (auth.Sign with its private half).
	TokenKey ed25519.PublicKey
	// RateLimit is the sustained requests per second of one principal;
	// RateBurst how many may arrive at once.
	RateLimit float64
	RateBurst int
	// MaxBodyBytes bounds a request body; larger bodies get 413.
	MaxBodyBytes int64
	// Commands runs the use cases behind the /v1 command endpoints.
	Commands *commands.Handlers
	// Now is the clock of token expiry and rate limiting; time.Now if nil.
	Now func() time.Time
	// Boards serves the reads of the per-agency boards; nil: those routes
	// are not served.
	Boards Boards
	// Live streams boards over WebSocket; it needs Boards. nil: the live
	// route is not served.
	Live LiveBoards
	// Projections serves the admin view of the projection runner; nil:
	// not served.
	Projections Projections
	// Metrics serves GET /metrics (Prometheus text) to administrators; nil:
	// not served.
	Metrics http.Handler
	// History serves the reads of operations' pasts (board as of, timeline);
	// nil: not served. HistoryRecorder records each read first; History
	// needs it.
	History         History
	HistoryRecorder HistoryRecorder
	// Replay plays operations' histories over WebSocket; it needs History
	// and HistoryRecorder. nil: the replay route is not served.
	Replay Replays
	// Audit reads the audit trails of operations for GET …/audit; nil: that
	// route is not served.
	Audit AuditLog
}

// Defaults of Config, generous enough that 200 units reporting as fast as
// they can are never throttled.
const (
	DefaultRateLimit    = 200
	DefaultRateBurst    = 400
	DefaultMaxBodyBytes = 1 << 20
)

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Health == nil {
		c.Health = NewHealth(2 * time.Second)
	}
	if c.RateLimit == 0 {
		c.RateLimit = DefaultRateLimit
	}
	if c.RateBurst == 0 {
		c.RateBurst = DefaultRateBurst
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Commands == nil {
		errs = append(errs, errors.New("commands: the command handlers are required"))
	}
	if len(c.TokenKey) != ed25519.PublicKeySize {
		errs = append(errs, errors.New("token key: an ed25519 public key is required"))
	}
	if !(c.RateLimit > 0) || math.IsInf(c.RateLimit, 0) {
		errs = append(errs, fmt.Errorf("rate limit %v: must be a positive number", c.RateLimit))
	}
	if c.RateBurst < 1 {
		errs = append(errs, fmt.Errorf("rate burst %d: must be at least 1", c.RateBurst))
	}
	if c.Live != nil && c.Boards == nil {
		errs = append(errs, errors.New("live: the live boards need the boards"))
	}
	if c.History != nil && c.HistoryRecorder == nil {
		errs = append(errs, errors.New("history: the history reads need a history recorder"))
	}
	if c.Replay != nil && (c.History == nil || c.HistoryRecorder == nil) {
		errs = append(errs, errors.New("replay: the replay needs the history and a history recorder"))
	}
	if c.MaxBodyBytes < 1<<10 {
		errs = append(errs, fmt.Errorf("max body bytes %d: must be at least 1024", c.MaxBodyBytes))
	}
	return errors.Join(errs...)
}
