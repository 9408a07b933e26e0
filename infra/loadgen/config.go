package loadgen

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
)

// Issuer signs a bearer token for subject of agency in role ("admin",
// "commander", "field_unit", "observer"), as `jointops token issue` does.
type Issuer func(agency, subject uuid.UUID, role string) (string, error)

// Config configures a run. Zero fields take their defaults.
type Config struct {
	// BaseURL is the server, scheme://host:port (required).
	BaseURL string
	// Issue signs the tokens of the run's principals with the server's key
	// (required).
	Issue Issuer
	// Units is the number of field units reporting, spread over the
	// operations and their agencies.
	Units int
	// Boards is the number of live boards, spread over the operations and
	// their agencies.
	Boards int
	// Operations is the number of operations the run seeds; every board
	// follows one, so it sets the fan-out of a report (Boards/Operations).
	Operations int
	// Rate is the reports per second the units file in total.
	Rate float64
	// Duration is how long the units report.
	Duration time.Duration
	// Senders is the number of requests that may be in flight at once.
	Senders int
	// Mix is the share of each kind of report; nil: DefaultMix.
	Mix Mix
	// LateShare is the share of sightings and situation reports filed with
	// an occurred_at minutes in the past (a unit back in coverage); a
	// negative value sends none.
	LateShare float64
	// RetryShare is the share of accepted commands sent again with the same
	// command ID, whose answer must be the original one; a negative value
	// sends none.
	RetryShare float64
	// Drain bounds the wait, after the last report, for every board to
	// receive every delta it is owed.
	Drain time.Duration
	// Settle is how long after its answer a report is first checked
	// against the boards while the run goes on.
	Settle time.Duration
	// SampleEvery is how often the server's numbers are read during the
	// load.
	SampleEvery time.Duration
	// Baseline is how long each baseline runs; SkipBaselines skips them.
	Baseline      time.Duration
	SkipBaselines bool
	// BaselineDir is where the bare store of the append baseline is
	// created (in a fresh temporary directory); empty: os.TempDir().
	BaselineDir string
	// Seed makes the report mix reproducible.
	Seed uint64
	// HTTPClient sends the commands; nil: a client with a pool of Senders
	// connections.
	HTTPClient *http.Client
	// AroundLoad, when set, is called as the units start reporting, and
	// the function it returns as they stop (a CPU profile of the load, for
	// instance).
	AroundLoad func() (end func())
	// Progress receives a progress line every second; nil: none.
	Progress io.Writer
	// Logger receives what goes wrong during the run.
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultUnits      = 40
	DefaultBoards     = 100
	DefaultOperations = 10
	DefaultRate       = 100
	DefaultDuration   = 30 * time.Second
	DefaultSenders    = 64
	DefaultLateShare  = 0.05
	DefaultRetryShare = 0.02
	DefaultDrain      = 15 * time.Second
	DefaultSettle     = 2 * time.Second
	DefaultBaseline   = 3 * time.Second
	DefaultSample     = 30 * time.Second
)

// agencies is the number of agencies taking part in every operation.
const agencies = 4

func (c *Config) setDefaults() {
	if c.Units == 0 {
		c.Units = DefaultUnits
	}
	if c.Boards == 0 {
		c.Boards = DefaultBoards
	}
	if c.Operations == 0 {
		c.Operations = DefaultOperations
	}
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.Duration == 0 {
		c.Duration = DefaultDuration
	}
	if c.Senders == 0 {
		c.Senders = DefaultSenders
	}
	if c.Mix == nil {
		c.Mix = DefaultMix()
	}
	c.LateShare = share(c.LateShare, DefaultLateShare)
	c.RetryShare = share(c.RetryShare, DefaultRetryShare)
	if c.Drain == 0 {
		c.Drain = DefaultDrain
	}
	if c.Settle == 0 {
		c.Settle = DefaultSettle
	}
	if c.Baseline == 0 {
		c.Baseline = DefaultBaseline
	}
	if c.SampleEvery == 0 {
		c.SampleEvery = DefaultSample
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				MaxIdleConns:        c.Senders + 16,
				MaxIdleConnsPerHost: c.Senders + 16,
				IdleConnTimeout:     90 * time.Second,
			},
		}
	}
}

// share is v, its default when zero, or none when negative.
func share(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("base URL %q: want http(s)://host:port", c.BaseURL))
	}
	if c.Issue == nil {
		errs = append(errs, errors.New("issuer: required to sign the run's tokens"))
	}
	if c.Operations < 1 {
		errs = append(errs, fmt.Errorf("operations %d: must be at least 1", c.Operations))
	}
	if c.Units < c.Operations*agencies {
		errs = append(errs, fmt.Errorf("units %d: want at least %d (one per agency of each of the %d operations)",
			c.Units, c.Operations*agencies, c.Operations))
	}
	if c.Boards < 0 {
		errs = append(errs, fmt.Errorf("boards %d: must not be negative", c.Boards))
	}
	if c.Rate <= 0 {
		errs = append(errs, fmt.Errorf("rate %g: must be positive", c.Rate))
	}
	if c.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration %s: must be positive", c.Duration))
	}
	if c.Senders < 1 {
		errs = append(errs, fmt.Errorf("senders %d: must be at least 1", c.Senders))
	}
	if err := c.Mix.validate(); err != nil {
		errs = append(errs, err)
	}
	for _, s := range []struct {
		name string
		v    float64
	}{{"late share", c.LateShare}, {"retry share", c.RetryShare}} {
		if s.v > 1 {
			errs = append(errs, fmt.Errorf("%s %g: must be at most 1", s.name, s.v))
		}
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"drain", c.Drain}, {"settle", c.Settle}, {"baseline", c.Baseline}, {"sample every", c.SampleEvery}} {
		if d.v <= 0 {
			errs = append(errs, fmt.Errorf("%s %s: must be positive", d.name, d.v))
		}
	}
	return errors.Join(errs...)
}
