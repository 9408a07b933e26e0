package httpapi

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/boardws"
)

var updateBoardDoc = flag.Bool("update-board-doc", false, "rewrite the board examples of docs/API.md (http board responses, json board-message blocks) from the server's answers")

// The board sections of docs/API.md: routes served only with boards, so
// their headings quote the route, and their examples are fenced apart, so
// that api_doc_test.go (whose server has no boards) leaves them to this
// file, which runs every example of the document in order.
const (
	fenceHTTP         = "```http"
	fenceBoardHTTP    = "```http board"
	fenceBoardMessage = "```json board-message"
)

var boardRouteHeading = regexp.MustCompile("^### `(GET|POST|PUT|PATCH|DELETE) (/\\S*)`$")

// websocketGUID is RFC 6455's key suffix of Sec-WebSocket-Accept.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// docBlock is one fenced block of docs/API.md with its content lines
// [first, end).
type docBlock struct {
	fence      string
	first, end int
	lines      []string
	heading    string // "METHOD pattern" of the section it is in
	where      string
}

// docStep is a request with its response, or a message expected on the
// live board opened last.
type docStep struct {
	request, response *docBlock
	message           *docBlock
}

type boardDoc struct {
	lines       []string
	boardRoutes []string
	principals  map[string]docPrincipal
	steps       []docStep
}

func readBoardDoc(t *testing.T) boardDoc {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d := boardDoc{lines: strings.Split(string(raw), "\n"), principals: readAPIDoc(t).principals}
	heading := ""
	var pending *docBlock
	for i := 0; i < len(d.lines); i++ {
		line := d.lines[i]
		if m := routeHeading.FindStringSubmatch(line); m != nil {
			heading = m[1] + " " + m[2]
			continue
		}
		if m := boardRouteHeading.FindStringSubmatch(line); m != nil {
			heading = m[1] + " " + m[2]
			d.boardRoutes = append(d.boardRoutes, heading)
			continue
		}
		if line != fenceHTTP && line != fenceBoardHTTP && line != fenceBoardMessage {
			continue
		}
		end := i + 1
		for end < len(d.lines) && d.lines[end] != "```" {
			end++
		}
		if end == len(d.lines) {
			t.Fatalf("%s:%d: unterminated block", docPath, i+1)
		}
		b := &docBlock{fence: line, first: i + 1, end: end, lines: d.lines[i+1 : end], heading: heading, where: fmt.Sprintf("%s:%d", docPath, i+1)}
		i = end
		switch {
		case line == fenceBoardMessage:
			if pending != nil {
				t.Fatalf("%s: a message inside a request/response pair", b.where)
			}
			d.steps = append(d.steps, docStep{message: b})
		case len(b.lines) > 0 && strings.HasPrefix(b.lines[0], "HTTP/1.1 "):
			if pending == nil || pending.fence != line {
				t.Fatalf("%s: a response without its request", b.where)
			}
			d.steps = append(d.steps, docStep{request: pending, response: b})
			pending = nil
		default:
			if pending != nil {
				t.Fatalf("%s: a request without a response", pending.where)
			}
			pending = b
		}
	}
	if pending != nil {
		t.Fatalf("%s: a request without a response", pending.where)
	}
	return d
}

// registeredBoardRoutes lists the board routes as "METHOD pattern".
func registeredBoardRoutes() []string {
	a := api{cfg: Config{Boards: (*boards.Boards)(nil), Live: (*boardws.Hub)(nil)}}
	var out []string
	for _, rt := range a.boardRoutes() {
		out = append(out, rt.method+" "+rt.pattern)
	}
	return out
}

// TestBoardDocCoversEveryBoardRoute: every board route has one section,
// every board section is a route, and each has an example of itself.
func TestBoardDocCoversEveryBoardRoute(t *testing.T) {
	d := readBoardDoc(t)
	registered := registeredBoardRoutes()
	if len(registered) == 0 {
		t.Fatal("no board routes")
	}
	seen := map[string]bool{}
	for _, r := range d.boardRoutes {
		if !slices.Contains(registered, r) {
			t.Errorf("docs/API.md documents %s, which is not a board route", r)
		}
		if seen[r] {
			t.Errorf("docs/API.md documents %s twice", r)
		}
		seen[r] = true
	}
	exampled := map[string]bool{}
	for _, st := range d.steps {
		if st.request == nil || st.request.fence != fenceBoardHTTP {
			continue
		}
		method, rest, _ := strings.Cut(st.request.lines[0], " ")
		path, _, _ := strings.Cut(rest, " ")
		path, _, _ = strings.Cut(path, "?")
		if matchRoute(st.request.heading, method, path) {
			exampled[st.request.heading] = true
		}
	}
	for _, r := range registered {
		if !seen[r] {
			t.Errorf("board route %s is not documented", r)
		}
		if !exampled[r] {
			t.Errorf("board route %s has no example of itself in its section", r)
		}
	}
}

// TestBoardDocExamples runs every example of docs/API.md in order against
// a server with boards — the same store, clock and principals as
// TestAPIDocExamples — and checks the board examples: responses (status,
// shown headers, JSON body), the upgrade of the live board, and the
// messages it sends (JSON). Before each board example the boards have
// folded the whole log. Heartbeats are skipped unless one is shown.
// Sec-WebSocket-Accept is not compared (the client's key is random); the
// test checks that the documented one answers the documented key.
func TestBoardDocExamples(t *testing.T) {
	d := readBoardDoc(t)
	clock := &settableClock{t: t0}
	e := newBoardEnv(t, boardEnvOptions{
		envOptions: envOptions{now: clock.now},
		hub:        boardws.Config{AllowedOrigins: []string{"https://board.example.org"}, HeartbeatInterval: 10 * time.Millisecond},
	})
	tokens := map[string]string{}
	for name, p := range d.principals {
		tokens["$"+name] = e.token(t, p.agency, p.subject, p.role)
	}
	var live *websocket.Conn
	defer func() {
		if live != nil {
			live.Close()
		}
	}()
	var updated []string
	last := 0
	rewrite := func(b *docBlock, lines []string) {
		updated = append(updated, d.lines[last:b.first]...)
		updated = append(updated, lines...)
		last = b.end
	}
	var flags docFlagRaiser
	for _, st := range d.steps {
		if st.request != nil {
			flags.before(t, e.env, st.request.heading)
		}
		switch {
		case st.message != nil:
			if live == nil {
				t.Fatalf("%s: a message without a live board", st.message.where)
			}
			want := strings.Join(st.message.lines, "\n")
			got := readDocMessage(t, live, want, *updateBoardDoc)
			if *updateBoardDoc {
				rewrite(st.message, prettyJSON(got))
				continue
			}
			if !jsonEqual(t, got, []byte(want)) {
				t.Errorf("%s: the live board sent\n%s\nthe doc says\n%s", st.message.where, got, want)
			}
		case st.request.fence == fenceHTTP:
			ex := docExample{request: st.request.lines, response: st.response.lines, where: st.request.where}
			got := runDocRequest(t, e.env, ex, tokens)
			if want := parseDocResponse(t, ex); got.status != want.status {
				t.Fatalf("%s: %s answered %d, the doc says %d: %s", ex.where, ex.request[0], got.status, want.status, got.body)
			}
		default:
			e.caughtUp(t)
			ex := docExample{request: st.request.lines, response: st.response.lines, where: st.request.where}
			got, conn := runBoardDocRequest(t, e, ex, tokens)
			if conn != nil {
				if live != nil {
					live.Close()
				}
				live = conn
			}
			if *updateBoardDoc {
				rewrite(st.response, boardDocLines(t, ex, got))
				continue
			}
			checkBoardDocResponse(t, ex, got)
		}
	}
	if *updateBoardDoc {
		updated = append(updated, d.lines[last:]...)
		if err := os.WriteFile(docPath, []byte(strings.Join(updated, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// isUpgrade reports whether a documented request opens a WebSocket.
func isUpgrade(request []string) bool {
	return slices.Contains(request, "Upgrade: websocket")
}

// runBoardDocRequest sends a board example's request; an upgrade is made
// with a WebSocket client, whose connection is returned when it succeeds.
func runBoardDocRequest(t *testing.T, e *boardEnv, ex docExample, tokens map[string]string) (response, *websocket.Conn) {
	t.Helper()
	if !isUpgrade(ex.request) {
		return runDocRequest(t, e.env, ex, tokens), nil
	}
	_, rest, _ := strings.Cut(ex.request[0], " ")
	path, _, _ := strings.Cut(rest, " ")
	header := http.Header{}
	for _, line := range ex.request[1:] {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("%s: bad header line %q", ex.where, line)
		}
		switch http.CanonicalHeaderKey(k) {
		case "Connection", "Upgrade", "Sec-Websocket-Version", "Sec-Websocket-Key":
			continue // the client sets them
		}
		header.Add(k, tokenRef.ReplaceAllStringFunc(v, func(name string) string { return tokens[name] }))
	}
	conn, resp, err := websocket.DefaultDialer.DialContext(t.Context(), "ws"+strings.TrimPrefix(e.url, "http")+path, header)
	if resp == nil {
		t.Fatalf("%s: dial: %v", ex.where, err)
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(resp.Body)
	if rerr != nil && conn == nil {
		t.Fatal(rerr)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}, conn
}

// upgradeHeaders are the headers a documented 101 shows.
var upgradeHeaders = []string{"Upgrade", "Connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol"}

func checkBoardDocResponse(t *testing.T, ex docExample, got response) {
	t.Helper()
	want := parseDocResponse(t, ex)
	if got.status != want.status {
		t.Fatalf("%s: %s answered %d, the doc says %d:\n%s", ex.where, ex.request[0], got.status, want.status, got.body)
	}
	for k, v := range want.header {
		if http.CanonicalHeaderKey(k) == "Sec-Websocket-Accept" {
			if a := acceptKey(requestHeader(ex.request, "Sec-WebSocket-Key")); v[0] != a {
				t.Errorf("%s: the documented Sec-WebSocket-Accept %q does not answer the documented key (%q would)", ex.where, v[0], a)
			}
			continue
		}
		if g := got.header.Get(k); !strings.EqualFold(g, v[0]) {
			t.Errorf("%s: %s: header %s = %q, the doc says %q", ex.where, ex.request[0], k, g, v[0])
		}
	}
	if got.status != http.StatusSwitchingProtocols && !jsonEqual(t, got.body, want.body) {
		t.Errorf("%s: %s answered\n%s\nthe doc says\n%s", ex.where, ex.request[0], got.body, want.body)
	}
}

// boardDocLines renders a response as the doc shows it.
func boardDocLines(t *testing.T, ex docExample, got response) []string {
	t.Helper()
	if got.status != http.StatusSwitchingProtocols {
		return got.docLines()
	}
	lines := []string{"HTTP/1.1 101 Switching Protocols"}
	for _, h := range upgradeHeaders {
		v := got.header.Get(h)
		if h == "Sec-WebSocket-Accept" {
			v = acceptKey(requestHeader(ex.request, "Sec-WebSocket-Key"))
		}
		if v != "" {
			lines = append(lines, h+": "+v)
		}
	}
	return lines
}

// readDocMessage reads the live board's next message of the type the doc
// shows (skipping heartbeats unless it shows one; when updating, the next
// message that is not a heartbeat, or a heartbeat if the doc shows one).
func readDocMessage(t *testing.T, c *websocket.Conn, want string, updating bool) []byte {
	t.Helper()
	var w struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil && !updating {
		t.Fatalf("documented message is not JSON: %v\n%s", err, want)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("reading the live board: %v", err)
		}
		var m struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		if (m.Type == boardws.TypeHeartbeat) == (w.Type == boardws.TypeHeartbeat) {
			return data
		}
	}
}

func requestHeader(request []string, name string) string {
	for _, line := range request[1:] {
		if k, v, ok := strings.Cut(line, ": "); ok && strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// acceptKey is the Sec-WebSocket-Accept answering key (RFC 6455 §4.2.2).
func acceptKey(key string) string {
	h := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

func prettyJSON(b []byte) []string {
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(b), "", "  "); err != nil {
		return []string{string(b)}
	}
	return strings.Split(out.String(), "\n")
}
