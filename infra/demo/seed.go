package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SeedConfig configures Seed. Zero fields take their defaults.
type SeedConfig struct {
	// BaseURL is the root of the API, such as http://127.0.0.1:8080.
	BaseURL string
	// Tokens are the demo's principals (NewTokens); the world is theirs.
	Tokens *Tokens
	// HTTPClient sends the requests; one with a 30 s timeout if nil.
	HTTPClient *http.Client
	// Logger gets each step at debug level and the result at info.
	Logger *slog.Logger
	// Now is the clock that anchors a world laid out for the first time;
	// time.Now if nil.
	Now func() time.Time
	// Agreements is a set of legal frameworks in the file format of
	// infra/agreementdemo (its demo.json) to record after the world, as
	// the lead agency's administrator, skipping the versions already
	// recorded; nil records none.
	Agreements []byte
}

func (c *SeedConfig) setDefaults() {
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Validate reports every problem of the configuration.
func (c SeedConfig) Validate() error {
	return errors.Join(checkBaseURL(c.BaseURL), checkTokens(c.Tokens))
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("base URL %q: want http(s)://host:port", s)
	}
	return nil
}

func checkTokens(t *Tokens) error {
	if t == nil {
		return errors.New("tokens: required (demo.NewTokens)")
	}
	return nil
}

// SeedResult is what Seed did.
type SeedResult struct {
	// Anchor is the moment the world's times (the operation's period, its
	// operational periods) are offsets from: when it was first laid out.
	Anchor time.Time
	// Fresh is false when the operation existed already; every step was
	// then answered with the outcome of its first run and nothing changed.
	Fresh bool
	// Steps are the commands sent, in order, with their outcomes.
	Steps []SeedStep
}

// SeedStep is one command of the seed and the API's answer.
type SeedStep struct {
	Name    string
	Status  int
	Outcome Outcome
}

// Seed lays the demo world out through the HTTP API at cfg.BaseURL, as its
// administrators and commanders would: the operation is proposed, the
// states with their borders and the agencies with their contact points are
// registered, every agency agrees, the operation is activated, its plan and
// command structure are set up, its positions filled and its units checked
// in and assigned; then the agreements of cfg.Agreements are recorded.
//
// Every command has a fixed command ID and fixed times (offsets from the
// anchor, recovered from the operation when it exists), so seeding a store
// that holds the world already changes nothing: the API answers each
// command with its first outcome. A store seeded with other demo data, or
// interrupted by hand-made changes, makes Seed fail with the API's
// refusal.
func Seed(ctx context.Context, cfg SeedConfig) (SeedResult, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return SeedResult{}, fmt.Errorf("demo seed: %w", err)
	}
	c := &client{base: strings.TrimRight(cfg.BaseURL, "/"), http: cfg.HTTPClient, tokens: cfg.Tokens, log: cfg.Logger, attempts: 5}
	w := cfg.Tokens.World()

	anchor, fresh, err := findAnchor(ctx, c, w, cfg.Now)
	if err != nil {
		return SeedResult{}, fmt.Errorf("demo seed: %w", err)
	}
	res := SeedResult{Anchor: anchor, Fresh: fresh}
	for _, s := range seedSteps(w, anchor) {
		out, status, err := c.post(ctx, s.who, s.path, s.body)
		if err != nil {
			return res, fmt.Errorf("demo seed: %s: %w", s.name, err)
		}
		cfg.Logger.Debug("demo seed step", "step", s.name, "status", status, "stream", out.Stream, "revision", out.Revision)
		res.Steps = append(res.Steps, SeedStep{Name: s.name, Status: status, Outcome: out})
	}
	if len(cfg.Agreements) > 0 {
		steps, err := seedAgreements(ctx, c, w, cfg.Agreements, cfg.Now())
		res.Steps = append(res.Steps, steps...)
		if err != nil {
			return res, fmt.Errorf("demo seed: %w", err)
		}
	}
	cfg.Logger.Info("demo world seeded", "operation", w.Operation.ID, "anchor", anchor.Format(time.RFC3339),
		"fresh", fresh, "steps", len(res.Steps), "units", len(w.Units))
	return res, nil
}

// findAnchor returns the anchor of the world: recovered from the
// operation's period when the operation exists, else now, to the minute.
func findAnchor(ctx context.Context, c *client, w *World, now func() time.Time) (time.Time, bool, error) {
	op := w.Operation
	var view struct {
		Period struct {
			Start time.Time `json:"start"`
		} `json:"period"`
	}
	err := c.get(ctx, w.commander(op.Lead), "/v1/operations/"+op.ID.String(), &view)
	var apiErr *APIError
	switch {
	case err == nil:
		return view.Period.Start.Add(-op.Period.From).UTC(), false, nil
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden && apiErr.Code == "read.not_visible":
		return now().UTC().Truncate(time.Minute), true, nil
	}
	return time.Time{}, false, fmt.Errorf("look for the demo operation: %w", err)
}
