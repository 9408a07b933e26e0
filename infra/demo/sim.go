package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SimConfig configures a Simulator. Zero fields take their defaults.
type SimConfig struct {
	// BaseURL is the root of the API, such as http://127.0.0.1:8080.
	BaseURL string
	// Tokens are the demo's principals (NewTokens); the world is theirs.
	// The world must have been seeded (Seed).
	Tokens *Tokens
	// HTTPClient sends the requests; one with a 30 s timeout if nil.
	HTTPClient *http.Client
	// Logger gets every command at debug level and a progress line at
	// info level every ProgressEvery.
	Logger *slog.Logger
	// Seed drives every choice of the simulation: the same Seed, Run, Rate
	// and Speedup give the same commands in the same order (only the times
	// they are sent at differ).
	Seed uint64
	// Run names the run; every ID the simulator mints (commands, reports,
	// tasks, activities) derives from it, so that a restarted simulator
	// never reuses an ID of an earlier run. Default: the start time.
	Run string
	// Rate is how many commands per second the simulator sends, all units
	// together. Default DefaultRate.
	Rate float64
	// Speedup is how much faster than real time the units move and the
	// storylines unfold; 1 is real time. Default 1.
	Speedup float64
	// ProgressEvery is the interval of the progress line. Default 10 s.
	ProgressEvery time.Duration
	// FlagsEvery is how often the commanders answer the compliance flags
	// about their units (acknowledge, or dispute). Default 20 s.
	FlagsEvery time.Duration
	// Now is the clock of the commands' times; time.Now if nil.
	Now func() time.Time
}

// DefaultRate is the simulator's default pace: a few commands a second.
const DefaultRate = 3.0

// maxRate bounds Rate: the API's default per-principal rate limit is far
// above it, and a demo has no business load-testing.
const maxRate = 1000.0

func (c *SimConfig) setDefaults() {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Run == "" {
		c.Run = c.Now().UTC().Format(time.RFC3339Nano)
	}
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.Speedup == 0 {
		c.Speedup = 1
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = 10 * time.Second
	}
	if c.FlagsEvery == 0 {
		c.FlagsEvery = 20 * time.Second
	}
}

// Validate reports every problem of the configuration.
func (c SimConfig) Validate() error {
	errs := []error{checkBaseURL(c.BaseURL), checkTokens(c.Tokens)}
	if !(c.Rate > 0 && c.Rate <= maxRate) {
		errs = append(errs, fmt.Errorf("rate %v: want commands per second in (0, %v]", c.Rate, maxRate))
	}
	if !(c.Speedup > 0) || math.IsInf(c.Speedup, 0) {
		errs = append(errs, fmt.Errorf("speedup %v: want a positive factor", c.Speedup))
	}
	if c.ProgressEvery <= 0 {
		errs = append(errs, fmt.Errorf("progress interval %s: want a positive interval", c.ProgressEvery))
	}
	if c.FlagsEvery <= 0 {
		errs = append(errs, fmt.Errorf("flags interval %s: want a positive interval", c.FlagsEvery))
	}
	return errors.Join(errs...)
}

// Simulator drives the API as the demo's field units and commanders
// would: see Run.
type Simulator struct {
	cfg     SimConfig
	client  *client
	plan    *planner
	running atomic.Bool

	mu    sync.Mutex
	stats Stats
}

// Stats counts what a Simulator sent.
type Stats struct {
	// Sent counts the commands sent, Accepted those the API accepted,
	// Failed those it refused or that got no answer.
	Sent, Accepted, Failed int
	// Late counts the accepted commands the API recorded as late.
	Late int
	// ByKind counts accepted commands by kind: the report kinds of the
	// API ("position", "border-crossing" …) and "task-issue",
	// "task-acknowledge", "task-amend", "task-complete".
	ByKind map[string]int
	// LastError is the last failure, if any.
	LastError string
}

// NewSimulator checks cfg and prepares a simulator of its world.
func NewSimulator(cfg SimConfig) (*Simulator, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo simulator: %w", err)
	}
	return &Simulator{
		cfg: cfg,
		client: &client{
			base: strings.TrimRight(cfg.BaseURL, "/"), http: cfg.HTTPClient, tokens: cfg.Tokens, log: cfg.Logger, attempts: 3,
		},
		plan:  newPlanner(cfg.Tokens.World(), cfg.Seed, cfg.Run, cfg.Speedup/cfg.Rate),
		stats: Stats{ByKind: map[string]int{}},
	}, nil
}

// Run sends commands at cfg.Rate until ctx is done, then returns nil.
// Units move along their roads and report their positions; they report
// sightings and situations, some late; crossing a border they report it
// and notify the host authority, whose acknowledgement they report; one
// unit starts a hot pursuit across the border, apprehends and hands over;
// another follows a target across the border and hands the surveillance
// over to a partner unit; commanders issue tasks that units acknowledge
// and complete, and answer the compliance flags about their units. A refused command is logged and counted (Stats), never
// fatal; but Run returns an error at once if the world was not seeded
// (Seed) and its operation is not active. Run may be called once.
func (s *Simulator) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("demo simulator: already run")
	}
	if err := s.ready(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / s.cfg.Rate))
	defer tick.Stop()
	progress := time.NewTicker(s.cfg.ProgressEvery)
	defer progress.Stop()
	flags := time.NewTicker(s.cfg.FlagsEvery)
	defer flags.Stop()
	s.cfg.Logger.Info("demo simulator started", "rate", s.cfg.Rate, "speedup", s.cfg.Speedup,
		"seed", s.cfg.Seed, "run", s.cfg.Run, "units", len(s.cfg.Tokens.World().Units))
	last, lastAt := Stats{}, time.Now()
	for {
		select {
		case <-ctx.Done():
			s.cfg.Logger.Info("demo simulator stopped", progressAttrs(s.Stats())...)
			return nil
		case now := <-progress.C:
			st := s.Stats()
			rate := float64(st.Sent-last.Sent) / now.Sub(lastAt).Seconds()
			s.cfg.Logger.Info("demo simulator", append(progressAttrs(st), "per_second", fmt.Sprintf("%.1f", rate))...)
			last, lastAt = st, now
		case <-tick.C:
			s.send(ctx, s.plan.next())
		case <-flags.C:
			s.answerFlags(ctx)
		}
	}
}

// ready checks that the world was seeded: the operation is there and
// active.
func (s *Simulator) ready(ctx context.Context) error {
	w := s.cfg.Tokens.World()
	var op struct {
		Status string `json:"status"`
	}
	if err := s.client.get(ctx, w.commander(w.Operation.Lead), "/v1/operations/"+w.Operation.ID.String(), &op); err != nil {
		return fmt.Errorf("demo simulator: no demo operation to simulate (seed it first): %w", err)
	}
	if op.Status != "active" {
		return fmt.Errorf("demo simulator: the demo operation is %s, not active", op.Status)
	}
	return nil
}

// Stats returns what the simulator has sent so far.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByKind = maps.Clone(s.stats.ByKind)
	return st
}

// send stamps r with the time and sends it, counting the outcome.
func (s *Simulator) send(ctx context.Context, r request) {
	r.body.stamp(s.cfg.Now(), r.lateBy)
	out, status, err := s.client.post(ctx, r.who, r.path, r.body)
	if err != nil && ctx.Err() != nil {
		return // stopping: the command may or may not have been recorded
	}
	s.mu.Lock()
	s.stats.Sent++
	if err != nil {
		s.stats.Failed++
		s.stats.LastError = err.Error()
	} else {
		s.stats.Accepted++
		s.stats.ByKind[r.kind]++
		if out.Late {
			s.stats.Late++
		}
	}
	s.mu.Unlock()
	if err != nil {
		s.cfg.Logger.Warn("demo command refused", "kind", r.kind, "by", r.by, "status", status, "err", err)
		return
	}
	s.cfg.Logger.Debug("demo command", "kind", r.kind, "by", r.by, "status", status,
		"stream", out.Stream, "revision", out.Revision, "late", out.Late)
}

// progressAttrs are the log attributes of a progress line.
func progressAttrs(st Stats) []any {
	attrs := []any{"sent", st.Sent, "accepted", st.Accepted, "failed", st.Failed, "late", st.Late,
		"crossings", st.ByKind["border-crossing"], "pursuits", st.ByKind["pursuit-start"],
		"surveillances", st.ByKind["surveillance-start"], "tasks", st.ByKind["task-issue"]}
	if st.LastError != "" {
		attrs = append(attrs, "last_error", st.LastError)
	}
	return attrs
}
