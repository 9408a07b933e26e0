package webui_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/webui"
	"github.com/jointops/jointops/projections/board"
)

// fixtures serves the inputs of the JavaScript side of a comparison at
// /fixture/<n>, next to the page's own assets.
type fixtures struct {
	mu   sync.Mutex
	docs [][]byte
}

func (f *fixtures) add(doc []byte) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs = append(f.docs, doc)
	return len(f.docs) - 1
}

func (f *fixtures) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var n int
	if _, err := fmt.Sscanf(r.URL.Path, "/fixture/%d", &n); err != nil {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n < 0 || n >= len(f.docs) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(f.docs[n])
}

// assetServer serves the page's assets and the fixtures; the tab opens a
// document of it so that the modules load from the same origin.
func assetServer(t *testing.T) (*httptest.Server, *fixtures) {
	t.Helper()
	ui, err := webui.New(webui.Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	fx := &fixtures{}
	mux := http.NewServeMux()
	mux.Handle("/fixture/", fx)
	mux.HandleFunc("/blank", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, `<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>blank</title></head><body></body></html>`)
	})
	mux.Handle("/", ui)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, fx
}

// replay is what the JavaScript side replays: a snapshot, then the
// agency's deltas as the live board sends them, with the view Go built
// after each.
type replay struct {
	Snapshot json.RawMessage   `json:"snapshot"`
	Deltas   []json.RawMessage `json:"deltas"`
	Want     []json.RawMessage `json:"want"`
}

// mismatch is the first view of a replay the page built differently.
type mismatch struct {
	Index int    `json:"index"`
	Got   string `json:"got"`
}

// replayJS applies fixture %d in the tab with apply.js and compares the
// view after each delta with Go's, both in the same canonical form (keys
// sorted; absent, null and empty lists the same, see firstDifference). It
// returns the first mismatch, or index -1.
const replayJS = `(async () => {
  const { applyDelta } = await import("/assets/js/apply.js");
  const f = await (await fetch("/fixture/%d")).json();
  const canonical = (v) => {
    if (Array.isArray(v)) return v.length ? v.map(canonical) : undefined;
    if (v !== null && typeof v === "object") {
      const out = {};
      for (const k of Object.keys(v).sort()) {
        const c = canonical(v[k]);
        if (c !== undefined && c !== null) out[k] = c;
      }
      return out;
    }
    return v;
  };
  const view = f.snapshot;
  for (let i = 0; i < f.deltas.length; i++) {
    applyDelta(view, f.deltas[i]);
    if (JSON.stringify(canonical(view)) !== JSON.stringify(canonical(f.want[i]))) {
      return { index: i, got: JSON.stringify(view) };
    }
  }
  return { index: -1, got: "" };
})()`

// TestDeltaApplicationMatchesGo holds assets/js/apply.js to the reference,
// board.View.Apply: over random operation logs decided by the real
// aggregates (positions, late positions, observations with and without a
// point, corrections, retractions, relaxations, tasks issued, amended,
// acknowledged, completed and cancelled, command transfers taking effect
// later, assignments, resource status, operational periods and objectives,
// a redrawn area, an agency joining, suspension), for every agency, from a
// snapshot taken at some point of the log, the view the page builds after
// each delta it receives is the view Go's View.Apply builds. Small track,
// log and report limits make the trimming happen: every seed overflows
// the report window of some agency.
func TestDeltaApplicationMatchesGo(t *testing.T) {
	tb := newTab(t, 1024, 768)
	srv, fx := assetServer(t)
	tb.do(t, 30*time.Second, chromedp.Navigate(srv.URL+"/blank"))

	cfg := board.Config{TrackLength: 3, SignificantLength: 5, ReportLength: 3}
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			sc := newScenario(t, seed)
			sc.run(160)
			sc.checkCoverage(t)
			most := 0
			for i, agency := range scAgencies {
				// Seed 0 starts from the empty board; the others from a
				// snapshot part-way, as a page that opens late does.
				from := 0
				if seed > 0 {
					from = (int(seed)*37 + i*11) % (len(sc.envs) / 2)
				}
				most = max(most, compareReplay(t, tb, fx, sc, cfg, agency, from))
			}
			if most <= cfg.ReportLength {
				t.Errorf("no agency was sent more than %d reports: the report window never overflowed", most)
			}
		})
	}
	tb.console.check(t, false)
}

// compareReplay runs the agency's deltas after position from through Go
// and JavaScript and compares the views after each. It returns how many
// reports the agency was sent, its snapshot's included.
func compareReplay(t *testing.T, tb *tab, fx *fixtures, sc *scenario, cfg board.Config, agency domain.AgencyID, from int) int {
	t.Helper()
	viewer := scViewer(agency)
	b := dt.Must(board.New(scOperation, cfg))
	for _, env := range sc.envs[:from] {
		b.Apply(env)
	}
	snapshot := b.View(viewer)
	goView := b.View(viewer)
	in := replay{Snapshot: mustJSON(t, snapshot), Deltas: []json.RawMessage{}, Want: []json.RawMessage{}}
	var positions []string
	sent := map[string]bool{}
	for _, r := range snapshot.Reports {
		sent[r.Report.String()] = true
	}
	for _, env := range sc.envs[from:] {
		d := b.Apply(env).For(viewer)
		if d == nil {
			continue
		}
		for _, c := range d.Changes {
			if c.Collection == board.CollReports && c.Op == board.OpPut {
				sent[c.Key] = true
			}
		}
		in.Deltas = append(in.Deltas, mustJSON(t, deltaMessage(d)))
		goView.Apply(d)
		in.Want = append(in.Want, mustJSON(t, goView))
		positions = append(positions, env.Position)
	}
	n := fx.add(mustJSON(t, in))
	m := eval[mismatch](t, tb, 60*time.Second, fmt.Sprintf(replayJS, n))
	if m.Index >= 0 {
		path, w, g := firstDifference(t, in.Want[m.Index], []byte(m.Got))
		t.Fatalf("agency %s, delta %d of %d (position %s, snapshot after %d events): views differ at %s\n  Go: %s\n  JS: %s",
			agency, m.Index+1, len(in.Want), positions[m.Index], from, path, w, g)
	}
	if agency != scOutsider && len(in.Deltas) == 0 {
		t.Errorf("agency %s received no delta: the comparison proves nothing", agency)
	}
	return len(sent)
}

// deltaMessage is a delta as the live board sends it.
func deltaMessage(d *board.AgencyDelta) any {
	return struct {
		Type string `json:"type"`
		*board.AgencyDelta
	}{"delta", d}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return b
}

// firstDifference compares two views as JSON values and returns the path
// of the first difference with both sides there, or "" when they are the
// same. Absent, null and empty lists count as the same: Go omits empty
// lists (omitempty) where the page keeps an empty array, and no reader can
// tell them apart.
func firstDifference(t *testing.T, want, got []byte) (path, w, g string) {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(want, &a); err != nil {
		t.Fatalf("decode Go view: %v", err)
	}
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatalf("decode JavaScript view: %v", err)
	}
	return diff("$", normalize(a), normalize(b))
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if n := normalize(e); n != nil {
				out[k] = n
			}
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

func diff(path string, a, b any) (string, string, string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return path, short(a), short(b)
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, seen := x[k]; !seen {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if p, w, g := diff(path+"."+k, x[k], y[k]); p != "" {
				return p, w, g
			}
		}
		return "", "", ""
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return path, short(a), short(b)
		}
		for i := range x {
			if p, w, g := diff(fmt.Sprintf("%s[%d]", path, i), x[i], y[i]); p != "" {
				return p, w, g
			}
		}
		return "", "", ""
	}
	if !reflect.DeepEqual(a, b) {
		return path, short(a), short(b)
	}
	return "", "", ""
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}

// TestOrderingMatchesGo holds the orders apply.js sorts by to Go's: times
// compared exactly (nanoseconds, offsets, Go's zero time for an absent
// one) as time.Time.Compare does, and strings by UTF-8 bytes as Go does.
func TestOrderingMatchesGo(t *testing.T) {
	tb := newTab(t, 800, 600)
	srv, _ := assetServer(t)
	tb.do(t, 30*time.Second, chromedp.Navigate(srv.URL+"/blank"))

	times := []string{
		"", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
		"2025-03-01T08:00:00Z", "2025-03-01T08:00:00.000000001Z", "2025-03-01T08:00:00.1Z",
		"2025-03-01T08:00:00.100000001Z", "2025-03-01T09:00:00+01:00", "2025-03-01T09:00:00.5+01:00",
		"2025-03-01T07:59:59.999999999-00:00", "2025-02-28T23:30:00-08:30", "2024-02-29T12:00:00Z",
		"2100-03-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
	}
	parse := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("parse %q: %v", s, err)
		}
		return v
	}
	gotTimes := eval[[][]int](t, tb, 30*time.Second, fmt.Sprintf(`(async () => {
  const { compareTimes } = await import("/assets/js/apply.js");
  const ts = %s;
  return ts.map((a) => ts.map((b) => compareTimes(a === "" ? undefined : a, b === "" ? undefined : b)));
})()`, mustJSON(t, times)))
	for i, a := range times {
		for j, b := range times {
			if want := parse(a).Compare(parse(b)); gotTimes[i][j] != want {
				t.Errorf("compareTimes(%q, %q) = %d, want %d", a, b, gotTimes[i][j], want)
			}
		}
	}

	strs := []string{"", "a", "b", "ab", "a\u00e9", "a\uffff", "a\U0001F600", "\U0001F600", "\uff61", "Z", "unitlog-1@10", "unitlog-1@9"}
	gotStrings := eval[[][]int](t, tb, 30*time.Second, fmt.Sprintf(`(async () => {
  const { compareStrings } = await import("/assets/js/apply.js");
  const ss = %s;
  return ss.map((a) => ss.map((b) => compareStrings(a, b)));
})()`, mustJSON(t, strs)))
	for i, a := range strs {
		for j, b := range strs {
			if want := strings.Compare(a, b); gotStrings[i][j] != want {
				t.Errorf("compareStrings(%q, %q) = %d, want %d", a, b, gotStrings[i][j], want)
			}
		}
	}
	tb.console.check(t, false)
}
