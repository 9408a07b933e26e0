package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventstore"
)

// boardScenario is the scenario's operation with the boards running.
type boardScenario struct {
	*scenario
	be      *boardEnv
	opBoard domain.OperationID
}

func newBoardScenario(tb testing.TB, o boardEnvOptions) *boardScenario {
	tb.Helper()
	be := newBoardEnv(tb, o)
	s := newScenario(tb, be.env)
	be.caughtUp(tb)
	return &boardScenario{scenario: s, be: be, opBoard: mustID[domain.OperationID](tb, opID)}
}

// position files a position report of unit7 (AMBER: both agencies see it)
// and returns its log position.
func (s *boardScenario) position(tb testing.TB, i int) string {
	tb.Helper()
	r := s.mustDo(tb, "POST", s.unitReports(unit7)+"/position", s.unit7,
		positionReport(uuid.New(), time.Now(), 47.6+float64(i%100)/1000, 13.1), http.StatusCreated)
	return answerPosition(tb, r)
}

// answerPosition is the log position of a command's answer.
func answerPosition(tb testing.TB, r response) string {
	tb.Helper()
	var acc struct {
		Position string `json:"position"`
	}
	if err := json.Unmarshal(r.body, &acc); err != nil || acc.Position == "" {
		tb.Fatalf("no position in %s: %v", r.body, err)
	}
	return acc.Position
}

// strictObservation is an AMBER+STRICT observation of the partner agency:
// only the partner agency may see it.
func strictObservation(cmd, report uuid.UUID, text string) map[string]any {
	return map[string]any{
		"command_id": cmd.String(), "occurred_at": time.Now().UTC().Format(time.RFC3339Nano),
		"report_id": report.String(),
		"marking":   map[string]any{"originator": partnerAgency.String(), "tlp": "AMBER+STRICT", "evaluation": "B2"},
		"text":      text,
		"point":     map[string]any{"lat": 47.61, "lon": 13.11},
	}
}

// live opens the operation's live board as a program does.
func (s *boardScenario) live(tb testing.TB, token, after string) *boardClient {
	tb.Helper()
	return &boardClient{conn: dialBoard(tb, s.be.liveURL(s.op, after), token)}
}

// upgrade sends a WebSocket opening handshake with header and returns the
// answer, its body read.
func (s *boardScenario) upgrade(tb testing.TB, path string, header map[string]string, plain bool) response {
	tb.Helper()
	req, err := http.NewRequestWithContext(tb.Context(), "GET", s.url+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if !plain {
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", "websocket")
		req.Header.Set("Sec-WebSocket-Version", "13")
		req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		req.Header.Set("Sec-WebSocket-Protocol", boardws.Subprotocol)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return response{status: resp.StatusCode, header: resp.Header}
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func TestLiveBoardAuthenticatesBeforeTheUpgrade(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	unknownID := uuid.NewString()
	live := s.op + "/board/live"
	tests := []struct {
		name   string
		path   string
		header map[string]string
		plain  bool // no upgrade headers
		status int
		typ    string
		code   string
	}{
		{"no token", live, nil, false, 401, ProblemUnauthenticated, ""},
		{"forged token", live, map[string]string{"Authorization": "Bearer x.y.z"}, false, 401, ProblemUnauthenticated, ""},
		{"forged token as subprotocol", live, map[string]string{"Sec-WebSocket-Protocol": "jointops.v1, jointops.bearer.x.y.z"}, false, 401, ProblemUnauthenticated, ""},
		{"agency not taking part", live, map[string]string{"Authorization": "Bearer " + s.outsiderCmdr}, false, 404, ProblemNotFound, "board.not_found"},
		{"unknown operation", "/v1/operations/" + unknownID + "/board/live", map[string]string{"Authorization": "Bearer " + s.lead}, false, 404, ProblemNotFound, "board.not_found"},
		{"foreign origin", live, map[string]string{"Authorization": "Bearer " + s.observer, "Origin": "https://evil.example"}, false, 403, ProblemForbidden, "board.origin_not_allowed"},
		{"no upgrade", live, map[string]string{"Authorization": "Bearer " + s.observer}, true, 400, ProblemValidation, ""},
		{"token without the protocol", live, map[string]string{"Sec-WebSocket-Protocol": "jointops.bearer." + s.observer}, false, 400, ProblemValidation, ""},
		{"after not a position", live + "?after=a%20b", map[string]string{"Authorization": "Bearer " + s.observer}, false, 400, ProblemValidation, ""},
	}
	got := map[string]Problem{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.upgrade(t, tt.path, tt.header, tt.plain)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
			}
			p := r.problem(t)
			if p.Type != tt.typ || p.Code != tt.code {
				t.Errorf("problem %s %q, want %s %q", p.Type, p.Code, tt.typ, tt.code)
			}
			got[tt.name] = p
		})
	}
	// An agency not taking part learns no more than about an operation
	// that does not exist.
	outsider, missing := got["agency not taking part"], got["unknown operation"]
	for _, p := range []*Problem{&outsider, &missing} {
		for _, id := range []string{opID.String(), unknownID} {
			p.Detail, p.Instance = strings.ReplaceAll(p.Detail, id, "ID"), strings.ReplaceAll(p.Instance, id, "ID")
		}
	}
	if !reflect.DeepEqual(outsider, missing) {
		t.Errorf("the refusals differ:\n%+v\n%+v", outsider, missing)
	}
	if log := s.log.String(); strings.Contains(log, s.observer) || strings.Contains(log, s.outsiderCmdr) {
		t.Error("the server log contains a token")
	}
}

func TestLiveBoardTokenAsSubprotocol(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	h := http.Header{"Sec-WebSocket-Protocol": {boardws.Subprotocol + ", " + boardws.BearerPrefix + s.observer}}
	c, resp, err := websocket.DefaultDialer.DialContext(t.Context(), s.be.liveURL(s.op, ""), h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if got := resp.Header.Values("Sec-WebSocket-Protocol"); !slices.Equal(got, []string{boardws.Subprotocol}) {
		t.Errorf("selected subprotocols %q, want only %q", got, boardws.Subprotocol)
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			if strings.Contains(v, s.observer) {
				t.Errorf("the answer echoes the token in %s", k)
			}
		}
	}
	b := &boardClient{conn: c}
	if m, err := b.read(t); err != nil || m.Type != boardws.TypeSnapshot {
		t.Fatalf("first message %+v, %v; want a snapshot", m, err)
	}
	if strings.Contains(s.log.String(), s.observer) {
		t.Error("the server log contains the token")
	}
}

func TestLiveBoardSnapshotThenDeltas(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	head := s.be.caughtUp(t)
	c := s.live(t, s.observer, "")
	m, err := c.read(t)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != boardws.TypeSnapshot || m.Position != head || m.Operation != s.opBoard {
		t.Fatalf("first message %s at %s of %s, want a snapshot at %s of %s", m.Type, m.Position, m.Operation, head, s.opBoard)
	}
	var want []string
	for i := range 3 {
		want = append(want, s.position(t, i))
	}
	c.readUntil(t, want[len(want)-1])
	if !slices.Equal(c.deltas, want) {
		t.Fatalf("deltas at %v, want %v", c.deltas, want)
	}
	ref, _ := s.be.reference(t, s.opBoard, viewerOf(t, partnerAgency), want[len(want)-1])
	sameView(t, c.view, ref)
	// The REST read of the same board agrees.
	var read boardOut
	if err := json.Unmarshal(s.mustDo(t, "GET", s.op+"/board", s.observer, nil, http.StatusOK).body, &read); err != nil {
		t.Fatal(err)
	}
	if read.Position != want[len(want)-1] {
		t.Errorf("REST read at %s, want %s", read.Position, want[len(want)-1])
	}
	sameView(t, read.Board, ref)
}

func TestLiveBoardResumesWithExactlyTheMissedDeltas(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	c := s.live(t, s.lead, "")
	if _, err := c.read(t); err != nil {
		t.Fatal(err)
	}
	seen := c.position
	c.conn.Close()
	var missed []string
	for i := range 4 {
		missed = append(missed, s.position(t, i))
	}
	s.be.caughtUp(t)
	r := s.live(t, s.lead, seen)
	r.view, r.position = c.view, c.position
	m, err := r.read(t)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != boardws.TypeDelta {
		t.Fatalf("resuming after %s began with a %s, want the first missed delta", seen, m.Type)
	}
	r.readUntil(t, missed[len(missed)-1])
	if !slices.Equal(r.deltas, missed) {
		t.Fatalf("resumed with deltas at %v, want exactly %v", r.deltas, missed)
	}
	ref, _ := s.be.reference(t, s.opBoard, viewerOf(t, leadAgency), missed[len(missed)-1])
	sameView(t, r.view, ref)
}

func TestLiveBoardResumeFallsBackToASnapshot(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{boards: boards.Config{RingSize: 2}})
	start := s.be.caughtUp(t)
	for i := range 4 {
		s.position(t, i)
	}
	head := s.be.caughtUp(t)
	tests := []struct{ name, after string }{
		{"older than the ring", start},
		{"ahead of the board", "999999/999999"},
		{"not a position", "yesterday"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.live(t, s.observer, tt.after)
			m, err := c.read(t)
			if err != nil {
				t.Fatal(err)
			}
			if m.Type != boardws.TypeSnapshot || m.Position != head {
				t.Fatalf("resuming after %q began with a %s at %s, want a snapshot at %s", tt.after, m.Type, m.Position, head)
			}
			ref, _ := s.be.reference(t, s.opBoard, viewerOf(t, partnerAgency), head)
			sameView(t, c.view, ref)
		})
	}
}

func TestLiveBoardCutsASlowConsumerWhichResumes(t *testing.T) {
	// Four units flood the server: no per-principal rate limit may slow
	// them down before the client is cut.
	s := newBoardScenario(t, boardEnvOptions{hub: boardws.Config{QueueSize: 2}, envOptions: envOptions{rateLimit: 1e6, rateBurst: 1e6}})
	// A client with a tiny receive buffer that reads slowly.
	d := &websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			err = c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	conn, _, err := boardws.Dial(t.Context(), d, s.be.liveURL(s.op, ""), s.observer)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &boardClient{conn: conn}
	if _, err := c.read(t); err != nil {
		t.Fatal(err)
	}
	snapshot := c.position
	// Report as fast as four units can until the client is cut.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for u := range 4 {
		unit := uuid.New()
		token := s.token(t, partnerAgency, unit, "field_unit")
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := positionReport(uuid.New(), time.Now(), 47.6+float64(i%100)/1000, 13.1+float64(u)/100)
				if r := s.do(t, "POST", s.unitReports(unit)+"/position", token, body); r.status != http.StatusCreated {
					t.Errorf("report: %d %s", r.status, r.body)
					return
				}
			}
		})
	}
	var cut *websocket.CloseError
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for cut == nil {
		_, err := c.read(t)
		if err != nil {
			cut = closeErr(t, err)
			break
		}
		time.Sleep(2 * time.Millisecond) // the client is slow
	}
	close(stop)
	wg.Wait()
	if cut.Code != boardws.CloseSlowConsumer {
		t.Fatalf("closed with %d %q, want %d", cut.Code, cut.Text, boardws.CloseSlowConsumer)
	}
	resume, ok := boardws.ResumeAfter(cut.Text)
	if !ok || resume != c.position {
		t.Fatalf("close reason %q: resume after %q, but the client is at %s", cut.Text, resume, c.position)
	}
	// It resumes where it was cut and catches up: with exactly the deltas
	// it missed, or, when they are more than its queue holds, with a
	// fresh snapshot and the deltas after it.
	head := s.be.caughtUp(t)
	r := s.live(t, s.observer, resume)
	r.view, r.position = c.view, c.position
	first, err := r.read(t)
	if err != nil {
		t.Fatal(err)
	}
	r.readUntil(t, head)
	ref, all := s.be.reference(t, s.opBoard, viewerOf(t, partnerAgency), head)
	got, due := slices.Concat(c.deltas, r.deltas), dueAfter(t, all, snapshot)
	if first.Type == boardws.TypeSnapshot {
		got, due = r.deltas, dueAfter(t, all, first.Position)
	}
	if !slices.Equal(got, due) {
		t.Fatalf("deltas received are not exactly those due: got %d, due %d", len(got), len(due))
	}
	sameView(t, r.view, ref)
}

func TestLiveBoardShutdownSaysGoingAway(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{})
	var clients []*boardClient
	for _, tok := range []string{s.observer, s.lead, s.unit7} {
		c := s.live(t, tok, "")
		if _, err := c.read(t); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.be.hub.Shutdown(ctx) }()
	for i, c := range clients {
		_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := c.read(t)
		if ce := closeErr(t, err); ce.Code != websocket.CloseGoingAway || ce.Text != "going away" {
			t.Errorf("client %d closed with %d %q, want 1001 going away", i, ce.Code, ce.Text)
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if n := s.be.hub.Len(); n != 0 {
		t.Errorf("%d connections after shutdown", n)
	}
}

func TestLiveBoardHeartbeat(t *testing.T) {
	s := newBoardScenario(t, boardEnvOptions{hub: boardws.Config{HeartbeatInterval: 20 * time.Millisecond}})
	c := s.live(t, s.observer, "")
	if _, err := c.read(t); err != nil {
		t.Fatal(err)
	}
	at := s.position(t, 1)
	head := s.be.caughtUp(t)
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		m, err := c.read(t)
		if err != nil {
			t.Fatal(err)
		}
		// Heartbeats say where the board is and, once the boards folded
		// the report, that it is live.
		if m.Type == boardws.TypeHeartbeat && m.Position == at && m.Head == head && m.Behind == 0 {
			return
		}
	}
}

// dueAfter returns the positions of due after pos.
func dueAfter(tb testing.TB, due []string, pos string) []string {
	tb.Helper()
	p, err := eventstore.ParsePosition(pos)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, d := range due {
		q, err := eventstore.ParsePosition(d)
		if err != nil {
			tb.Fatal(err)
		}
		if p.Less(q) {
			out = append(out, d)
		}
	}
	return out
}
