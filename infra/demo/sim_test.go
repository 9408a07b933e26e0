package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain/geo"
)

var simNow = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// planned runs a planner for n ticks of dt simulated seconds, stamping
// each command at simNow as the simulator stamps it when it sends it.
func planned(w *World, seed uint64, dt float64, n int) []request {
	p := newPlanner(w, seed, "test-run", dt)
	out := make([]request, n)
	for i := range out {
		out[i] = p.next()
		out[i].body.stamp(simNow, out[i].lateBy)
	}
	return out
}

func wire(t *testing.T, rs []request) []string {
	t.Helper()
	out := make([]string, len(rs))
	for i, r := range rs {
		raw, err := json.Marshal(r.body)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = r.who.subject.String() + " " + r.path + " " + string(raw)
	}
	return out
}

// TestPlannerIsDeterministic: the same seed gives the same commands, byte
// for byte; another seed gives others.
func TestPlannerIsDeterministic(t *testing.T) {
	w := mustLoad(t)
	a := wire(t, planned(w, 7, 1, 2000))
	b := wire(t, planned(w, 7, 1, 2000))
	if i := slices.Compare(a, b); i != 0 {
		for k := range a {
			if a[k] != b[k] {
				t.Fatalf("command %d differs:\n%s\n%s", k, a[k], b[k])
			}
		}
	}
	if slices.Equal(a, wire(t, planned(w, 8, 1, 2000))) {
		t.Fatal("seeds 7 and 8 gave the same commands")
	}
}

// TestPlannerTellsTheStories runs half an hour of simulated field and
// checks the storylines happen, in an order the domain accepts.
func TestPlannerTellsTheStories(t *testing.T) {
	w := mustLoad(t)
	rs := planned(w, 1, 1, 1800)

	seen := map[string]int{}
	late := 0
	for _, r := range rs {
		seen[r.kind]++
		if r.lateBy > 5*time.Minute {
			late++
		}
	}
	for _, k := range []string{"position", "observation", "situation", "border-crossing", "host-notification",
		"host-acknowledgement", "pursuit-start", "pursuit-cease", "apprehension", "use-of-force", "seizure",
		"person-handover", "post-action", "surveillance-start", "surveillance-handover", "surveillance-end",
		"task-issue", "task-acknowledge", "task-complete"} {
		if seen[k] == 0 {
			t.Errorf("no %s in half an hour; seen %v", k, seen)
		}
	}
	if late == 0 {
		t.Error("no late report")
	}

	pursuer := w.Unit(w.Scenario.PursuitUnit).ID
	checkOrder(t, "pursuit", unitLog(rs, pursuer),
		"pursuit-start", "border-crossing+activity", "host-notification+activity", "pursuit-cease",
		"apprehension", "use-of-force", "seizure", "person-handover", "post-action")
	watcher := w.Unit(w.Scenario.SurveillanceUnit).ID
	checkOrder(t, "surveillance", unitLog(rs, watcher),
		"surveillance-start", "border-crossing+activity", "host-notification+activity", "surveillance-handover", "post-action")
	checkOrder(t, "handed-over surveillance", unitLog(rs, w.Unit(w.Scenario.HandoverUnit).ID),
		"surveillance-start", "surveillance-end")

	checkReferences(t, w, rs)
}

// unitLog lists the reports filed into a unit's log, as kind, with
// "+activity" when a crossing or notification names an activity.
func unitLog(rs []request, unit uuid.UUID) []string {
	var out []string
	for _, r := range rs {
		if r.who.subject != unit || r.who.role != "field_unit" {
			continue
		}
		k := r.kind
		switch b := r.body.(type) {
		case *borderCrossingReport:
			if b.Activity != nil {
				k += "+activity"
			}
		case *hostNotificationReport:
			if b.Activity != nil {
				k += "+activity"
			}
		}
		out = append(out, k)
	}
	return out
}

// checkOrder checks that want occurs in log as a subsequence.
func checkOrder(t *testing.T, story string, log []string, want ...string) {
	t.Helper()
	i := 0
	for _, k := range log {
		if i < len(want) && k == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("%s: %q never follows %q in the unit's log %v", story, want[i], want[:i], log)
	}
}

// checkReferences checks what the domain checks of references: an
// acknowledgement answers an earlier notification of the same log, an
// activity is open when it is handed over, ceased or ended, a person is in
// custody when handed over, task steps follow the issue, a crossing leaves
// the state the unit is in, and every position lies in the area.
func checkReferences(t *testing.T, w *World, rs []request) {
	t.Helper()
	type key struct{ unit, id uuid.UUID }
	notified, open, custody, tasks := map[key]bool{}, map[key]bool{}, map[key]bool{}, map[string]bool{}
	in := map[uuid.UUID]string{}
	for _, m := range newPlanner(w, 1, "x", 1).movers {
		in[m.unit.ID] = m.state
	}
	for i, r := range rs {
		u := r.who.subject
		fail := func(format string, args ...any) {
			t.Errorf("command %d (%s of %s): "+format, append([]any{i, r.kind, r.by}, args...)...)
		}
		switch b := r.body.(type) {
		case *positionReport:
			pt, err := geo.NewPoint(b.Point.Lat, b.Point.Lon)
			if err != nil || !w.Operation.Area.Contains(pt) {
				fail("position %+v outside the area of operations", b.Point)
			}
		case *borderCrossingReport:
			if in[u] != b.From {
				fail("crossing from %s while in %s", b.From, in[u])
			}
			in[u] = b.To
		case *hostNotificationReport:
			notified[key{u, b.Notification}] = true
		case *hostAcknowledgementReport:
			if !notified[key{u, b.Notification}] {
				fail("acknowledges notification %s, not notified in this log", b.Notification)
			}
		case *pursuitStartReport:
			open[key{u, b.Activity}] = true
		case *surveillanceStartReport:
			open[key{u, b.Activity}] = true
		case *pursuitCeaseReport:
			closeActivity(open, key{u, b.Activity}, fail)
		case *surveillanceHandoverReport:
			closeActivity(open, key{u, b.Activity}, fail)
		case *surveillanceEndReport:
			closeActivity(open, key{u, b.Activity}, fail)
		case *apprehensionReport:
			custody[key{u, b.Subject}] = true
		case *personHandoverReport:
			if !custody[key{u, b.Subject}] {
				fail("hands over %s, not in custody", b.Subject)
			}
			custody[key{u, b.Subject}] = false
		case *taskIssueBody:
			tasks[b.ID.String()] = true
		case *taskAckBody, *taskAmendBody, *taskCompleteBody:
			task := strings.Split(strings.TrimPrefix(r.path, "/v1/operations/"+w.Operation.ID.String()+"/tasks/"), "/")[0]
			if !tasks[task] {
				fail("on task %s, never issued", task)
			}
		}
	}
}

func closeActivity[K comparable](open map[K]bool, k K, fail func(string, ...any)) {
	if !open[k] {
		fail("activity %v is not running", k)
	}
	open[k] = false
}

// recorder is an HTTP transport that keeps every exchange.
type recorder struct {
	mu        sync.Mutex
	exchanges []exchange
}

type exchange struct {
	path   string
	body   []byte
	status int
}

func (rec *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rec.mu.Lock()
	rec.exchanges = append(rec.exchanges, exchange{path: req.URL.Path, body: body, status: res.StatusCode})
	rec.mu.Unlock()
	return res, nil
}

func (rec *recorder) all() []exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return slices.Clone(rec.exchanges)
}

// TestSimulatorDrivesTheAPI seeds a real server, runs the simulator fast
// until every storyline has played out and checks that the API accepted
// every command, that the log holds them, and that every unit stayed
// inside the area of operations.
func TestSimulatorDrivesTheAPI(t *testing.T) {
	srv := newServer(t)
	tokens := srv.tokens(t)
	w := tokens.World()
	if _, err := Seed(t.Context(), SeedConfig{BaseURL: srv.url, Tokens: tokens}); err != nil {
		t.Fatal(err)
	}
	before := srv.events(t)

	rec := &recorder{}
	sim, err := NewSimulator(SimConfig{
		BaseURL: srv.url, Tokens: tokens, HTTPClient: &http.Client{Transport: rec, Timeout: 10 * time.Second},
		Seed: 42, Rate: 50, Speedup: 60,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()

	want := []string{"position", "observation", "situation", "border-crossing", "host-notification",
		"host-acknowledgement", "pursuit-start", "pursuit-cease", "apprehension", "person-handover",
		"post-action", "surveillance-start", "surveillance-handover", "surveillance-end",
		"task-issue", "task-acknowledge", "task-complete"}
	deadline := time.Now().Add(45 * time.Second)
	for {
		st := sim.Stats()
		missing := slices.DeleteFunc(slices.Clone(want), func(k string) bool { return st.ByKind[k] > 0 })
		if st.Failed > 0 {
			cancel()
			t.Fatalf("the API refused a command: %s", st.LastError)
		}
		if len(missing) == 0 && st.Late > 0 {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("after 45 s still no %v (late %d); stats %+v", missing, st.Late, st)
		}
		time.Sleep(50 * time.Millisecond) // polling the stats; the simulator runs on its own
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if err := sim.Run(t.Context()); err == nil {
		t.Error("a second Run did not refuse")
	}

	st := sim.Stats()
	if got := srv.events(t) - before; got < st.Accepted {
		t.Errorf("%d events in the log for %d accepted commands", got, st.Accepted)
	}
	positions := 0
	for _, x := range rec.all() {
		if x.status/100 != 2 {
			t.Errorf("%s answered %d", x.path, x.status)
		}
		if !strings.HasSuffix(x.path, "/reports/position") {
			continue
		}
		positions++
		var b positionReport
		if err := json.Unmarshal(x.body, &b); err != nil {
			t.Fatal(err)
		}
		pt, err := geo.NewPoint(b.Point.Lat, b.Point.Lon)
		if err != nil || !w.Operation.Area.Contains(pt) {
			t.Errorf("%s: position %+v outside the area of operations", x.path, b.Point)
		}
	}
	if positions == 0 {
		t.Fatal("no position was sent")
	}
	t.Logf("%d commands accepted (%d late), %d positions; by kind %v", st.Accepted, st.Late, positions, st.ByKind)
}

// TestSimConfigValidate lists every problem of a configuration at once.
func TestSimConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  SimConfig
		want []string
	}{
		{name: "empty", cfg: SimConfig{}, want: []string{"base URL", "tokens", "rate", "speedup"}},
		{name: "too fast", cfg: SimConfig{BaseURL: "http://x:1", Rate: 5000, Speedup: 1}, want: []string{"rate 5000"}},
		{name: "backwards", cfg: SimConfig{BaseURL: "http://x:1", Rate: 1, Speedup: -2, ProgressEvery: -time.Second}, want: []string{"speedup -2", "progress interval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not mention %q", err, w)
				}
			}
		})
	}
	if _, err := NewSimulator(SimConfig{BaseURL: "http://127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "tokens") {
		t.Errorf("NewSimulator without tokens: %v", err)
	}
}

// TestSimulatorNeedsASeededWorld: on an empty store, Run says to seed
// first instead of sending commands that must fail.
func TestSimulatorNeedsASeededWorld(t *testing.T) {
	srv := newServer(t)
	sim, err := NewSimulator(SimConfig{BaseURL: srv.url, Tokens: srv.tokens(t)})
	if err != nil {
		t.Fatal(err)
	}
	err = sim.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), "seed it first") {
		t.Fatalf("Run on an empty store: %v", err)
	}
	if st := sim.Stats(); st.Sent != 0 {
		t.Fatalf("sent %d commands", st.Sent)
	}
}
