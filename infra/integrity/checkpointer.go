package integrity

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// Config configures a Checkpointer.
type Config struct {
	// Store is the log followed and appended to.
	Store eventstore.Store
	// Key signs the checkpoints.
	Key ed25519.PrivateKey
	// Interval between checkpoints; default DefaultInterval.
	Interval time.Duration
	// ShutdownTimeout bounds the last checkpoint written when Run stops;
	// default 10 s.
	ShutdownTimeout time.Duration
	// Logger; default slog.Default().
	Logger *slog.Logger
	// Now is the clock of SignedAt; default time.Now.
	Now func() time.Time
}

// DefaultInterval is how often the server signs a checkpoint.
const DefaultInterval = time.Minute

func (c *Config) setDefaults() {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("integrity: store is required"))
	}
	if len(c.Key) != ed25519.PrivateKeySize {
		errs = append(errs, errors.New("integrity: an ed25519 signing key is required"))
	}
	if c.Interval < 0 {
		errs = append(errs, fmt.Errorf("integrity: interval %s must be positive", c.Interval))
	}
	if c.ShutdownTimeout < 0 {
		errs = append(errs, fmt.Errorf("integrity: shutdown timeout %s must be positive", c.ShutdownTimeout))
	}
	return errors.Join(errs...)
}

// Checkpointer follows the log and signs a checkpoint of the stream heads
// whenever something changed. Run it once per deployment (a second one is
// fenced off by the checkpoint stream's expected revision and re-reads).
type Checkpointer struct {
	cfg Config

	mu sync.Mutex // serialises Checkpoint calls; guards what follows
	// loaded says the state was read from the checkpoint stream.
	loaded bool
	// heads are the stream heads up to followed.
	heads    Heads
	followed eventstore.Cursor
	// changed are the streams whose head moved since the last checkpoint.
	changed map[string]struct{}
	// last is the latest checkpoint and its revision in CheckpointStream.
	last    Checkpoint
	lastRev eventstore.ExpectedRevision
}

// New validates cfg and returns a Checkpointer that has read nothing yet.
func New(cfg Config) (*Checkpointer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Checkpointer{cfg: cfg}, nil
}

// Run signs a checkpoint every Interval until ctx is done, then one last
// one (bounded by ShutdownTimeout). A checkpoint that fails is logged and
// retried at the next tick; Run returns only when ctx is done, with the
// error of the last checkpoint if it failed.
func (c *Checkpointer) Run(ctx context.Context) error {
	t := time.NewTicker(c.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.ShutdownTimeout)
			defer cancel()
			if _, _, err := c.Checkpoint(fctx); err != nil {
				c.cfg.Logger.Error("last checkpoint at shutdown", "err", err)
				return err
			}
			return nil
		case <-t.C:
			if _, _, err := c.Checkpoint(ctx); err != nil && ctx.Err() == nil {
				c.cfg.Logger.Warn("checkpoint failed; retrying at the next interval", "err", err)
			}
		}
	}
}

// Checkpoint reads the log from where it stopped and, if any stream's head
// moved, appends a signed checkpoint; signed says whether it did.
func (c *Checkpointer) Checkpoint(ctx context.Context) (cp Checkpoint, signed bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loaded {
		if err := c.load(ctx); err != nil {
			return Checkpoint{}, false, err
		}
	}
	covers, err := c.follow(ctx)
	if err != nil {
		return Checkpoint{}, false, err
	}
	if len(c.changed) == 0 {
		return c.last, false, nil
	}
	cp, err = NewCheckpoint(c.cfg.Key, covers, c.cfg.Now(), c.heads, c.changed, c.last.Digest)
	if err != nil {
		return Checkpoint{}, false, err
	}
	ev, err := cp.EventData()
	if err != nil {
		return Checkpoint{}, false, err
	}
	res, err := c.cfg.Store.Append(ctx, CheckpointStream, c.lastRev, ev)
	if err != nil {
		// Another signer appended, or the append failed: start again from
		// the stream at the next call.
		c.loaded = false
		return Checkpoint{}, false, fmt.Errorf("append checkpoint: %w", err)
	}
	c.last, c.lastRev = cp, eventstore.Exact(res.NextExpectedRevision)
	c.changed = map[string]struct{}{}
	c.cfg.Logger.Info("checkpoint signed", "covers", cp.Covers, "streams", cp.Streams,
		"changed", len(cp.Changed), "key_id", cp.KeyID)
	return cp, true, nil
}

// load rebuilds the heads at the latest checkpoint by folding the changes
// of every checkpoint in the stream, and checks the result against its
// digest: a checkpointer must not sign on top of heads it cannot vouch for.
func (c *Checkpointer) load(ctx context.Context) error {
	c.heads, c.changed = Heads{}, map[string]struct{}{}
	c.followed, c.last, c.lastRev = eventstore.Start, Checkpoint{}, eventstore.NoStream()
	const page = 256
	for from := uint64(0); ; {
		evs, err := c.cfg.Store.ReadStream(ctx, CheckpointStream, eventstore.Forwards, from, page)
		if errors.Is(err, eventstore.ErrStreamNotFound) {
			break
		}
		if err != nil {
			return fmt.Errorf("read checkpoints: %w", err)
		}
		for _, e := range evs {
			cp, err := ParseCheckpoint(e.Data)
			if err != nil {
				return fmt.Errorf("checkpoint %d: %w", e.Revision, err)
			}
			for _, h := range cp.Changed {
				link, err := eventstore.ParseHash(h.Link)
				if err != nil {
					return fmt.Errorf("checkpoint %d: %w", e.Revision, err)
				}
				c.heads[h.Stream] = Head{Revision: h.Revision, Link: link}
			}
			c.last, c.lastRev = cp, eventstore.Exact(e.Revision)
		}
		if len(evs) < page {
			break
		}
		from = evs[len(evs)-1].Revision + 1
	}
	if c.last.Version != 0 {
		if got := c.heads.Digest().String(); got != c.last.Digest {
			return fmt.Errorf("checkpoints do not add up: heads digest %s, last checkpoint says %s", got, c.last.Digest)
		}
		p, err := c.last.Position()
		if err != nil {
			return err
		}
		c.followed = eventstore.After(p)
	}
	c.loaded = true
	return nil
}

// follow folds the log after the last followed position into the heads
// and returns the position of the last event read.
func (c *Checkpointer) follow(ctx context.Context) (eventstore.Position, error) {
	var last eventstore.Position
	if p, ok := c.followed.Position(); ok {
		last = p
	}
	for {
		page, err := c.cfg.Store.ReadAll(ctx, eventstore.Forwards, c.followed, followPage)
		if err != nil {
			return last, fmt.Errorf("follow the log: %w", err)
		}
		for _, e := range page {
			if e.Stream != CheckpointStream {
				c.heads[e.Stream] = Head{Revision: e.Revision, Link: e.Hash}
				c.changed[e.Stream] = struct{}{}
			}
			last = e.Position
		}
		if len(page) == 0 {
			return last, nil
		}
		c.followed = eventstore.After(last)
	}
}

// followPage is the ReadAll page size of the Checkpointer.
const followPage = 4096
