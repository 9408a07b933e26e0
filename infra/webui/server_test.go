package webui_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/infra/webui"
	"github.com/jointops/jointops/projections"
)

// The browser tests run a real server: the SQLite event log in a data
// directory, the command handlers, the boards projection fed from the log
// in log order, the live board hub, the HTTP API and the board page on one
// listener — built from the packages as `jointops serve` builds them,
// until serve wires the boards.

// server is one run of the server over a data directory. kill ends it
// abruptly (connections cut, no close frames, like a crash); a new server
// over the same directory and address is the restart.
type server struct {
	t      *testing.T
	addr   string
	key    ed25519.PrivateKey
	store  *sqlite.Store
	outc   *eventlog.Outcomes
	boards *boards.Boards
	hub    *boardws.Hub
	cmds   *commands.Handlers // for what no route does: raising a compliance flag
	http   *http.Server
	ln     net.Listener
	// behind, when not negative, replaces the heartbeat's count of events
	// the boards are behind the log.
	behind atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]bool // every connection, hijacked ones too

	stopFeed context.CancelFunc
	fed      chan error
	served   chan error
	killed   bool
}

// serverConfig is what stays the same across a restart.
type serverConfig struct {
	dir  string
	addr string // "127.0.0.1:0" for a fresh port
	key  ed25519.PrivateKey
	maps webui.MapSource
	// demo serves the demo tokens endpoint at /demo/tokens, as
	// `jointops serve --demo` does, with whatever handler it holds.
	demo *demoTokens
}

// demoTokens is the demo tokens endpoint, whose list the test sets once
// the world exists.
type demoTokens struct {
	h atomic.Pointer[http.Handler]
}

func (d *demoTokens) set(t *testing.T, list webui.DemoTokens) {
	t.Helper()
	h, err := webui.DemoTokensHandler(list)
	if err != nil {
		t.Fatal(err)
	}
	d.h.Store(&h)
}

func (d *demoTokens) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := d.h.Load()
	if h == nil {
		http.NotFound(w, r)
		return
	}
	(*h).ServeHTTP(w, r)
}

func newServerConfig(t *testing.T) serverConfig {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return serverConfig{dir: t.TempDir(), addr: "127.0.0.1:0", key: key}
}

// startServer opens the data directory, folds the whole log into the
// boards and only then listens, as a server that is ready.
func startServer(t *testing.T, cfg serverConfig) *server {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	s := &server{t: t, key: cfg.key, conns: map[net.Conn]bool{}}
	s.behind.Store(-1)
	store, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(cfg.dir, "events.db"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.store = store
	if s.outc, err = eventlog.OpenOutcomes(ctx, filepath.Join(cfg.dir, "commands.db")); err != nil {
		t.Fatal(err)
	}
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	handlers, err := commands.New(commands.Config{Log: eventlog.NewLog(store, codec), Outcomes: s.outc, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	s.cmds = handlers
	if s.boards, err = boards.New(boards.Config{Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	feedCtx, stop := context.WithCancel(ctx)
	s.stopFeed, s.fed = stop, make(chan error, 1)
	go func() { s.fed <- feed(feedCtx, store, codec, s.boards) }()
	s.waitCaughtUp(t)

	if s.hub, err = boardws.NewHub(boardws.Config{Logger: quiet, HeartbeatInterval: 200 * time.Millisecond}, s.boards, s); err != nil {
		t.Fatal(err)
	}
	api, err := httpapi.New(httpapi.Config{
		Logger: quiet, TokenKey: cfg.key.Public().(ed25519.PublicKey), Commands: handlers,
		Boards: s.boards, Live: s.hub,
	})
	if err != nil {
		t.Fatal(err)
	}
	uiCfg := webui.Config{Logger: quiet, Map: cfg.maps}
	mux := http.NewServeMux()
	if cfg.demo != nil {
		uiCfg.DemoTokensPath = "/demo/tokens"
		mux.Handle("GET /demo/tokens", cfg.demo)
	}
	ui, err := webui.New(uiCfg)
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/v1/", api)
	mux.Handle("/healthz", api)
	mux.Handle("/", ui)

	if s.ln, err = net.Listen("tcp", cfg.addr); err != nil {
		t.Fatal(err)
	}
	s.addr = s.ln.Addr().String()
	s.http = httpapi.NewServer(s.addr, mux, quiet)
	s.http.ConnState = s.track
	s.served = make(chan error, 1)
	go func() { s.served <- s.http.Serve(s.ln) }()
	t.Cleanup(s.kill)
	return s
}

// feed applies every event of the log to b, in order, until ctx ends: what
// the projection runner does.
func feed(ctx context.Context, store eventstore.Store, codec *eventlog.Codec, b *boards.Boards) error {
	sub, err := store.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{})
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		rec, err := sub.Next(ctx)
		if err != nil {
			return err
		}
		ev, _, err := codec.Decode(rec)
		if err != nil {
			ev = domain.Event{} // an unknown type keeps its place
		}
		env := projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev}
		if err := b.Apply(ctx, env); err != nil {
			return err
		}
	}
}

// waitCaughtUp waits until the boards folded the whole log.
func (s *server) waitCaughtUp(t *testing.T) {
	t.Helper()
	head := s.Head()
	deadline := time.Now().Add(20 * time.Second)
	for s.boards.Position() != head {
		if time.Now().After(deadline) {
			t.Fatalf("the boards are at %q, the log at %q", s.boards.Position(), head)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Head is the heartbeat's view of the log head (boardws.Progress).
func (s *server) Head() string {
	pos, ok, err := s.store.Head(context.Background())
	if err != nil || !ok {
		return ""
	}
	return pos.String()
}

// Behind is how many events the boards have yet to fold
// (boardws.Progress), bounded, or the value the test set.
func (s *server) Behind() int64 {
	if n := s.behind.Load(); n >= 0 {
		return n
	}
	from := eventstore.Start
	if p := s.boards.Position(); p != "" {
		pos, err := eventstore.ParsePosition(p)
		if err != nil {
			return 0
		}
		from = eventstore.After(pos)
	}
	page, err := s.store.ReadAll(context.Background(), eventstore.Forwards, from, 1000)
	if err != nil {
		return 0
	}
	return int64(len(page))
}

func (s *server) track(c net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch state {
	case http.StateNew:
		s.conns[c] = true
	case http.StateClosed:
		delete(s.conns, c)
	}
}

// url is the server's base URL.
func (s *server) url() string { return "http://" + s.addr }

// kill stops the server as a crash would: the listener and every
// connection, WebSockets included, are cut without a close frame; then the
// parts are released so that the data directory can be opened again.
func (s *server) kill() {
	if s.killed {
		return
	}
	s.killed = true
	_ = s.http.Close() // the listener and every connection it still owns
	s.mu.Lock()
	for c := range s.conns { // the hijacked ones: the live boards
		_ = c.Close()
	}
	s.mu.Unlock()
	if err := <-s.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.t.Errorf("http server: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.hub.Shutdown(ctx) // its connections are already cut
	s.stopFeed()
	if err := <-s.fed; err != nil && !errors.Is(err, context.Canceled) {
		s.t.Errorf("feeding the boards: %v", err)
	}
	if err := s.outc.Close(); err != nil {
		s.t.Errorf("close outcomes: %v", err)
	}
	if err := s.store.Close(); err != nil {
		s.t.Errorf("close store: %v", err)
	}
}

// restart starts a new server over the same data and address.
func (s *server) restart(t *testing.T, cfg serverConfig) *server {
	t.Helper()
	s.kill()
	cfg.addr = s.addr
	return startServer(t, cfg)
}

var _ boardws.Progress = (*server)(nil)
