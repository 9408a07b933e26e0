package compliance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jointops/jointops/commands"
	policy "github.com/jointops/jointops/projections/compliance"
)

// Name is the projection's stable name: its consumer group and checkpoint.
// Renaming it is a migration.
const Name = "compliance-policy"

// Recorder appends flag decisions; *commands.Handlers is one. It must be
// idempotent by command ID, and safe for concurrent use.
type Recorder interface {
	RaiseFlag(ctx context.Context, p commands.Principal, id commands.CommandID, in commands.FlagRaise) (commands.Accepted, error)
	ClearFlag(ctx context.Context, p commands.Principal, id commands.CommandID, in commands.FlagClearance) (commands.Accepted, error)
}

var _ Recorder = (*commands.Handlers)(nil)

// Defaults of Config.
const (
	DefaultTickEvery  = 10 * time.Second
	DefaultRetryEvery = time.Second
)

// Config wires the policy runner.
type Config struct {
	// Recorder appends the flags. Required.
	Recorder Recorder
	// Principal is who the flags are recorded as: commands.SystemPrincipal.
	// Required.
	Principal commands.Principal
	// Policy tunes the rules.
	Policy policy.Config
	// TickEvery is how often Run fires the deadlines that passed. Default
	// DefaultTickEvery.
	TickEvery time.Duration
	// RetryEvery is how long after a failed recording the outbox is tried
	// again, so that a failing store does not cost every event a call.
	// Default DefaultRetryEvery.
	RetryEvery time.Duration
	// Clock is the current time. Default time.Now.
	Clock func() time.Time
	// Live, if set, gates the ticker: while it returns false (the runner is
	// still catching up on old events, whose later facts may resolve a
	// deadline) no deadline fires by the clock. Wire it to the projector
	// runner's readiness.
	Live func() bool
	// Logger logs decisions the command layer refused or failed on.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.TickEvery == 0 {
		c.TickEvery = DefaultTickEvery
	}
	if c.RetryEvery == 0 {
		c.RetryEvery = DefaultRetryEvery
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Live == nil {
		c.Live = func() bool { return true }
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Policy.Locations == nil {
		c.Policy.Locations = time.LoadLocation
	}
}

// Validate reports every problem of c.
func (c Config) Validate() error {
	var errs []error
	if c.Recorder == nil {
		errs = append(errs, errors.New("compliance runner: recorder required"))
	}
	if c.Principal.Role != commands.RoleSystem {
		errs = append(errs, fmt.Errorf("compliance runner: principal has role %q, want the system principal", c.Principal.Role))
	}
	if c.TickEvery < 0 {
		errs = append(errs, fmt.Errorf("compliance runner: tick every %s is negative", c.TickEvery))
	}
	if c.RetryEvery < 0 {
		errs = append(errs, fmt.Errorf("compliance runner: retry every %s is negative", c.RetryEvery))
	}
	errs = append(errs, c.Policy.Validate())
	return errors.Join(errs...)
}
