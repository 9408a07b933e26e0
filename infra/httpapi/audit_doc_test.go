package httpapi

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

var updateAuditDoc = flag.Bool("update-audit-doc", false, "rewrite the audit timeline examples of docs/API.md (http audit responses) from the server's answers")

// The audit timeline is served only with an audit log, so its section of
// docs/API.md names the route after "Audit:" and fences its examples apart
// ("```http audit"); the plain doc tests, whose servers have none, leave
// them to this file.
const (
	fenceAuditHTTP  = "```http audit"
	auditDocHeading = "### Audit: `"
)

// auditDoc is the audit timeline examples of docs/API.md and the routes
// their section documents.
type auditDoc struct {
	lines    []string
	routes   []string
	examples []docExample
}

func readAuditDoc(t *testing.T) auditDoc {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d := auditDoc{lines: strings.Split(string(raw), "\n")}
	heading, pendingAt := "", ""
	var pending []string
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		if rest, ok := strings.CutPrefix(line, auditDocHeading); ok {
			heading = strings.TrimSuffix(rest, "`")
			d.routes = append(d.routes, heading)
			continue
		}
		if strings.HasPrefix(line, "### ") {
			heading = ""
		}
		if line != fenceAuditHTTP {
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
				response: block, heading: heading, where: pendingAt})
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

// TestAuditDocCoversTheAuditRoute: the audit timeline route has a section
// with an example of itself, and every audit section is that route.
func TestAuditDocCoversTheAuditRoute(t *testing.T) {
	d := readAuditDoc(t)
	var registered []string
	for _, rt := range (&api{cfg: Config{Audit: storeAudit{}}}).auditRoutes() {
		if rt.method == "GET" {
			registered = append(registered, rt.method+" "+rt.pattern)
		}
	}
	if len(registered) != 1 {
		t.Fatalf("audit GET routes %v, want one", registered)
	}
	if !slices.Equal(d.routes, registered) {
		t.Errorf("docs/API.md has audit sections %v, want %v", d.routes, registered)
	}
	for _, r := range d.routes {
		example := false
		for _, ex := range d.examples {
			method, rest, _ := strings.Cut(ex.request[0], " ")
			path, _, _ := strings.Cut(rest, " ")
			path, _, _ = strings.Cut(path, "?")
			if ex.heading == r && matchRoute(r, method, path) {
				example = true
			}
		}
		if !example {
			t.Errorf("the section of %s has no example of it", r)
		}
	}
}

// TestAuditDocExamples runs every plain example of docs/API.md, in order,
// to build the documented operation, then the audit timeline examples.
func TestAuditDocExamples(t *testing.T) {
	api := readAPIDoc(t)
	d := readAuditDoc(t)
	if len(d.examples) == 0 {
		t.Fatal("docs/API.md has no audit examples")
	}
	clock := &settableClock{t: t0}
	e := newAuditEnv(t, clock.now)
	tokens := map[string]string{}
	for name, p := range api.principals {
		tokens["$"+name] = e.token(t, p.agency, p.subject, p.role)
	}
	var flags docFlagRaiser // the log as TestAPIDocExamples builds it, flag included
	for _, ex := range api.examples {
		flags.before(t, e, ex.heading)
		runDocRequest(t, e, ex, tokens) // builds the log; checked by TestAPIDocExamples
	}
	var updated []string
	last := 0
	for _, ex := range d.examples {
		got := runDocRequest(t, e, ex, tokens)
		if *updateAuditDoc {
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
	if *updateAuditDoc {
		updated = append(updated, d.lines[last:]...)
		if err := os.WriteFile(docPath, []byte(strings.Join(updated, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
