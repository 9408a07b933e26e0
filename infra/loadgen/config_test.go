package loadgen

import (
	"encoding/json"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func fakeIssuer(agency, subject uuid.UUID, role string) (string, error) {
	return role + ":" + agency.String() + ":" + subject.String(), nil
}

func TestNewValidatesTheConfig(t *testing.T) {
	valid := Config{BaseURL: "http://127.0.0.1:8080", Issue: fakeIssuer}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // every problem, joined
	}{
		{"defaults", func(*Config) {}, nil},
		{"no server, no issuer", func(c *Config) { c.BaseURL, c.Issue = "ftp://x", nil },
			[]string{`base URL "ftp://x"`, "issuer: required"}},
		{"too few units for the operations", func(c *Config) { c.Units, c.Operations = 7, 2 },
			[]string{"units 7: want at least 8"}},
		{"negative numbers", func(c *Config) { c.Rate, c.Boards, c.Senders, c.Duration = -1, -1, -1, -time.Second },
			[]string{"rate -1", "boards -1", "senders -1", "duration -1s"}},
		{"shares over one", func(c *Config) { c.LateShare, c.RetryShare = 1.5, 2 },
			[]string{"late share 1.5", "retry share 2"}},
		{"a mix of unknown or negative kinds", func(c *Config) { c.Mix = Mix{"gossip": 1, kindPosition: -1} },
			[]string{`unknown kind "gossip"`, "position share -1", "add up to more than 0"}},
		{"negative durations", func(c *Config) { c.Drain, c.Settle, c.Baseline = -1, -1, -1 },
			[]string{"drain -1ns", "settle -1ns", "baseline -1ns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.change(&cfg)
			_, err := New(cfg)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New accepted %+v", cfg)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestNegativeSharesTurnOff(t *testing.T) {
	cfg := Config{LateShare: -1, RetryShare: -1}
	cfg.setDefaults()
	if cfg.LateShare != 0 || cfg.RetryShare != 0 {
		t.Fatalf("late %g retry %g, want 0 and 0", cfg.LateShare, cfg.RetryShare)
	}
	cfg = Config{}
	cfg.setDefaults()
	if cfg.LateShare != DefaultLateShare || cfg.RetryShare != DefaultRetryShare {
		t.Fatalf("late %g retry %g, want the defaults", cfg.LateShare, cfg.RetryShare)
	}
}

func TestWorldSpreadsUnitsAndBoards(t *testing.T) {
	cfg := Config{BaseURL: "http://x:1", Issue: fakeIssuer, Units: 16, Boards: 12, Operations: 3}
	cfg.setDefaults()
	w, err := newWorld(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	units := map[[2]int]int{}
	for _, u := range w.units {
		units[[2]int{u.op, u.agency}]++
		if !strings.HasPrefix(u.token, "field_unit:"+w.agencies[u.agency].String()+":"+u.id.String()) {
			t.Errorf("unit %s has token %q", u.id, u.token)
		}
	}
	for op := range 3 {
		for a := range agencies {
			if units[[2]int{op, a}] == 0 {
				t.Errorf("operation %d has no unit of agency %d", op, a)
			}
		}
	}
	boards := map[[2]int]int{}
	for _, b := range w.boards {
		boards[[2]int{b.op, b.agency}]++
		if !strings.HasPrefix(b.token, "observer:"+w.agencies[b.agency].String()) {
			t.Errorf("board of agency %d has token %q", b.agency, b.token)
		}
	}
	if len(boards) != 12 {
		t.Errorf("boards cover %d (operation, agency) pairs, want 12", len(boards))
	}
	if !strings.HasPrefix(w.admin, "admin:") {
		t.Errorf("admin token %q", w.admin)
	}
}

func TestMixerBuildsTheDocumentedBodies(t *testing.T) {
	cfg := Config{BaseURL: "http://x:1", Issue: fakeIssuer, Units: 4, Operations: 1}
	cfg.setDefaults()
	rng := rand.New(rand.NewPCG(3, 4))
	w, err := newWorld(cfg, rng)
	if err != nil {
		t.Fatal(err)
	}
	m := &mixer{w: w, rng: rng, mix: DefaultMix(), lateShare: 0.5}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	kinds := map[string]int{}
	late := 0
	for i := range 2000 {
		u := w.units[i%len(w.units)]
		r, err := m.next(u, now)
		if err != nil {
			t.Fatal(err)
		}
		kinds[r.kind]++
		var body map[string]any
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatalf("%s body: %v", r.kind, err)
		}
		for _, f := range []string{"command_id", "occurred_at", "report_id", "marking"} {
			if _, ok := body[f]; !ok {
				t.Fatalf("%s body lacks %s: %s", r.kind, f, r.body)
			}
		}
		at, err := time.Parse(time.RFC3339Nano, body["occurred_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if r.late != at.Before(now) {
			t.Fatalf("%s: late %v but occurred_at %s (now %s)", r.kind, r.late, at, now)
		}
		if r.late {
			late++
		}
		if want := w.ops[u.op].path + "/units/" + u.id.String() + "/reports/" + r.kind; r.path != want {
			t.Fatalf("path %s, want %s", r.path, want)
		}
		mk := body["marking"].(map[string]any)
		if strict := mk["tlp"] == "AMBER+STRICT"; strict != (r.visible == 1<<u.agency) {
			t.Fatalf("%s marked %v is visible to %b", r.kind, mk["tlp"], r.visible)
		}
	}
	for _, k := range []string{kindPosition, kindObservation, kindSituation, kindCrossing} {
		if kinds[k] == 0 {
			t.Errorf("no %s report in 2000", k)
		}
	}
	if kinds[kindPosition] < 1000 || late == 0 {
		t.Errorf("mix %v with %d late: want mostly positions and some late reports", kinds, late)
	}
}

func TestParseMix(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Mix
		wantErr bool
	}{
		{"positions only", "position=1", Mix{kindPosition: 1}, false},
		{"two kinds, spaces", "position=3, observation=1", Mix{kindPosition: 3, kindObservation: 1}, false},
		{"no share", "position", nil, true},
		{"not a number", "position=lots", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMix(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("mix %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMixPicksByShare(t *testing.T) {
	m := Mix{kindPosition: 3, kindCrossing: 1}
	rng := rand.New(rand.NewPCG(5, 6))
	got := map[string]int{}
	for range 4000 {
		got[m.pick(rng.Float64())]++
	}
	if len(got) != 2 || got[kindPosition] < 2800 || got[kindPosition] > 3200 {
		t.Fatalf("picked %v from %v", got, m)
	}
}

func TestParseMetrics(t *testing.T) {
	text := `# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.5
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 1.5e+08
# TYPE go_memstats_heap_alloc_bytes gauge
go_memstats_heap_alloc_bytes 4.2e+07
# TYPE go_memstats_next_gc_bytes gauge
go_memstats_next_gc_bytes 6e+07
# TYPE go_gc_heap_live_bytes gauge
go_gc_heap_live_bytes 2.9e+07
# TYPE go_goroutines gauge
go_goroutines 1042
# TYPE jointops_boards_connected gauge
jointops_boards_connected{agency="a"} 600
jointops_boards_connected{agency="b"} 400
# TYPE jointops_board_disconnects_total counter
jointops_board_disconnects_total{reason="slow"} 3
jointops_board_disconnects_total{reason="going_away"} 2
# TYPE jointops_subscriber_lag_events gauge
jointops_subscriber_lag_events{group="boards"} 7
jointops_subscriber_lag_events{group="compliance"} 19
`
	s, err := parseMetrics([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if s.CPUSeconds != 12.5 || s.RSSBytes != 1.5e8 || s.HeapBytes != 4.2e7 || s.HeapGoalBytes != 6e7 || s.HeapLiveBytes != 2.9e7 || s.Goroutines != 1042 ||
		s.BoardsConnected != 1000 || s.BoardDisconnects["slow"] != 3 || s.BoardDisconnects["going_away"] != 2 ||
		s.MaxSubscriberLag != 19 {
		t.Fatalf("sample %+v", s)
	}
	if _, err := parseMetrics([]byte("not metrics {")); err == nil {
		t.Fatal("parsed garbage")
	}
}
