package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
)

// syncBuffer is a bytes.Buffer safe for the server's logger and the test to
// share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlRE = regexp.MustCompile(`msg="jointops serving" url=(\S+)`)

func TestServeHealthAndShutdown(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0"}, &bytes.Buffer{}, &stderr)
	}()

	var base string
	deadline := time.Now().Add(10 * time.Second)
	for base == "" {
		if m := urlRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Status string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || body.Status != want {
			t.Fatalf("GET %s = %d %+v (%v), want 200 %q", path, resp.StatusCode, body, err, want)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(stderr.String(), "msg=stopped") {
		t.Fatalf("no clean stop in log:\n%s", stderr.String())
	}
}

func TestVerifyExitCodes(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	dir := t.TempDir()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(dir, "events.db")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		_, err := st.Append(ctx, "op-"+string(rune('a'+i%3)), eventstore.Any(), eventstore.EventData{
			ID: uuid.New(), Type: "test.happened", SchemaVersion: 1, Data: []byte(`{"n":1}`),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := run(ctx, []string{"verify", "--data-dir", dir}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("verify of a healthy log: %v", err)
	}
	if !strings.Contains(out.String(), "OK: 20 events in 3 streams") {
		t.Fatalf("verify output %q", out.String())
	}

	// Edit one payload byte behind the store's back.
	db, err := sql.Open("sqlite", filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE events SET data = CAST('{"n":2}' AS BLOB) WHERE seq = 7`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out.Reset()
	err = run(ctx, []string{"verify", "--data-dir", dir}, &out, &bytes.Buffer{})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("verify of a tampered log returned %v, want exit code 1", err)
	}
	if !strings.Contains(out.String(), "BROKEN after 6 good events") || !strings.Contains(out.String(), "chain link mismatch") {
		t.Fatalf("verify output %q does not name the broken event", out.String())
	}
}

func TestUsage(t *testing.T) {
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"frobnicate"}, &bytes.Buffer{}, &stderr)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(stderr.String(), "serve") {
		t.Fatalf("unknown command: err=%v usage=%q", err, stderr.String())
	}
	err = run(t.Context(), []string{"serve", "--store", "mongo"}, &bytes.Buffer{}, &stderr)
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `store "mongo"`) {
		t.Fatalf("bad config: err=%v", err)
	}
}
