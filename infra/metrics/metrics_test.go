package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d", rec.Code)
	}
	body, _ := io.ReadAll(rec.Body)
	return string(body)
}

func TestInstrumentedStoreCountsAppendsByResult(t *testing.T) {
	ctx := context.Background()
	raw, err := sqlite.Open(ctx, sqlite.Config{Path: filepath.Join(t.TempDir(), "events.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	m := metrics.New()
	store := m.InstrumentStore(raw)
	ev := func() eventstore.EventData {
		return eventstore.EventData{ID: uuid.New(), Type: "test.happened", SchemaVersion: 1, Data: []byte(`{}`)}
	}
	if _, err := store.Append(ctx, "s-1", eventstore.NoStream(), ev(), ev()); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, "s-1", eventstore.NoStream(), ev()); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("second append: %v, want a conflict", err)
	}
	text := scrape(t, m)
	for _, want := range []string{
		`jointops_appends_total{result="ok"} 1`,
		`jointops_appends_total{result="conflict"} 1`,
		`jointops_appended_events_total 2`,
		`jointops_append_duration_seconds_count 2`,
		`go_goroutines`,
		`go_gc_heap_live_bytes`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestGaugesAreReadAtScrapeTime(t *testing.T) {
	m := metrics.New()
	lag := map[string]float64{"boards": 12}
	m.GroupLag(func() map[string]float64 { return lag })
	m.BoardsConnected(func() map[string]float64 { return map[string]float64{"7c1e": 3} })
	m.CommandOutcome("accepted", 0.002)
	m.BoardDisconnected("slow")
	text := scrape(t, m)
	lag["boards"] = 0
	later := scrape(t, m)
	for _, want := range []string{
		`jointops_subscriber_lag_events{group="boards"} 12`,
		`jointops_boards_connected{agency="7c1e"} 3`,
		`jointops_commands_total{outcome="accepted"} 1`,
		`jointops_board_disconnects_total{reason="slow"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(later, `jointops_subscriber_lag_events{group="boards"} 0`) {
		t.Error("lag gauge not re-read at the second scrape")
	}
}

func TestCommandsCountsPostsByOutcome(t *testing.T) {
	m := metrics.New()
	status := map[string]int{"/ok": 201, "/bad": 400, "/rule": 422, "/boom": 500}
	h := m.Commands(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status[r.URL.Path])
	}))
	for _, p := range []string{"/ok", "/ok", "/bad", "/rule", "/boom"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", p, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/ok", nil))
	text := scrape(t, m)
	for _, want := range []string{
		`jointops_commands_total{outcome="accepted"} 2`,
		`jointops_commands_total{outcome="invalid"} 1`,
		`jointops_commands_total{outcome="rejected"} 1`,
		`jointops_commands_total{outcome="error"} 1`,
		`jointops_command_duration_seconds_count{outcome="accepted"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
