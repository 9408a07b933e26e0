package demo

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSeedIsIdempotent seeds an empty store, then seeds it again hours
// later: the second run recovers the anchor from the operation, gets the
// first run's outcomes for every command and appends nothing.
func TestSeedIsIdempotent(t *testing.T) {
	srv := newServer(t)
	tokens := srv.tokens(t)
	w := tokens.World()
	now := time.Now()

	first, err := Seed(t.Context(), SeedConfig{BaseURL: srv.url, Tokens: tokens, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Fresh || !first.Anchor.Equal(now.UTC().Truncate(time.Minute)) {
		t.Fatalf("first seed: fresh %v anchor %s, want a fresh world anchored at %s", first.Fresh, first.Anchor, now)
	}
	for _, s := range first.Steps {
		if s.Status != http.StatusCreated && s.Status != http.StatusAccepted {
			t.Errorf("step %q: status %d", s.Name, s.Status)
		}
		if s.Outcome.Late {
			t.Errorf("step %q was recorded late", s.Name)
		}
	}
	events := srv.events(t)
	if events < len(first.Steps) {
		t.Fatalf("%d events for %d accepted commands", events, len(first.Steps))
	}

	t.Logf("%d commands, %d events", len(first.Steps), events)
	later := now.Add(3 * time.Hour)
	second, err := Seed(t.Context(), SeedConfig{BaseURL: srv.url, Tokens: tokens, Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	if second.Fresh || !second.Anchor.Equal(first.Anchor) {
		t.Fatalf("second seed: fresh %v anchor %s, want the first anchor %s", second.Fresh, second.Anchor, first.Anchor)
	}
	if !slices.Equal(first.Steps, second.Steps) {
		t.Fatalf("second seed answered differently:\nfirst  %+v\nsecond %+v", first.Steps, second.Steps)
	}
	if got := srv.events(t); got != events {
		t.Fatalf("second seed appended %d events", got-events)
	}

	var op struct {
		Status       string   `json:"status"`
		Participants []string `json:"participants"`
		Period       struct {
			Start time.Time `json:"start"`
		} `json:"period"`
		OperationalPeriods []struct {
			Objectives []string `json:"objectives"`
		} `json:"operational_periods"`
	}
	srv.get(t, tokens, w.personPrincipal(w.Person("pcr/observer")), "/v1/operations/"+w.Operation.ID.String(), &op)
	if op.Status != "active" || len(op.Participants) != len(w.Operation.Participants) {
		t.Fatalf("operation %+v, want active with %d participants", op, len(w.Operation.Participants))
	}
	if len(op.OperationalPeriods) != len(w.Operation.OperationalPeriods) || len(op.OperationalPeriods[0].Objectives) != 4 {
		t.Fatalf("operational periods %+v", op.OperationalPeriods)
	}
}

// TestSeedRefusesABadConfig lists every problem of a configuration.
func TestSeedRefusesABadConfig(t *testing.T) {
	_, err := Seed(t.Context(), SeedConfig{BaseURL: "localhost:8080"})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"base URL", "tokens"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}
