package esdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/jointops/jointops/infra/eventstore"
)

var _ eventstore.Store = (*Store)(nil)

// Store is the event log over an EventStoreDB (KurrentDB) server or cluster.
// It is safe for concurrent use.
type Store struct {
	cfg      Config
	log      *slog.Logger
	template esdb.Configuration // every client is built from a copy
	ids      *recentIDs
	done     chan struct{} // closed by Close

	mu     sync.Mutex
	conn   *conn
	closed bool
	subs   map[*subscription]struct{}
}

// conn is one client and the calls running on it. A client is closed only
// once no call runs on it, unless its connection state machine is dead:
// closing a client races (and panics) with calls still sending to it.
type conn struct {
	es       *esdb.Client
	gen      uint64 // incremented with each rebuild
	inflight int
	retired  bool // replaced or Store closed: close when idle
	dead     bool // its state machine stopped: calls queued on it never return
	shut     bool // es.Close was called
}

// Open connects to the server named by cfg.ConnectionString. The client
// discovers its node lazily, so Open reads the end of $all once to fail now
// (with an error that Is ErrUnavailable) rather than at the first append.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("esdb: config: %w", err)
	}
	conf, err := cfg.clientConfiguration()
	if err != nil {
		return nil, fmt.Errorf("esdb: config: %w", err)
	}
	s := &Store{
		cfg:      cfg,
		log:      cfg.Logger,
		template: *conf,
		ids:      newRecentIDs(cfg.RecentIDs),
		done:     make(chan struct{}),
		subs:     make(map[*subscription]struct{}),
	}
	es, err := s.newClient()
	if err != nil {
		return nil, fmt.Errorf("esdb: client: %w", err)
	}
	s.conn = &conn{es: es}
	if _, _, err := s.rawHead(ctx); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("esdb: open %s: %w", redact(cfg.ConnectionString), err)
	}
	return s, nil
}

func (s *Store) newClient() (*esdb.Client, error) {
	conf := s.template
	return esdb.NewClient(&conf)
}

// Close ends every subscription and closes the client once the calls still
// running on it end (at once if its state machine is dead). Calls after
// Close fail with ErrClosed; closing again does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	subs := s.subs
	s.subs = nil
	s.mu.Unlock()

	for sub := range subs {
		sub.closeWith(eventstore.ErrClosed)
	}
	s.mu.Lock()
	shut := s.retireLocked(s.conn)
	s.mu.Unlock()
	shut()
	return nil
}

// acquire returns the current client for one call; release must follow.
func (s *Store) acquire() (*conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	s.conn.inflight++
	return s.conn, nil
}

func (s *Store) release(c *conn) {
	s.mu.Lock()
	c.inflight--
	shut := s.shutLocked(c)
	s.mu.Unlock()
	shut()
}

// retireLocked marks c for closing and returns the function that closes it
// now if it may be: call it without holding s.mu.
func (s *Store) retireLocked(c *conn) func() {
	c.retired = true
	return s.shutLocked(c)
}

func (s *Store) shutLocked(c *conn) func() {
	if c.shut || !c.retired || (c.inflight > 0 && !c.dead) {
		return func() {}
	}
	c.shut = true
	return func() { _ = c.es.Close() }
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// rebuild replaces the dead client c with a new one, unless another call
// did already. v4.2.0 stops a client for good when a discovery fails, and
// calls queued on it then block forever sending to it; closing it at once
// makes them panic ("send on closed channel"), which protect turns into an
// error and do retries on the new client.
func (s *Store) rebuild(c *conn) {
	s.mu.Lock()
	c.dead = true
	if s.closed || s.conn != c {
		shut := s.shutLocked(c)
		s.mu.Unlock()
		shut()
		return
	}
	fresh, err := s.newClient()
	if err != nil {
		s.mu.Unlock()
		s.log.Error("esdb: rebuilding the client failed", "err", err)
		return
	}
	s.conn = &conn{es: fresh, gen: c.gen + 1}
	shut := s.retireLocked(c)
	s.mu.Unlock()
	s.log.Warn("esdb: the client stopped after a failed discovery; rebuilt it", "generation", c.gen+1)
	shut()
}

// current reports whether c is still the Store's client.
func (s *Store) current(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn == c
}

// outcome is what one call of fn produced.
type outcome[T any] struct {
	v   T
	err error
}

// do runs fn with the Store's client and returns its value and its error
// translated; stream names the stream of the call for errors ("" for $all).
//
// fn runs on its own goroutine, so that ctx is honoured even while the
// client is blocked in node discovery, which ignores contexts; fn must use
// ctx for its calls and must return its results rather than write shared
// variables, as it may outlive do. When the client was gone (see
// clientGone) or was replaced while fn ran, do rebuilds it and runs fn once
// more: every fn is safe to repeat (reads, and appends that first look for
// their own event IDs).
func do[T any](ctx context.Context, s *Store, stream string, fn func(*esdb.Client) (T, error)) (T, error) {
	var zero T
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return zero, err
		}
		c, err := s.acquire()
		if err != nil {
			return zero, err
		}
		done := make(chan outcome[T], 1)
		go func() {
			defer s.release(c)
			var o outcome[T]
			o.err = protect(func() error {
				var err error
				o.v, err = fn(c.es)
				return err
			})
			done <- o
		}()
		var o outcome[T]
		select {
		case o = <-done:
		case <-ctx.Done():
			return zero, ctx.Err()
		case <-s.done:
			return zero, eventstore.ErrClosed
		}
		if o.err == nil {
			return o.v, nil
		}
		if s.isClosed() {
			return zero, fmt.Errorf("%w (EventStoreDB: %v)", eventstore.ErrClosed, o.err)
		}
		gone := clientGone(o.err)
		if gone {
			s.rebuild(c)
		}
		if attempt == 1 && ctx.Err() == nil && !discoveryFailed(o.err) && (gone || !s.current(c)) {
			continue
		}
		terr := translate(ctx, stream, o.err)
		if errors.Is(terr, eventstore.ErrClosed) {
			// The Store is open: its client was closed under the call.
			return zero, fmt.Errorf("%w: %v", eventstore.ErrUnavailable, terr)
		}
		return zero, terr
	}
}
