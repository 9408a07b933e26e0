package httpapi

import (
	"flag"
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

// TestHistoryDocCoversEveryHistoryRoute: every history route has one
// section with an example of itself, and every history section is a route.
func TestHistoryDocCoversEveryHistoryRoute(t *testing.T) {
	d := readDocSection(t, fenceHistoryHTTP, historyDocHeading)
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
	d := readDocSection(t, fenceHistoryHTTP, historyDocHeading)
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
	answers := docAnswers{lines: d.lines, update: *updateHistoryDoc}
	served := 0
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
		answers.check(t, ex, got)
	}
	answers.finish(t)
	if n := e.recorder.count(); n != served {
		t.Errorf("%d history reads recorded for %d served", n, served)
	}
}
