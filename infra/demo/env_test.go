package demo

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/httpapi"
)

// server is the whole API on loopback, as `jointops serve` wires it: the
// HTTP handler in front of the command handlers, the SQLite event log and
// the SQLite outcomes, in a temporary directory.
type server struct {
	url   string
	store *sqlite.Store
	key   ed25519.PrivateKey
}

func newServer(tb testing.TB) *server {
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
	h, err := commands.New(commands.Config{Log: eventlog.NewLog(store, codec), Outcomes: outcomes})
	if err != nil {
		tb.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	handler, err := httpapi.New(httpapi.Config{TokenKey: key.Public().(ed25519.PublicKey), Commands: h})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	tb.Cleanup(srv.Close)
	return &server{url: srv.URL, store: store, key: key}
}

// issuer signs tokens with the server's key, as serve's signer does.
func (s *server) issuer() Issuer {
	return func(agency, subject uuid.UUID, role string, ttl time.Duration) (string, error) {
		now := time.Now()
		return auth.Sign(s.key, auth.Claims{
			Agency: agency.String(), Subject: subject.String(), Role: auth.Role(role),
			IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(ttl), ID: uuid.NewString(),
		})
	}
}

// tokens loads the world and issues its tokens.
func (s *server) tokens(tb testing.TB) *Tokens {
	tb.Helper()
	w, err := Load()
	if err != nil {
		tb.Fatal(err)
	}
	t, err := NewTokens(w, s.issuer(), time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// events counts the events in the whole log.
func (s *server) events(tb testing.TB) int {
	tb.Helper()
	n, from := 0, eventstore.Start
	for {
		page, err := s.store.ReadAll(tb.Context(), eventstore.Forwards, from, 1000)
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

// get reads path as p and decodes the JSON answer into out; it fails the
// test unless the answer is 200.
func (s *server) get(tb testing.TB, t *Tokens, p principal, path string, out any) {
	tb.Helper()
	tok, err := t.token(p)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequestWithContext(tb.Context(), http.MethodGet, s.url+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", path, res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatal(err)
	}
}
