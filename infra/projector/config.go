package projector

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// Defaults of Config, applied to fields left zero.
const (
	DefaultPoisonTopic         = "poison.projections"
	DefaultFlushInterval       = time.Second
	DefaultCatchUpThreshold    = 1024
	DefaultCatchUpPage         = 4096
	DefaultCatchUpSaveInterval = 10 * time.Second
	DefaultHeadInterval        = time.Second
	DefaultLagLimit            = 10000
	DefaultPoisonHistory       = 32
)

// Config configures a Runner. Store, Decoder and CheckpointPath are
// required; other zero fields take the defaults above.
type Config struct {
	// Store is the event log the projections are folded from.
	Store eventstore.Store
	// Decoder decodes stored events (*eventlog.Codec).
	Decoder Decoder
	// CheckpointPath is the SQLite file of the checkpoints
	// (data/projections.db); it is created if missing.
	CheckpointPath string
	// PoisonTopic is the topic of the log to which events that a
	// projection keeps failing on are published, with the reason.
	PoisonTopic string
	// FlushInterval is how often a live projection's checkpoint (changed
	// parts and offset) is saved: at most this much work is folded again
	// after a crash.
	FlushInterval time.Duration
	// CatchUpThreshold: a projection reads the store directly, in pages,
	// until a page has fewer events than this (it is then within this many
	// events of the head); the subscription delivers the rest.
	CatchUpThreshold int
	// CatchUpPage is the number of events a catch-up reads at a time; at
	// least CatchUpThreshold.
	CatchUpPage int
	// CatchUpWorkers is the number of goroutines decoding pages during a
	// catch-up; the default is GOMAXPROCS.
	CatchUpWorkers int
	// CatchUpSaveInterval is how often a long catch-up saves its progress.
	CatchUpSaveInterval time.Duration
	// HeadInterval is how often the runner polls the log head and
	// measures each projection's lag.
	HeadInterval time.Duration
	// LagLimit bounds the events counted to measure a lag: a projection
	// further behind reports "LagLimit+".
	LagLimit int
	// PoisonHistory is the number of recent poisoned events each
	// projection's status keeps in memory.
	PoisonHistory int
	// MaxRetries is how many times an event a projection fails on is
	// retried before it is poisoned.
	MaxRetries int
	// RetryInitialInterval is the first pause between retries; pauses
	// double up to RetryMaxInterval.
	RetryInitialInterval time.Duration
	// RetryMaxInterval caps the pause between retries.
	RetryMaxInterval time.Duration
	// Logger receives operational messages; the default is slog.Default().
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.PoisonTopic == "" {
		c.PoisonTopic = DefaultPoisonTopic
	}
	if c.FlushInterval == 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.CatchUpThreshold == 0 {
		c.CatchUpThreshold = DefaultCatchUpThreshold
	}
	if c.CatchUpPage == 0 {
		c.CatchUpPage = max(DefaultCatchUpPage, c.CatchUpThreshold)
	}
	if c.CatchUpWorkers == 0 {
		c.CatchUpWorkers = runtime.GOMAXPROCS(0)
	}
	if c.CatchUpSaveInterval == 0 {
		c.CatchUpSaveInterval = DefaultCatchUpSaveInterval
	}
	if c.HeadInterval == 0 {
		c.HeadInterval = DefaultHeadInterval
	}
	if c.LagLimit == 0 {
		c.LagLimit = DefaultLagLimit
	}
	if c.PoisonHistory == 0 {
		c.PoisonHistory = DefaultPoisonHistory
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = bus.DefaultMaxRetries
	}
	if c.RetryInitialInterval == 0 {
		c.RetryInitialInterval = bus.DefaultRetryInitialInterval
	}
	if c.RetryMaxInterval == 0 {
		c.RetryMaxInterval = max(bus.DefaultRetryMaxInterval, c.RetryInitialInterval)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Validate reports every problem of the configuration at once; zero
// fields other than the required ones are valid (they take the defaults).
func (c Config) Validate() error {
	c.setDefaults()
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("store: required"))
	}
	if c.Decoder == nil {
		errs = append(errs, errors.New("decoder: required"))
	}
	switch {
	case c.CheckpointPath == "":
		errs = append(errs, errors.New("checkpoint path: required"))
	case c.CheckpointPath == ":memory:" || strings.HasPrefix(c.CheckpointPath, "file:") || strings.ContainsRune(c.CheckpointPath, '?'):
		errs = append(errs, fmt.Errorf("checkpoint path %q: want a plain file name (no file: URI, no '?', not :memory:)", c.CheckpointPath))
	}
	if c.PoisonTopic == "" || c.PoisonTopic == bus.TopicAll || bus.IsOffsetStream(c.PoisonTopic) || strings.HasPrefix(c.PoisonTopic, "$") {
		errs = append(errs, fmt.Errorf("poison topic %q: want a topic that can be published to", c.PoisonTopic))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"flush interval", c.FlushInterval},
		{"catch-up save interval", c.CatchUpSaveInterval},
		{"head interval", c.HeadInterval},
	} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("%s %s: want > 0", d.name, d.v))
		}
	}
	for _, n := range []struct {
		name string
		v    int
	}{
		{"catch-up threshold", c.CatchUpThreshold},
		{"catch-up page", c.CatchUpPage},
		{"catch-up workers", c.CatchUpWorkers},
		{"lag limit", c.LagLimit},
		{"poison history", c.PoisonHistory},
	} {
		if n.v < 1 {
			errs = append(errs, fmt.Errorf("%s %d: want ≥ 1", n.name, n.v))
		}
	}
	if c.CatchUpPage < c.CatchUpThreshold {
		errs = append(errs, fmt.Errorf("catch-up page %d: want ≥ catch-up threshold %d", c.CatchUpPage, c.CatchUpThreshold))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("max retries %d: must not be negative", c.MaxRetries))
	}
	if c.RetryInitialInterval < 0 || c.RetryMaxInterval < c.RetryInitialInterval {
		errs = append(errs, fmt.Errorf("retry intervals %s…%s: want 0 ≤ initial ≤ max", c.RetryInitialInterval, c.RetryMaxInterval))
	}
	return errors.Join(errs...)
}
