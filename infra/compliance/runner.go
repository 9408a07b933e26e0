package compliance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
	policy "github.com/jointops/jointops/projections/compliance"
)

// Names of the checkpoint parts: the reference data (territories and
// agreements: large, rarely changed) and the rest of the fold with the
// outbox.
const (
	partReference = "reference"
	partPolicy    = "policy"
)

// checkpointVersion is the format version of the part.
const checkpointVersion = 1

// Policy is the compliance policy as a projection. The projector calls
// Apply, Checkpoint, Restore and Reset; Run ticks the deadlines. It is
// safe for concurrent use.
type Policy struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	fold     *policy.Policy
	outbox   []policy.Decision // decided, not yet recorded
	position string
	dirty    bool
	retryAt  time.Time // no recording before then, after a failure
	// savedRefs is the fold's ReferenceCount when the reference part was
	// last checkpointed; -1 for never.
	savedRefs int
}

var _ projector.Projection = (*Policy)(nil)

// New returns the policy before any event.
func New(cfg Config) (*Policy, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	fold, err := policy.New(cfg.Policy)
	if err != nil {
		return nil, err
	}
	return &Policy{cfg: cfg, log: cfg.Logger.With("component", Name), fold: fold, savedRefs: -1}, nil
}

// Name returns Name.
func (p *Policy) Name() string { return Name }

// Apply folds one event and records the flags it decides. A decision the
// command layer cannot take now stays in the outbox, saved with the
// checkpoint, and is retried with the next event or tick: Apply itself
// fails only on a cancelled context, so that the event is retried.
func (p *Policy) Apply(ctx context.Context, env projections.Envelope) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.outbox = append(p.outbox, p.fold.Apply(env)...)
	p.position, p.dirty = env.Position, true
	p.flush(ctx)
	return nil
}

// Tick fires the deadlines that passed by now and records their flags,
// with anything left in the outbox. It does nothing while the runner is
// not live.
func (p *Policy) Tick(ctx context.Context, now time.Time) {
	if !p.cfg.Live() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if due := p.fold.Due(now); len(due) > 0 {
		p.outbox = append(p.outbox, due...)
		p.dirty = true
	}
	p.flush(ctx)
}

// Run ticks every TickEvery until ctx ends; it returns nil then.
func (p *Policy) Run(ctx context.Context) error {
	t := time.NewTicker(p.cfg.TickEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			p.Tick(ctx, p.cfg.Clock())
		}
	}
}

// Pending returns how many decisions wait in the outbox.
func (p *Policy) Pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.outbox)
}

// flush records the outbox in order, stopping at the first failure (the
// rest waits for the next call after RetryEvery). A refusal is not retried: it is logged
// and dropped, since the same command would be refused again. Called with
// mu held.
func (p *Policy) flush(ctx context.Context) {
	if len(p.outbox) == 0 || p.cfg.Clock().Before(p.retryAt) {
		return
	}
	for len(p.outbox) > 0 {
		d := p.outbox[0]
		err := p.record(ctx, d)
		if err != nil && isTransient(err) {
			p.retryAt = p.cfg.Clock().Add(p.cfg.RetryEvery)
			p.log.WarnContext(ctx, "recording a compliance flag failed; will retry",
				"operation", d.Operation, "flag", d.Flag.ID, "action", d.Action, "error", err, "retry_at", p.retryAt)
			return
		}
		if err != nil {
			p.log.ErrorContext(ctx, "the command layer refused a compliance flag",
				"operation", d.Operation, "flag", d.Flag.ID, "action", d.Action, "error", err)
		}
		p.outbox = p.outbox[1:]
		p.dirty = true
	}
	p.outbox = nil
}

func (p *Policy) record(ctx context.Context, d policy.Decision) error {
	id := commands.FlagCommandID(d.Operation, string(d.Action), d.Flag.ID)
	var err error
	switch d.Action {
	case policy.Raise:
		_, err = p.cfg.Recorder.RaiseFlag(ctx, p.cfg.Principal, id, commands.FlagRaise{Operation: d.Operation, OccurredAt: d.At, Flag: d.Flag})
	case policy.Clear:
		_, err = p.cfg.Recorder.ClearFlag(ctx, p.cfg.Principal, id, commands.FlagClearance{Operation: d.Operation, OccurredAt: d.At,
			Flag: d.Flag.ID, Evidence: d.Evidence, Reason: d.Reason})
	default:
		return fmt.Errorf("unknown decision action %q: %w", d.Action, domain.ErrInvalid)
	}
	return err
}

// isTransient tells a failure worth retrying from a refusal.
func isTransient(err error) bool {
	for _, kind := range []error{domain.ErrInvalid, domain.ErrRejected, domain.ErrForbidden, domain.ErrNotFound, commands.ErrCommandIDReused} {
		if errors.Is(err, kind) {
			return false
		}
	}
	return true
}

type checkpointJSON struct {
	Version int               `json:"version"`
	Fold    []byte            `json:"fold"`
	Outbox  []policy.Decision `json:"outbox,omitempty"`
}

// Checkpoint returns the fold's state with the outbox when they changed
// since the last call, and the reference data when a state or agreement
// event arrived since.
func (p *Policy) Checkpoint() (projector.Checkpoint, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cp := projector.Checkpoint{Position: p.position, Parts: map[string][]byte{}}
	refs := p.fold.ReferenceCount()
	if refs != p.savedRefs {
		b, err := p.fold.MarshalReference()
		if err != nil {
			return projector.Checkpoint{}, fmt.Errorf("%s: checkpoint: %w", Name, err)
		}
		cp.Parts[partReference] = b
	}
	if p.dirty {
		fold, err := p.fold.MarshalState()
		if err != nil {
			return projector.Checkpoint{}, fmt.Errorf("%s: checkpoint: %w", Name, err)
		}
		b, err := json.Marshal(checkpointJSON{Version: checkpointVersion, Fold: fold, Outbox: p.outbox})
		if err != nil {
			return projector.Checkpoint{}, fmt.Errorf("%s: checkpoint: %w", Name, err)
		}
		cp.Parts[partPolicy] = b
	}
	p.savedRefs, p.dirty = refs, false
	return cp, nil
}

// Restore loads a checkpoint before the first Apply.
func (p *Policy) Restore(position string, parts map[string][]byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := parts[partPolicy]
	ref, refOK := parts[partReference]
	if !ok || !refOK {
		return fmt.Errorf("%s: restore: want parts %q and %q: %w", Name, partReference, partPolicy, projections.ErrSnapshotCorrupt)
	}
	var cp checkpointJSON
	if err := json.Unmarshal(b, &cp); err != nil {
		return fmt.Errorf("%s: restore: %w: %v", Name, projections.ErrSnapshotCorrupt, err)
	}
	if cp.Version != checkpointVersion {
		return fmt.Errorf("%s: restore: version %d, this build reads %d: %w", Name, cp.Version, checkpointVersion, projections.ErrSnapshotVersion)
	}
	if err := p.fold.UnmarshalParts(ref, cp.Fold); err != nil {
		return fmt.Errorf("%s: restore: %w", Name, err)
	}
	p.outbox, p.position, p.dirty, p.savedRefs = cp.Outbox, position, false, p.fold.ReferenceCount()
	return nil
}

// Reset empties the policy (rebuild from zero). Flags already recorded
// stay in the log; the rebuild finds them again under the same IDs and
// records nothing new.
func (p *Policy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fold.Reset()
	p.outbox, p.position, p.dirty, p.savedRefs = nil, "", true, -1
}
