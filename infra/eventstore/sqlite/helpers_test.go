package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// quiet discards the store's log lines in tests.
var quiet = slog.New(slog.DiscardHandler)

// testConfig returns a configuration for a fresh file in a temporary
// directory, with a quiet logger.
func testConfig(t testing.TB) Config {
	t.Helper()
	return Config{
		Path:   filepath.Join(t.TempDir(), "events.db"),
		Logger: quiet,
	}
}

// openTest opens a store with cfg and closes it when the test ends.
func openTest(t testing.TB, cfg Config) *Store {
	t.Helper()
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.Path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newTestStore opens a store on a fresh file.
func newTestStore(t testing.TB) *Store {
	t.Helper()
	return openTest(t, testConfig(t))
}

// event returns an event with a fresh ID and a small JSON payload.
func event(typ string, n int) eventstore.EventData {
	return eventstore.EventData{
		ID:            uuid.New(),
		Type:          typ,
		SchemaVersion: 1,
		Data:          fmt.Appendf(nil, `{"n":%d}`, n),
		Metadata:      []byte(`{"actor":"test"}`),
	}
}

// events returns n fresh events.
func events(n int) []eventstore.EventData {
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = event("test.happened", i)
	}
	return out
}

// mustAppend appends and fails the test on error.
func mustAppend(t testing.TB, s eventstore.Store, stream string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(t.Context(), stream, exp, evs...)
	if err != nil {
		t.Fatalf("Append(%s, %s, %d events): %v", stream, exp, len(evs), err)
	}
	return res
}

// readAll reads the whole log forwards.
func readAll(t testing.TB, s eventstore.Reader) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	from := eventstore.Start
	for {
		page, err := s.ReadAll(t.Context(), eventstore.Forwards, from, 1000)
		if err != nil {
			t.Fatalf("ReadAll: %v", err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		from = eventstore.After(page[len(page)-1].Position)
	}
}

// rawDB opens the file behind the store's back, as an intruder or the
// sqlite3 tool would.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("open raw %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// ctxTimeout returns a context for one blocking call in a test.
func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
