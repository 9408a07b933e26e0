package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
)

// docPath is the API documentation whose examples these tests run.
const docPath = "../../docs/API.md"

var updateDoc = flag.Bool("update-api-doc", false, "rewrite the response examples of docs/API.md from the server's answers")

var (
	routeHeading = regexp.MustCompile(`^### (GET|POST|PUT|PATCH|DELETE) (/\S*)$`)
	principalRow = regexp.MustCompile("^\\| `\\$([A-Z_]+)` \\| `([0-9a-f-]{36})` \\| `([0-9a-f-]{36})` \\| `([a-z_]+)` \\|")
	tokenRef     = regexp.MustCompile(`\$[A-Z_]+`)
)

// apiDoc is docs/API.md taken apart: its lines, the routes it documents,
// the principals of its examples and the examples in order.
type apiDoc struct {
	lines      []string
	routes     []string
	principals map[string]docPrincipal
	examples   []docExample
}

type docPrincipal struct {
	agency, subject uuid.UUID
	role            commands.Role
}

// docExample is a request block and the response block after it; the
// line numbers (0-based) delimit the response block's content.
type docExample struct {
	request        []string
	responseFirst  int
	responseEnd    int // exclusive
	response       []string
	heading, where string
}

func readAPIDoc(t *testing.T) apiDoc {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d := apiDoc{lines: strings.Split(string(raw), "\n"), principals: map[string]docPrincipal{}}
	heading := ""
	var pending []string // a request block waiting for its response
	pendingAt := ""
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		if m := routeHeading.FindStringSubmatch(line); m != nil {
			heading = m[1] + " " + m[2]
			d.routes = append(d.routes, heading)
			continue
		}
		if m := principalRow.FindStringSubmatch(line); m != nil {
			d.principals[m[1]] = docPrincipal{uuid.MustParse(m[2]), uuid.MustParse(m[3]), commands.Role(m[4])}
			continue
		}
		if line != "```http" {
			continue
		}
		start := i + 1
		end := start
		for end < len(d.lines) && d.lines[end] != "```" {
			end++
		}
		if end == len(d.lines) {
			t.Fatalf("%s:%d: unterminated http block", docPath, i+1)
		}
		block := d.lines[start:end]
		where := fmt.Sprintf("%s:%d", docPath, i+1)
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

// TestAPIDocCoversEveryRoute: every registered route has one section in
// docs/API.md, every section is a registered route, and every section has
// an example of its own route. (The doc follows the life of an operation,
// so its order is the order in which things happen, not of registration.)
func TestAPIDocCoversEveryRoute(t *testing.T) {
	d := readAPIDoc(t)
	registered := registeredRoutes()
	for _, r := range registered {
		if !slices.Contains(d.routes, r) {
			t.Errorf("route %s is not documented", r)
		}
	}
	seen := map[string]bool{}
	for _, r := range d.routes {
		if !slices.Contains(registered, r) {
			t.Errorf("docs/API.md documents %s, which is not a route", r)
		}
		if seen[r] {
			t.Errorf("docs/API.md documents %s twice", r)
		}
		seen[r] = true
	}
	exampled := map[string]bool{}
	for _, ex := range d.examples {
		method, path, _ := strings.Cut(ex.request[0], " ")
		path, _, _ = strings.Cut(path, " ")
		if ex.heading != "" && matchRoute(ex.heading, method, path) {
			exampled[ex.heading] = true
		}
	}
	for _, r := range registered {
		if !exampled[r] {
			t.Errorf("route %s has no example of itself in its section", r)
		}
	}
}

// matchRoute reports whether method and path match the route "METHOD pattern".
func matchRoute(route, method, path string) bool {
	m, pattern, _ := strings.Cut(route, " ")
	if m != method {
		return false
	}
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return false
	}
	for i := range ps {
		if !strings.HasPrefix(ps[i], "{") && ps[i] != xs[i] {
			return false
		}
	}
	return true
}

// TestAPIDocExamples runs every example of docs/API.md, in order, against
// a real server on loopback with an empty SQLite store and the clock at
// 2026-11-28T10:00:00Z, and checks each documented response: status,
// documented headers and JSON body. Run with -update-api-doc to rewrite the
// documented responses from the server's answers.
func TestAPIDocExamples(t *testing.T) {
	d := readAPIDoc(t)
	if len(d.examples) == 0 {
		t.Fatal("docs/API.md has no examples")
	}
	clock := &settableClock{t: t0}
	e := newEnv(t, envOptions{now: clock.now})
	tokens := map[string]string{}
	for name, p := range d.principals {
		tokens["$"+name] = e.token(t, p.agency, p.subject, p.role)
	}
	answers := docAnswers{lines: d.lines, update: *updateDoc, headers: true}
	var flags docFlagRaiser
	for _, ex := range d.examples {
		flags.before(t, e, ex.heading)
		answers.check(t, ex, runDocRequest(t, e, ex, tokens))
	}
	answers.finish(t)
}

// runDocRequest sends an example's request, its $TOKEN references replaced.
func runDocRequest(t *testing.T, e *env, ex docExample, tokens map[string]string) response {
	t.Helper()
	method, rest, _ := strings.Cut(ex.request[0], " ")
	path, _, _ := strings.Cut(rest, " ")
	header := http.Header{}
	i := 1
	for ; i < len(ex.request) && ex.request[i] != ""; i++ {
		k, v, ok := strings.Cut(ex.request[i], ": ")
		if !ok {
			t.Fatalf("%s: bad header line %q", ex.where, ex.request[i])
		}
		header.Add(k, tokenRef.ReplaceAllStringFunc(v, func(name string) string {
			tok, ok := tokens[name]
			if !ok {
				t.Fatalf("%s: unknown principal %s", ex.where, name)
			}
			return tok
		}))
	}
	body := strings.Join(ex.request[min(i+1, len(ex.request)):], "\n")
	req, err := http.NewRequestWithContext(t.Context(), method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: buf.Bytes()}
}

// documentedHeaders are the response headers the doc shows and the test checks.
var documentedHeaders = []string{"Content-Type", "Location", "Allow", "WWW-Authenticate", "Retry-After"}

// docLines renders a response as the doc shows it.
func (r response) docLines() []string {
	lines := []string{fmt.Sprintf("HTTP/1.1 %d %s", r.status, http.StatusText(r.status))}
	for _, h := range documentedHeaders {
		if v := r.header.Get(h); v != "" {
			lines = append(lines, h+": "+v)
		}
	}
	if len(bytes.TrimSpace(r.body)) > 0 {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, bytes.TrimSpace(r.body), "", "  "); err != nil {
			pretty.Reset()
			pretty.Write(bytes.TrimSpace(r.body))
		}
		lines = append(lines, "")
		lines = append(lines, strings.Split(pretty.String(), "\n")...)
	}
	return lines
}

func parseDocResponse(t *testing.T, ex docExample) response {
	t.Helper()
	status, err := strconv.Atoi(strings.Fields(ex.response[0])[1])
	if err != nil {
		t.Fatalf("%s: bad status line %q", ex.where, ex.response[0])
	}
	r := response{status: status, header: http.Header{}}
	sc := bufio.NewScanner(strings.NewReader(strings.Join(ex.response[1:], "\n")))
	inBody := false
	var body []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case inBody:
			body = append(body, line)
		case line == "":
			inBody = true
		default:
			k, v, _ := strings.Cut(line, ": ")
			r.header.Set(k, v)
		}
	}
	r.body = []byte(strings.Join(body, "\n"))
	return r
}

// jsonEqual compares two JSON bodies by value; two empty bodies are equal.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return len(bytes.TrimSpace(a)) == len(bytes.TrimSpace(b))
	}
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		return false
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Errorf("documented body is not JSON: %v\n%s", err, b)
		return false
	}
	return reflect.DeepEqual(x, y)
}
