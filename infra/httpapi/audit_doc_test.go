package httpapi

import (
	"flag"
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

// TestAuditDocCoversTheAuditRoute: the audit timeline route has a section
// with an example of itself, and every audit section is that route.
func TestAuditDocCoversTheAuditRoute(t *testing.T) {
	d := readDocSection(t, fenceAuditHTTP, auditDocHeading)
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
	d := readDocSection(t, fenceAuditHTTP, auditDocHeading)
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
	answers := docAnswers{lines: d.lines, update: *updateAuditDoc}
	for _, ex := range d.examples {
		answers.check(t, ex, runDocRequest(t, e, ex, tokens))
	}
	answers.finish(t)
}
