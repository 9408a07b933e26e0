package httpapi

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// docSection is one part of docs/API.md whose routes are served only by a
// server with an optional part (history, audit): its headings quote the
// route after a prefix, and its examples are fenced apart (e.g. "```http
// history"), so the plain doc tests, whose servers lack that part, leave
// them to the section's own test.
type docSection struct {
	lines    []string
	routes   []string
	examples []docExample
}

// readDocSection takes the examples fenced with fence out of docs/API.md,
// and the routes named by the headings that start with heading (e.g.
// "### History: `").
func readDocSection(t *testing.T, fence, heading string) docSection {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d := docSection{lines: strings.Split(string(raw), "\n")}
	current, pendingAt := "", ""
	var pending []string
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		if rest, ok := strings.CutPrefix(line, heading); ok {
			current = strings.TrimSuffix(rest, "`")
			d.routes = append(d.routes, current)
			continue
		}
		if strings.HasPrefix(line, "### ") {
			current = ""
		}
		if line != fence {
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
		if len(block) > 0 && strings.HasPrefix(block[0], "HTTP/1.1 ") {
			if pending == nil {
				t.Fatalf("%s: a response without a request", where)
			}
			d.examples = append(d.examples, docExample{request: pending, responseFirst: start, responseEnd: end,
				response: block, heading: current, where: pendingAt})
			pending = nil
		} else {
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

// docAnswers checks the server's answers to the examples of docs/API.md
// (whose lines it holds) against the documented responses, or, with
// update, collects the document with the answers in their place and
// writes it on finish.
type docAnswers struct {
	lines  []string
	update bool
	// headers also compares the documented response headers.
	headers bool

	updated []string
	last    int
}

// check compares (or records) the answer got to example ex.
func (a *docAnswers) check(t *testing.T, ex docExample, got response) {
	t.Helper()
	if a.update {
		a.updated = append(a.updated, a.lines[a.last:ex.responseFirst]...)
		a.updated = append(a.updated, got.docLines()...)
		a.last = ex.responseEnd
		return
	}
	want := parseDocResponse(t, ex)
	if got.status != want.status {
		t.Fatalf("%s: %s answered %d, the doc says %d:\n%s", ex.where, ex.request[0], got.status, want.status, got.body)
	}
	if a.headers {
		for k, v := range want.header {
			if g := got.header.Get(k); g != v[0] {
				t.Errorf("%s: %s: header %s = %q, the doc says %q", ex.where, ex.request[0], k, g, v[0])
			}
		}
	}
	if !jsonEqual(t, got.body, want.body) {
		t.Errorf("%s: %s answered\n%s\nthe doc says\n%s", ex.where, ex.request[0], got.body, want.body)
	}
}

// finish writes the updated document when updating.
func (a *docAnswers) finish(t *testing.T) {
	t.Helper()
	if !a.update {
		return
	}
	a.updated = append(a.updated, a.lines[a.last:]...)
	if err := os.WriteFile(docPath, []byte(strings.Join(a.updated, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
