package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/jointops/jointops/infra/eventstore"
)

var _ eventstore.Store = (*Store)(nil)

// Store is the embedded event log. Create it with Open; it is safe for
// concurrent use.
type Store struct {
	cfg Config
	log *slog.Logger

	// wdb holds the single write connection, owned by the writer goroutine.
	wdb *sql.DB
	w   *writer
	// cdb is the checkpointer's connection.
	cdb  *sql.DB
	ckpt *checkpointer
	// rdb is the pool of query-only connections used by reads.
	rdb   *sql.DB
	reads readStmts

	// reqs queues appends for the writer.
	reqs chan *appendReq
	// mu orders enqueues against Close: senders hold it shared, Close
	// exclusively, so no append is queued after the writer's last drain.
	mu     sync.RWMutex
	closed atomic.Bool
	// done is closed by Close: the writer drains and stops, subscriptions end.
	done       chan struct{}
	writerDone chan struct{}

	ring  *ring
	stats counters
	// onCommit, if set before the first Append, is called by the writer
	// right after each commit with the last committed position; benchmarks
	// use it to time delivery to subscribers.
	onCommit func(last uint64)

	closeOnce sync.Once
	closeErr  error
}

// Open opens (creating and initialising if needed) the event log at
// cfg.Path. A file that is not a Jointops log, or one written by a newer
// version, is refused with an error that Is ErrIncompatibleStore.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, migrations)
}

// open is Open with the migration steps as a parameter, so tests can
// exercise an upgrade.
func open(ctx context.Context, cfg Config, steps [][]string) (_ *Store, err error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("sqlite event store: config: %w", err)
	}
	if err := probe(ctx, cfg.Path, cfg, steps); err != nil {
		return nil, err
	}
	s := &Store{
		cfg:        cfg,
		log:        cfg.Logger.With(slog.String("component", "eventstore.sqlite"), slog.String("path", cfg.Path)),
		reqs:       make(chan *appendReq, cfg.QueueSize),
		done:       make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	defer func() {
		if err != nil {
			s.closeDBs()
		}
	}()
	if s.wdb, err = sql.Open("sqlite", cfg.Path+"?"+writerDSN(cfg)); err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	s.wdb.SetMaxOpenConns(1)
	s.wdb.SetMaxIdleConns(1)
	s.wdb.SetConnMaxLifetime(0)
	s.wdb.SetConnMaxIdleTime(0)
	conn, err := s.wdb.Conn(ctx)
	if err != nil {
		return nil, classifyOpenError(cfg.Path, err)
	}
	logMigration := func(from, to int) {
		s.log.Info("event log schema migrated", slog.Int("from", from), slog.Int("to", to))
	}
	if err := migrate(ctx, conn, cfg.Path, steps, logMigration); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if s.w, err = newWriter(ctx, conn, cfg); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	if s.rdb, err = sql.Open("sqlite", cfg.Path+"?"+readerDSN(cfg)); err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	s.rdb.SetMaxOpenConns(cfg.ReadConns)
	s.rdb.SetMaxIdleConns(cfg.ReadConns)
	if err := s.reads.prepare(ctx, s.rdb); err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	if s.cdb, err = sql.Open("sqlite", cfg.Path+"?"+checkpointDSN(cfg)); err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.Path, err)
	}
	s.cdb.SetMaxOpenConns(1)
	s.ckpt = newCheckpointer(s.cdb, s.log)
	s.ring = newRing(cfg.RingSize, s.w.seq)
	go s.ckpt.run(context.WithoutCancel(ctx))
	go s.runWriter(context.WithoutCancel(ctx))
	s.log.Debug("event log opened", slog.Uint64("head", s.w.seq))
	return s, nil
}

// Close stops accepting appends, lets the writer commit the batch it is
// working on, ends every subscription with ErrClosed and closes the file.
// Appends still queued fail with ErrClosed. Calls after the first fail with
// ErrClosed.
func (s *Store) Close() error {
	first := false
	s.closeOnce.Do(func() {
		first = true
		s.mu.Lock()
		s.closed.Store(true)
		s.mu.Unlock()
		close(s.done)
		<-s.writerDone
		s.ckpt.stop()
		s.closeErr = s.closeDBs()
	})
	if !first {
		return fmt.Errorf("close %s: %w", s.cfg.Path, eventstore.ErrClosed)
	}
	return s.closeErr
}

// closeDBs releases what open created; nil fields are skipped.
func (s *Store) closeDBs() error {
	var errs []error
	if s.w != nil {
		errs = append(errs, s.w.close())
	}
	errs = append(errs, s.reads.close())
	if s.cdb != nil {
		errs = append(errs, s.cdb.Close())
	}
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	if s.wdb != nil {
		errs = append(errs, s.wdb.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close %s: %w", s.cfg.Path, err)
	}
	return nil
}

// errClosed is returned by operations on a closed store.
func (s *Store) errClosed(op string) error {
	return fmt.Errorf("%s: %w", op, eventstore.ErrClosed)
}

// Stats counts what the store has done since Open, for metrics and tests.
type Stats struct {
	// Batches is the number of batches of appends the writer has taken from
	// its queue.
	Batches uint64
	// Commits is the number of write transactions committed.
	Commits uint64
	// Appends is the number of successful Append calls answered, retries
	// and empty appends included.
	Appends uint64
	// Events is the number of events written.
	Events uint64
}

type counters struct {
	batches, commits, appends, events atomic.Uint64
}

// Stats returns the counters of the store.
func (s *Store) Stats() Stats {
	return Stats{
		Batches: s.stats.batches.Load(),
		Commits: s.stats.commits.Load(),
		Appends: s.stats.appends.Load(),
		Events:  s.stats.events.Load(),
	}
}
