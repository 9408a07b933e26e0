package boardws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
)

// fakeStream is a subscription the test feeds by hand.
type fakeStream struct {
	c    chan *boards.Frame
	done chan struct{}

	mu     sync.Mutex
	err    error
	closed bool
}

func newFakeStream(queue int) *fakeStream {
	return &fakeStream{c: make(chan *boards.Frame, queue), done: make(chan struct{})}
}

func (s *fakeStream) C() <-chan *boards.Frame { return s.c }
func (s *fakeStream) Done() <-chan struct{}   { return s.done }
func (s *fakeStream) Close()                  { s.end(boards.ErrClosed) }

func (s *fakeStream) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// end ends the stream with err, as the feed does.
func (s *fakeStream) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed, s.err = true, err
		close(s.done)
	}
}

func (s *fakeStream) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

type fakeProgress struct{}

func (fakeProgress) Head() string  { return "12/12" }
func (fakeProgress) Behind() int64 { return 3 }

var (
	unknownOp   = mustOp("0e000000-0000-4000-8000-0000000000ff")
	boardOp     = mustOp("0e000000-0000-4000-8000-000000000001")
	frameTimeAt = "2026-11-28T10:00:00Z"
)

func mustOp(s string) domain.OperationID {
	id, err := domain.ParseOperationID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// hubFixture is a Hub behind a real HTTP server on loopback, with fake
// streams the test drives.
type hubFixture struct {
	hub        *Hub
	url        string // ws://…/live
	streams    chan *fakeStream
	subscribed atomic.Int32
}

func newHubFixture(t *testing.T, cfg Config) *hubFixture {
	t.Helper()
	f := &hubFixture{streams: make(chan *fakeStream, 16)}
	subscribe := func(_ context.Context, op domain.OperationID, _ marking.Viewer, _ string, queue int) (stream, error) {
		f.subscribed.Add(1)
		if op == unknownOp {
			return nil, boards.ErrNotFound
		}
		s := newFakeStream(queue)
		f.streams <- s
		return s, nil
	}
	hub, err := newHub(cfg, subscribe, fakeProgress{})
	if err != nil {
		t.Fatal(err)
	}
	f.hub = hub
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := boardOp
		if r.URL.Query().Get("op") == "unknown" {
			op = unknownOp
		}
		err := hub.Serve(w, r, op, marking.Viewer{}, r.URL.Query().Get("after"))
		switch {
		case err == nil:
		case errors.Is(err, domain.ErrInvalid):
			http.Error(w, err.Error(), http.StatusBadRequest)
		case errors.Is(err, domain.ErrForbidden):
			http.Error(w, err.Error(), http.StatusForbidden)
		case errors.Is(err, domain.ErrNotFound):
			http.Error(w, err.Error(), http.StatusNotFound)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := hub.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	f.url = "ws" + strings.TrimPrefix(srv.URL, "http") + "/live"
	return f
}

// dial connects a client and returns it with the stream the hub opened.
func (f *hubFixture) dial(t *testing.T, query string) (*websocket.Conn, *fakeStream) {
	t.Helper()
	c, resp, err := Dial(t.Context(), nil, f.url+query, "token")
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	if c.Subprotocol() != Subprotocol {
		t.Errorf("subprotocol %q, want %q", c.Subprotocol(), Subprotocol)
	}
	select {
	case s := <-f.streams:
		return c, s
	case <-time.After(5 * time.Second):
		t.Fatal("no subscription")
		return nil, nil
	}
}

// frame makes a feed frame of kind at pos.
func frame(t *testing.T, kind, pos string) *boards.Frame {
	t.Helper()
	var data string
	if kind == boards.KindSnapshot {
		data = fmt.Sprintf(`{"type":"snapshot","operation_id":%q,"position":%q,"board":{"limits":{"track_length":20,"significant_length":100}}}`, boardOp, pos)
	} else {
		data = fmt.Sprintf(`{"type":"delta","position":%q,"at":%q,"changes":[]}`, pos, frameTimeAt)
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return &boards.Frame{Kind: kind, Position: pos, Data: []byte(data), Prepared: pm}
}

// readUntilClose reads messages until the connection closes and returns
// the close error.
func readUntilClose(t *testing.T, c *websocket.Conn) *websocket.CloseError {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("read: %v, want a close frame", err)
		}
		return ce
	}
}

// eventually polls cond until it holds or a deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHubStreamsFramesThenHeartbeats(t *testing.T) {
	f := newHubFixture(t, Config{HeartbeatInterval: 20 * time.Millisecond})
	c, s := f.dial(t, "")
	s.c <- frame(t, boards.KindSnapshot, "7/7")
	s.c <- frame(t, boards.KindDelta, "9/9")
	var got []string
	for len(got) < 2 {
		m, err := ReadMessage(c)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != TypeHeartbeat {
			got = append(got, m.Type+"@"+m.Position)
		}
	}
	if strings.Join(got, " ") != "snapshot@7/7 delta@9/9" {
		t.Fatalf("messages %v", got)
	}
	for {
		m, err := ReadMessage(c)
		if err != nil {
			t.Fatal(err)
		}
		if m.Type == TypeHeartbeat {
			if m.Position != "9/9" || m.Head != "12/12" || m.Behind != 3 {
				t.Fatalf("heartbeat %+v, want position 9/9, head 12/12, behind 3", m)
			}
			return
		}
	}
}

func TestHubClosesWithWhereToResume(t *testing.T) {
	tests := []struct {
		name       string
		after      string
		frames     []string
		err        error
		code       int
		reason     string
		wantResume string
	}{
		{"slow after frames", "", []string{"5/5", "6/6"}, &boards.SlowError{Position: "8/8"}, CloseSlowConsumer, "slow consumer: resume after 6/6", "6/6"},
		{"slow before any frame, resuming", "3/3", nil, &boards.SlowError{}, CloseSlowConsumer, "slow consumer: resume after 3/3", "3/3"},
		{"slow before any frame", "", nil, &boards.SlowError{}, CloseSlowConsumer, "slow consumer: reconnect", ""},
		{"boards reset", "", []string{"5/5"}, boards.ErrReset, CloseUnavailable, "board unavailable: resume after 5/5", "5/5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newHubFixture(t, Config{})
			query := ""
			if tt.after != "" {
				query = "?after=" + tt.after
			}
			c, s := f.dial(t, query)
			for _, p := range tt.frames {
				s.c <- frame(t, boards.KindDelta, p)
			}
			for range tt.frames {
				if _, err := ReadMessage(c); err != nil {
					t.Fatal(err)
				}
			}
			s.end(tt.err)
			ce := readUntilClose(t, c)
			if ce.Code != tt.code || ce.Text != tt.reason {
				t.Fatalf("closed with %d %q, want %d %q", ce.Code, ce.Text, tt.code, tt.reason)
			}
			if pos, _ := ResumeAfter(ce.Text); pos != tt.wantResume {
				t.Errorf("ResumeAfter = %q, want %q", pos, tt.wantResume)
			}
			eventually(t, "the hub forgets the connection", func() bool { return f.hub.Len() == 0 })
		})
	}
}

func TestHubShutdownSaysGoingAway(t *testing.T) {
	f := newHubFixture(t, Config{})
	var conns []*websocket.Conn
	var streams []*fakeStream
	for range 3 {
		c, s := f.dial(t, "")
		conns, streams = append(conns, c), append(streams, s)
	}
	eventually(t, "three connections", func() bool { return f.hub.Len() == 3 })
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- f.hub.Shutdown(ctx)
	}()
	for i, c := range conns {
		ce := readUntilClose(t, c)
		if ce.Code != CloseGoingAway || ce.Text != "going away" {
			t.Errorf("connection %d closed with %d %q, want 1001 going away", i, ce.Code, ce.Text)
		}
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if n := f.hub.Len(); n != 0 {
		t.Errorf("%d connections after shutdown", n)
	}
	for i, s := range streams {
		if !s.isClosed() {
			t.Errorf("stream %d still open after shutdown", i)
		}
	}
	// A board opened during shutdown goes away at once.
	c, _ := f.dial(t, "")
	if ce := readUntilClose(t, c); ce.Code != CloseGoingAway {
		t.Errorf("late connection closed with %d %q, want 1001", ce.Code, ce.Text)
	}
}

func TestHubDropsAClientThatAnswersNoPing(t *testing.T) {
	f := newHubFixture(t, Config{PingInterval: 10 * time.Millisecond, PongTimeout: 100 * time.Millisecond})
	_, s := f.dial(t, "") // never reads, so never answers a ping
	eventually(t, "the silent client is dropped", func() bool { return f.hub.Len() == 0 && s.isClosed() })
}

func TestHubKeepsAClientThatAnswersPings(t *testing.T) {
	f := newHubFixture(t, Config{PingInterval: 10 * time.Millisecond, PongTimeout: 250 * time.Millisecond, HeartbeatInterval: 10 * time.Millisecond})
	c, _ := f.dial(t, "")
	// Reading answers pings; for three pong timeouts the connection stays.
	until := time.Now().Add(750 * time.Millisecond)
	for time.Now().Before(until) {
		if _, err := ReadMessage(c); err != nil {
			t.Fatalf("connection lost while answering pings: %v", err)
		}
	}
	if f.hub.Len() != 1 {
		t.Fatalf("%d connections, want 1", f.hub.Len())
	}
}

func TestHubReadLimit(t *testing.T) {
	f := newHubFixture(t, Config{})
	c, _ := f.dial(t, "")
	if err := c.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", DefaultReadLimit+1))); err != nil {
		t.Fatal(err)
	}
	if ce := readUntilClose(t, c); ce.Code != CloseTooLarge {
		t.Fatalf("closed with %d %q, want %d", ce.Code, ce.Text, CloseTooLarge)
	}
	eventually(t, "the hub forgets the connection", func() bool { return f.hub.Len() == 0 })
}

func TestHubReleasesTheStreamWhenTheClientLeaves(t *testing.T) {
	f := newHubFixture(t, Config{})
	c, s := f.dial(t, "")
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
	if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the stream is closed", func() bool { return s.isClosed() && f.hub.Len() == 0 })
}

func TestHubRefusesBeforeTheUpgrade(t *testing.T) {
	tests := []struct {
		name      string
		query     string
		header    map[string]string
		plain     bool // a plain GET, no upgrade
		status    int
		subscribe bool // whether the feed was asked
	}{
		{"plain GET", "", nil, true, http.StatusBadRequest, false},
		{"foreign origin", "", map[string]string{"Origin": "https://evil.example"}, false, http.StatusForbidden, false},
		{"no such board", "?op=unknown", nil, false, http.StatusNotFound, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newHubFixture(t, Config{})
			var status int
			if tt.plain {
				resp, err := http.Get("http" + strings.TrimPrefix(f.url, "ws") + tt.query)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				status = resp.StatusCode
			} else {
				h := http.Header{"Sec-WebSocket-Protocol": {Subprotocol}}
				for k, v := range tt.header {
					h.Set(k, v)
				}
				_, resp, err := websocket.DefaultDialer.DialContext(t.Context(), f.url+tt.query, h)
				if err == nil || resp == nil {
					t.Fatalf("dial: %v, want a refusal", err)
				}
				resp.Body.Close()
				status = resp.StatusCode
			}
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if got := f.subscribed.Load() > 0; got != tt.subscribe {
				t.Errorf("feed asked: %v, want %v", got, tt.subscribe)
			}
			if f.hub.Len() != 0 {
				t.Errorf("%d connections after a refusal", f.hub.Len())
			}
		})
	}
}

func TestHubRefusalOfAnUnknownBoardSaysNothingMore(t *testing.T) {
	hub, err := newHub(Config{}, nil, fakeProgress{})
	if err != nil {
		t.Fatal(err)
	}
	op, _ := domain.NewOperationID(uuid.New())
	err = hub.refusal(op, fmt.Errorf("subscribe: %w", boards.ErrNotFound))
	if !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("refusal %v is not ErrNotFound", err)
	}
	if code, _ := domain.CodeOf(err); code != CodeBoardNotFound {
		t.Errorf("code %q, want %q", code, CodeBoardNotFound)
	}
	if want := "board.not_found: no board of operation " + op.String(); err.Error() != want {
		t.Errorf("refusal %q, want %q", err, want)
	}
}

func TestNewHubNeedsProgress(t *testing.T) {
	if _, err := newHub(Config{}, nil, nil); err == nil || !strings.Contains(err.Error(), "progress") {
		t.Fatalf("newHub without progress = %v", err)
	}
	if _, err := NewHub(Config{}, nil, fakeProgress{}); err == nil {
		t.Fatal("NewHub without a feed succeeded")
	}
}
