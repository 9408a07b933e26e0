package commands

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// Config wires the handlers to their ports.
type Config struct {
	Log      EventLog
	Outcomes Outcomes
	Clock    Clock
	// Time bounds the field clock's skew and says when a report is late.
	Time domain.TimePolicy
	// Attempts bounds decide-append rounds on conflicts. Default 3.
	Attempts int
	// CacheSize bounds the aggregates kept warm between commands. Default 4096.
	CacheSize int
	Logger    *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Clock == nil {
		c.Clock = func() time.Time { return time.Now().UTC() }
	}
	c.Time = c.Time.WithDefaults()
	if c.Attempts == 0 {
		c.Attempts = 3
	}
	if c.CacheSize == 0 {
		c.CacheSize = 4096
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports every problem of the configuration.
func (c Config) Validate() error {
	var errs []error
	if c.Log == nil {
		errs = append(errs, errors.New("commands: event log required"))
	}
	if c.Outcomes == nil {
		errs = append(errs, errors.New("commands: outcomes store required"))
	}
	if c.Attempts < 1 {
		errs = append(errs, fmt.Errorf("commands: attempts %d, want ≥ 1", c.Attempts))
	}
	if c.CacheSize < 1 {
		errs = append(errs, fmt.Errorf("commands: cache size %d, want ≥ 1", c.CacheSize))
	}
	errs = append(errs, c.Time.Validate())
	return errors.Join(errs...)
}

// Handlers runs every use case. It is safe for concurrent use; commands on
// one stream are serialized in-process (so they do not conflict with each
// other), commands on different streams run in parallel.
type Handlers struct {
	cfg   Config
	cache *aggregateCache
	locks [256]sync.Mutex
	seed  maphash.Seed
}

// New returns the handlers of cfg.
func New(cfg Config) (*Handlers, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Handlers{cfg: cfg, cache: newAggregateCache(cfg.CacheSize), seed: maphash.MakeSeed()}, nil
}

// lock serializes the commands of one stream (striped: unrelated streams
// may share a stripe, which costs only parallelism).
func (h *Handlers) lock(stream string) func() {
	m := &h.locks[maphash.String(h.seed, stream)%uint64(len(h.locks))]
	m.Lock()
	return m.Unlock
}

// meta builds the domain's view of who acts and when.
func (h *Handlers) meta(p Principal, occurredAt time.Time) (domain.Meta, time.Time, error) {
	now := h.cfg.Clock().UTC()
	m, err := domain.NewMeta(p.Actor(), occurredAt, now, h.cfg.Time)
	return m, now, err
}

// load returns the aggregate of stream brought up to date: from the cache
// plus the stream's tail, or folded from the start.
func load[A domain.Aggregate](ctx context.Context, h *Handlers, stream string, fresh func() A) (A, error) {
	a, ok := h.cache.get(stream).(A)
	if !ok {
		a = fresh()
	}
	if _, err := h.cfg.Log.Load(ctx, stream, a.Version(), a.Replay); err != nil {
		h.cache.drop(stream)
		var zero A
		return zero, fmt.Errorf("load %s: %w", stream, err)
	}
	h.cache.put(stream, a)
	return a, nil
}

// view runs fn on the current state of the aggregate of stream, under the
// stream's lock; fn must not keep the aggregate.
func view[A domain.Aggregate](ctx context.Context, h *Handlers, stream string, fresh func() A, fn func(A) error) error {
	unlock := h.lock(stream)
	defer unlock()
	a, err := load(ctx, h, stream, fresh)
	if err != nil {
		return err
	}
	return fn(a)
}

// command is one run of a use case.
type command[A domain.Aggregate] struct {
	useCase string
	id      CommandID
	p       Principal
	input   any
	stream  string
	op      domain.OperationID
	fresh   func() A
	// authorize, if set, checks the principal against other aggregates
	// (the operation a report is filed in) before this stream is locked, so
	// that no command holds two stream locks at once.
	authorize func(ctx context.Context) error
	// decide authorizes against the loaded state and lets the aggregate
	// decide; it returns a refusal or nil with the changes raised on a.
	decide func(ctx context.Context, a A) error
}

// run answers a retried command from its recorded outcome, or loads,
// decides and appends — again on a conflict, up to Attempts times — and
// records the outcome.
func run[A domain.Aggregate](ctx context.Context, h *Handlers, c command[A]) (Accepted, error) {
	if c.id.IsZero() {
		var p domain.Problems
		p.Add("command_id", "required")
		return Accepted{}, p.Err()
	}
	fp, err := fingerprint(c.useCase, c.p, c.input)
	if err != nil {
		return Accepted{}, err
	}
	if acc, err, done := h.recorded(ctx, c.id, fp); done {
		return acc, err
	}

	if c.authorize != nil {
		if err := c.authorize(ctx); err != nil {
			return Accepted{}, h.refuse(ctx, c.id, fp, err)
		}
	}
	unlock := h.lock(c.stream)
	defer unlock()
	// A retry racing its original waits for the lock, then finds the outcome.
	if acc, err, done := h.recorded(ctx, c.id, fp); done {
		return acc, err
	}
	for attempt := 1; ; attempt++ {
		a, err := load(ctx, h, c.stream, c.fresh)
		if err != nil {
			return Accepted{}, err
		}
		if err := c.decide(ctx, a); err != nil {
			h.cache.drop(c.stream) // the refused decision may have left changes behind
			// The refusal may be this very command's own earlier success
			// ("report already in the log"), if the process died after the
			// append and before the outcome was recorded: look for it.
			if _, isRefusal := refusalOf(err); isRefusal {
				f, found, ferr := h.cfg.Log.Find(ctx, c.stream, c.id)
				if ferr != nil {
					return Accepted{}, fmt.Errorf("%s: %w", c.useCase, ferr)
				}
				if found {
					return h.accept(ctx, c.id, fp, Accepted{Stream: c.stream, Position: f.Position,
						Revision: f.Version - 1, Events: f.Events, Late: f.LateBy > 0, LateBy: f.LateBy}), nil
				}
			}
			return Accepted{}, h.refuse(ctx, c.id, fp, err)
		}
		changes := a.Changes()
		app, err := h.cfg.Log.Append(ctx, c.stream, a.Version(), Envelope{CommandID: c.id, CorrelationID: uuid.UUID(c.id), Operation: c.op}, changes)
		if errors.Is(err, ErrConflict) && attempt < h.cfg.Attempts {
			h.cache.drop(c.stream)
			continue
		}
		if err != nil {
			h.cache.drop(c.stream)
			return Accepted{}, fmt.Errorf("%s: %w", c.useCase, err)
		}
		if app.Version != a.Version()+uint64(len(changes)) {
			// Answered by the log's idempotency with an earlier append of this
			// command: our in-memory aggregate is not what the stream holds.
			h.cache.drop(c.stream)
		} else {
			a.Commit()
		}
		acc := Accepted{Stream: c.stream, Position: app.Position, Revision: app.Version - 1, Events: len(changes)}
		for _, e := range changes {
			if e.Late() {
				acc.Late, acc.LateBy = true, e.LateBy
			}
		}
		return h.accept(ctx, c.id, fp, acc), nil
	}
}

// accept records an acceptance and returns it. A failed record is logged,
// not returned: the events are durable, and a retry finds them (Find).
func (h *Handlers) accept(ctx context.Context, id CommandID, fp [32]byte, acc Accepted) Accepted {
	if err := h.cfg.Outcomes.Put(ctx, id, Outcome{Fingerprint: fp, Accepted: &acc}); err != nil {
		h.cfg.Logger.Warn("record command outcome", "command_id", id.String(), "err", err)
	}
	return acc
}

// recorded returns the recorded outcome of id, if any; done says whether
// it answered the command.
func (h *Handlers) recorded(ctx context.Context, id CommandID, fp [32]byte) (Accepted, error, bool) {
	o, ok, err := h.cfg.Outcomes.Get(ctx, id)
	switch {
	case err != nil:
		return Accepted{}, fmt.Errorf("look up command %s: %w", id, err), true
	case !ok:
		return Accepted{}, nil, false
	case o.Fingerprint != fp:
		return Accepted{}, fmt.Errorf("command %s: %w", id, ErrCommandIDReused), true
	case o.Accepted != nil:
		return *o.Accepted, nil, true
	case o.Refusal != nil:
		return Accepted{}, o.Refusal.Err(), true
	}
	return Accepted{}, nil, false
}

// refuse records a refusal so a retry gets the same one, and returns err.
// Errors that are not refusals are returned unrecorded.
func (h *Handlers) refuse(ctx context.Context, id CommandID, fp [32]byte, err error) error {
	r, ok := refusalOf(err)
	if !ok {
		return err
	}
	if perr := h.cfg.Outcomes.Put(ctx, id, Outcome{Fingerprint: fp, Refusal: &r}); perr != nil {
		h.cfg.Logger.Warn("record command refusal", "command_id", id.String(), "err", perr)
	}
	return err
}
