package httpapi

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/infra/history"
)

var updateHistoryDoc = flag.Bool("update-history-doc", false, "rewrite the history examples of docs/API.md (http history responses) from the server's answers")

// The history section of docs/API.md: its routes are served only with a
// history, so its headings quote the route after "History:", and its
// examples are fenced apart ("```http history"), so that the other doc
// tests (whose servers have no history) leave them to this file. It runs
// the document in order: the plain examples build the documented
// operation, and each history example reads the index of the log built by
// those before it.
const fenceHistoryHTTP = "```http history"

// historyDocHeading is how the history section names its routes.
const historyDocHeading = "### History: `"

// historyDoc is the history examples of docs/API.md and the routes their
// section documents.
type historyDoc struct {
	lines    []string
	routes   []string
	examples []docExample
}

func readHistoryDoc(t *testing.T) historyDoc {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d := historyDoc{lines: strings.Split(string(raw), "\n")}
	heading := ""
	var pending []string
	pendingAt := ""
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		if rest, ok := strings.CutPrefix(line, historyDocHeading); ok {
			heading = strings.TrimSuffix(rest, "`")
			d.routes = append(d.routes, heading)
			continue
		}
		if strings.HasPrefix(line, "### ") {
			heading = ""
		}
		if line != fenceHistoryHTTP {
			continue
		}
		start, end := i+1, i+1
		for end < len(d.lines) && d.lines[end] != "```" {
			end++
		}
		if end == len(d.lines) {
			t.Fatalf("%s:%d: unterminated block", docPath, i+1)
		}
		block, where := d.lines[start:end], fmt.Sprintf("%s:%d", docPath, i+1)
		switch {
		case len(block) > 0 && strings.HasPrefix(block[0], "HTTP/1.1 "):
			if pending == nil {
				t.Fatalf("%s: a response without a request", where)
			}
			d.examples = append(d.examples, docExample{request: pending, responseFirst: start, responseEnd: end,
				response: block, heading: heading, where: pendingAt})
			pending = nil
		default:
			if pending != nil {
				t.Fatalf("%s: a request without a response", pendingAt)
			}
			pending, pendingAt = block, where
		}
		i = end
	}
	if pending != nil {
		t.Fatalf("%s: a request without a response", pendingAt)
	}
	return d
}

// TestHistoryDocCoversEveryHistoryRoute: every history route has one
// section with an example of itself, and every history section is a route.
func TestHistoryDocCoversEveryHistoryRoute(t *testing.T) {
	d := readHistoryDoc(t)
	var registered []string
	for _, rt := range (&api{cfg: Config{History: (*history.History)(nil)}}).historyRoutes() {
		registered = append(registered, rt.method+" "+rt.pattern)
	}
	if len(registered) == 0 {
		t.Fatal("no history routes")
	}
	for _, r := range registered {
		if !slices.Contains(d.routes, r) {
			t.Errorf("docs/API.md has no history section for %s", r)
		}
	}
	for _, r := range d.routes {
		if !slices.Contains(registered, r) {
			t.Errorf("docs/API.md documents %s, which is not a history route", r)
		}
		example := false
		for _, ex := range d.examples {
			method, rest, _ := strings.Cut(ex.request[0], " ")
			path, _, _ := strings.Cut(rest, " ")
			path, _, _ = strings.Cut(path, "?")
			if ex.heading == r && method+" "+patternOf(path) == r {
				example = true
			}
		}
		if !example {
			t.Errorf("the section of %s has no example of it", r)
		}
	}
}

// patternOf turns an example's path into its route pattern.
func patternOf(path string) string {
	parts := strings.Split(path, "/")
	if len(parts) > 3 && parts[2] == "operations" {
		parts[3] = "{operation}"
	}
	return strings.Join(parts, "/")
}

// TestHistoryDocExamples runs the history examples of docs/API.md against
// the history of the log the document's other examples build.
func TestHistoryDocExamples(t *testing.T) {
	api := readAPIDoc(t)
	d := readHistoryDoc(t)
	if len(d.examples) == 0 {
		t.Fatal("docs/API.md has no history examples")
	}
	clock := &settableClock{t: t0}
	e := newHistoryEnv(t, clock.now)
	tokens := map[string]string{}
	for name, p := range api.principals {
		tokens["$"+name] = e.token(t, p.agency, p.subject, p.role)
	}
	// The plain examples before each history example build the log it
	// reads (they are checked by TestAPIDocExamples); the sections after
	// it do not change it.
	before := api.examples
	var updated []string
	last, served := 0, 0
	for _, ex := range d.examples {
		for len(before) > 0 && before[0].responseFirst < ex.responseFirst {
			runDocRequest(t, e.env, before[0], tokens)
			before = before[1:]
		}
		if _, err := e.hist.CatchUp(t.Context()); err != nil {
			t.Fatal(err)
		}
		got := runDocRequest(t, e.env, ex, tokens)
		if got.status == 200 {
			served++
		}
		if *updateHistoryDoc {
			updated = append(updated, d.lines[last:ex.responseFirst]...)
			updated = append(updated, got.docLines()...)
			last = ex.responseEnd
			continue
		}
		want := parseDocResponse(t, ex)
		if got.status != want.status {
			t.Fatalf("%s: %s answered %d, the doc says %d:\n%s", ex.where, ex.request[0], got.status, want.status, got.body)
		}
		if !jsonEqual(t, got.body, want.body) {
			t.Errorf("%s: %s answered\n%s\nthe doc says\n%s", ex.where, ex.request[0], got.body, want.body)
		}
	}
	if *updateHistoryDoc {
		updated = append(updated, d.lines[last:]...)
		if err := os.WriteFile(docPath, []byte(strings.Join(updated, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.recorder.count(); n != served {
		t.Errorf("%d history reads recorded for %d served", n, served)
	}
}
