package httpapi

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// t0 is the server's time in tests that fix the clock.
var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// settableClock is a clock the test moves; safe for the server's goroutines.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settableClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is the whole API on loopback: a real HTTP server in front of the
// command handlers, the SQLite event log and the SQLite outcomes, in a
// temporary directory.
type env struct {
	url    string
	store  *sqlite.Store
	key    ed25519.PrivateKey
	now    func() time.Time
	client *http.Client
	log    *syncLog
	cmds   *commands.Handlers // the server's command handlers, for what no route does
}

// envOptions adjust the server of an env.
type envOptions struct {
	now       func() time.Time // nil: the real clock
	rateLimit float64
	rateBurst int
	maxBody   int64
	logLevel  slog.Level
}

func newEnv(tb testing.TB, o envOptions) *env {
	tb.Helper()
	store, _, h, now := newCommandSide(tb, o.now)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	sl := &syncLog{}
	handler, err := New(Config{
		Logger:       slog.New(slog.NewTextHandler(sl, &slog.HandlerOptions{Level: o.logLevel})),
		TokenKey:     key.Public().(ed25519.PublicKey),
		Commands:     h,
		Now:          now,
		RateLimit:    o.rateLimit,
		RateBurst:    o.rateBurst,
		MaxBodyBytes: o.maxBody,
	})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	tb.Cleanup(srv.Close)
	return &env{url: srv.URL, store: store, key: key, now: now, client: srv.Client(), log: sl, cmds: h}
}

// newCommandSide opens a SQLite log and outcomes file in the test's temp
// dir and the command handlers over them, all closed when the test ends;
// now is the handlers' clock (nil: the real clock, which it returns).
func newCommandSide(tb testing.TB, now func() time.Time) (*sqlite.Store, *eventlog.Codec, *commands.Handlers, func() time.Time) {
	tb.Helper()
	ctx := tb.Context()
	dir := tb.TempDir()
	store, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	outcomes, err := eventlog.OpenOutcomes(ctx, filepath.Join(dir, "commands.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { outcomes.Close() })
	codec, err := eventlog.NewCodec()
	if err != nil {
		tb.Fatal(err)
	}
	if now == nil {
		now = time.Now
	}
	h, err := commands.New(commands.Config{Log: eventlog.NewLog(store, codec), Outcomes: outcomes, Clock: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close(context.Background()) }) // the outcome records under way, before outcomes close
	return store, codec, h, now
}

// token signs a token for agency/subject/role, valid for an hour from the
// server's now.
func (e *env) token(tb testing.TB, agency, subject uuid.UUID, role commands.Role) string {
	tb.Helper()
	now := e.now()
	tok, err := auth.Sign(e.key, auth.Claims{
		Agency: agency.String(), Subject: subject.String(), Role: auth.Role(role),
		IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour), ID: uuid.NewString(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// response is an answer of the server, its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// problem decodes the body as a problem; it fails the test unless the
// response is application/problem+json.
func (r response) problem(tb testing.TB) Problem {
	tb.Helper()
	if ct := r.header.Get("Content-Type"); ct != ProblemContentType {
		tb.Fatalf("Content-Type %q, want %s; body %s", ct, ProblemContentType, r.body)
	}
	var p Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		tb.Fatalf("problem body %s: %v", r.body, err)
	}
	if p.Status != r.status {
		tb.Fatalf("problem status %d, response status %d", p.Status, r.status)
	}
	return p
}

// do sends a request with a JSON body (a string is sent as is, anything
// else is marshalled; nil sends none) and the bearer token, if any.
func (e *env) do(tb testing.TB, method, path, token string, body any) response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(tb.Context(), method, e.url+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// events counts the events in the whole log.
func (e *env) events(tb testing.TB) int {
	tb.Helper()
	n, from := 0, eventstore.Start
	for {
		page, err := e.store.ReadAll(tb.Context(), eventstore.Forwards, from, 1000)
		if err != nil {
			tb.Fatal(err)
		}
		if len(page) == 0 {
			return n
		}
		n += len(page)
		from = eventstore.After(page[len(page)-1].Position)
	}
}

// syncLog is a log sink the server and the test share.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
