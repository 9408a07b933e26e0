package commands

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"sync"
	"time"

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
	// CacheWeight bounds the total weight of the aggregates kept warm (see
	// Weigher): a field log weighs its number of entries, 40 to 70 bytes of
	// memory each, any other aggregate 1. The least recently used
	// aggregates are evicted while the total is above it, and loaded again
	// (from their latest snapshot and the events after it) by their next
	// command. Default 2,097,152 (1<<21): 85 to 140 MB of field logs.
	CacheWeight int
	// MemoSize bounds the outcomes of recent commands kept in memory in
	// front of Outcomes. Default 65,536.
	MemoSize int
	// AccessMaxAge is how old the facts a field report is authorized
	// against may be when they allow it (a refusal is always checked
	// against the end of the operation's stream). Changes made through
	// these handlers are seen at once; the age bounds how late a change
	// made by another node is noticed. Default 1s.
	AccessMaxAge time.Duration
	// Snapshots, if set, keeps snapshots of the aggregates that take them
	// (domain.Snapshotter): a cold aggregate is restored from its latest
	// snapshot and folds only the events after it.
	Snapshots Snapshots
	// SnapshotEvery is how many events past its latest snapshot a loaded
	// aggregate may be before a new snapshot of it is taken (in the
	// background). Default 1,000.
	SnapshotEvery int
	Logger        *slog.Logger
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
	if c.CacheWeight == 0 {
		c.CacheWeight = 1 << 21
	}
	if c.MemoSize == 0 {
		c.MemoSize = 1 << 16
	}
	if c.AccessMaxAge == 0 {
		c.AccessMaxAge = time.Second
	}
	if c.SnapshotEvery == 0 {
		c.SnapshotEvery = 1000
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
	if c.CacheWeight < 1 {
		errs = append(errs, fmt.Errorf("commands: cache weight %d, want ≥ 1", c.CacheWeight))
	}
	if c.MemoSize < 1 {
		errs = append(errs, fmt.Errorf("commands: memo size %d, want ≥ 1", c.MemoSize))
	}
	if c.AccessMaxAge < 0 {
		errs = append(errs, fmt.Errorf("commands: access max age %s, want ≥ 0", c.AccessMaxAge))
	}
	if c.SnapshotEvery < 1 {
		errs = append(errs, fmt.Errorf("commands: snapshot every %d events, want ≥ 1", c.SnapshotEvery))
	}
	errs = append(errs, c.Time.Validate())
	return errors.Join(errs...)
}

// Handlers runs every use case. It is safe for concurrent use; commands on
// one stream are serialized in-process (so they do not conflict with each
// other), commands on different streams run in parallel. Call Close before
// closing the Outcomes and Snapshots stores.
type Handlers struct {
	cfg    Config
	cache  *aggregateCache
	memo   *memo
	access *accessCache
	// records writes the outcomes of accepted commands in the background.
	records *background
	snaps   *snapshotter // nil without Config.Snapshots
	locks   [256]sync.Mutex
	seed    maphash.Seed
}

// New returns the handlers of cfg.
func New(cfg Config) (*Handlers, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &Handlers{
		cfg:     cfg,
		cache:   newAggregateCache(cfg.CacheSize, cfg.CacheWeight),
		memo:    newMemo(cfg.MemoSize),
		access:  newAccessCache(cfg.CacheSize),
		records: newBackground(maxPendingRecords),
		seed:    maphash.MakeSeed(),
	}
	if cfg.Snapshots != nil {
		h.snaps = newSnapshotter(cfg.Snapshots, cfg.SnapshotEvery)
	}
	return h, nil
}

// Close waits, until ctx ends, for the outcome records and snapshot saves
// under way, and stops taking snapshots; call it before closing the
// Outcomes and Snapshots stores. Commands still run after Close: their
// outcomes are then recorded before they return.
func (h *Handlers) Close(ctx context.Context) error {
	err := h.records.close(ctx)
	if h.snaps != nil {
		err = errors.Join(err, h.snaps.saves.close(ctx))
	}
	return err
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
