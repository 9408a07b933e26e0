package demo

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	flags "github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/infra/agreementdemo"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/compliance"
)

// TestDemoRaisesRealFlags runs the seeded demo, its agreements included,
// until the first pursuit and the first surveillance are over, then folds
// the log through the real compliance policy: it flags the pursuit's late
// notification and its run past the Austrian 5 km, and the surveillance
// team's apprehension in Germany — and nothing else. The simulation runs 240 times faster
// than real time, so the policy's clock-skew tolerance is cut to 200 ms
// (the late notification comes 150 simulated seconds, 0.6 s, late).
func TestDemoRaisesRealFlags(t *testing.T) {
	srv := newServer(t)
	tokens := srv.tokens(t)
	w := tokens.World()
	if _, err := Seed(t.Context(), SeedConfig{BaseURL: srv.url, Tokens: tokens, Agreements: agreementdemo.DefaultJSON()}); err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(SimConfig{BaseURL: srv.url, Tokens: tokens, Seed: 1, Rate: 200, Speedup: 240})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	deadline := time.Now().Add(45 * time.Second)
	for st := sim.Stats(); st.ByKind["pursuit-cease"] == 0 || st.ByKind["surveillance-handover"] == 0; st = sim.Stats() {
		if st.Failed > 0 || time.Now().After(deadline) {
			cancel()
			t.Fatalf("the demo did not play out its stories: %+v", st)
		}
		time.Sleep(50 * time.Millisecond) // polling the stats; the simulator runs on its own
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	policy, err := compliance.New(compliance.Config{ClockSkew: 200 * time.Millisecond, Locations: time.LoadLocation})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	units := map[flags.Rule][]string{}
	for from := eventstore.Start; ; {
		page, err := srv.store.ReadAll(t.Context(), eventstore.Forwards, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			ev, _, err := codec.Decode(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range policy.Apply(projections.Envelope{Position: r.Position.String(), Stream: r.Stream, Revision: r.Revision, Event: ev}) {
				if d.Action == compliance.Raise {
					units[d.Flag.Rule] = append(units[d.Flag.Rule], d.Flag.Unit.String())
				}
			}
		}
		from = eventstore.After(page[len(page)-1].Position)
	}
	for _, d := range policy.Due(time.Now()) {
		units[d.Flag.Rule] = append(units[d.Flag.Rule], d.Flag.Unit.String())
	}
	t.Logf("flags raised: %v", units)
	pursuer, watcher := w.Unit(w.Scenario.PursuitUnit).ID.String(), w.Unit(w.Scenario.SurveillanceUnit).ID.String()
	for _, want := range []struct {
		rule flags.Rule
		unit string
	}{
		{flags.RuleNotificationMissing, pursuer},
		{flags.RulePursuitDistance, pursuer},
		{flags.RuleApprehension, watcher},
	} {
		if !slices.Contains(units[want.rule], want.unit) {
			t.Errorf("no %s flag for unit %s", want.rule, want.unit)
		}
	}
	if len(units) != 3 {
		t.Errorf("flags of %d rules, want only the three the stories breach on purpose", len(units))
	}
}

// TestCommandersAnswerTheirFlags: each agency's commander answers the open
// flags about its own units it has not answered yet — disputing a pursuit
// gone too far, acknowledging the rest — and nothing else.
func TestCommandersAnswerTheirFlags(t *testing.T) {
	srv := newServer(t) // for the tokens' key only
	tokens := srv.tokens(t)
	w := tokens.World()
	bypol, bpol := w.Agency("bypol").ID.String(), w.Agency("bpol").ID.String()
	board := `{"flags": [
		{"id": "11111111111111111111111111111111", "rule": "pursuit.beyond_distance", "agency": "` + bypol + `"},
		{"id": "22222222222222222222222222222222", "rule": "notification.missing", "agency": "` + bypol + `"},
		{"id": "33333333333333333333333333333333", "rule": "notification.missing", "agency": "` + bypol + `",
		 "answers": [{"agency": "` + bypol + `", "kind": "acknowledged"}]},
		{"id": "44444444444444444444444444444444", "rule": "apprehension.not_allowed", "agency": "` + bpol + `",
		 "answers": [{"agency": "` + bypol + `", "kind": "disputed"}]}
	]}`
	var mu sync.Mutex
	var posted []string
	fake := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(rw, board)
			return
		}
		var b struct {
			Note string `json:"note"`
		}
		_ = json.NewDecoder(r.Body).Decode(&b)
		mu.Lock()
		posted = append(posted, r.URL.Path[strings.LastIndex(r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], "/")+1:])
		mu.Unlock()
		rw.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(rw, `{"stream": "compliance-x", "position": "1/1", "revision": 0, "events": 1}`)
	}))
	t.Cleanup(fake.Close)
	sim, err := NewSimulator(SimConfig{BaseURL: fake.URL, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	sim.answerFlags(t.Context())
	slices.Sort(posted)
	want := []string{"11111111111111111111111111111111/dispute", "22222222222222222222222222222222/acknowledge",
		"44444444444444444444444444444444/acknowledge"}
	if !slices.Equal(posted, want) {
		t.Errorf("answers %v, want %v", posted, want)
	}
	if st := sim.Stats(); st.ByKind["flag-dispute"] != 1 || st.ByKind["flag-acknowledge"] != 2 {
		t.Errorf("stats %+v", st.ByKind)
	}
}
