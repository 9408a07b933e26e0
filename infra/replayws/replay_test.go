package replayws_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/replayws"
)

// A replay at max speed from any point sends a snapshot equal to the
// board folded to that point, then deltas that leave the client with the
// board folded from the whole log, as the agency saw it; B never sees
// A's AMBER+STRICT report.
func TestReplayEqualsTheFold(t *testing.T) {
	f := newFixture(t).story()
	e := newEnv(t, f, replayws.Config{})
	tests := []struct {
		name   string
		agency domain.AgencyID
		from   int // envelopes folded into the snapshot
	}{
		{"A from the start", agA, 0},
		{"B from the start", agB, 0},
		{"A from the middle", agA, 9},
		{"B from the middle", agB, 9},
		{"B from the last event", agB, len(f.envs)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := "speed=max"
			if tt.agency == agB {
				q += "&as_agency=B"
			}
			if tt.from > 0 {
				q += "&from=" + f.envs[tt.from-1].Position
			}
			c := e.dial(t, q)
			if got := c.read(); got != boardws.TypeSnapshot {
				t.Fatalf("first message %s, want a snapshot", got)
			}
			sameView(t, c.view, f.reference(tt.from, tt.agency))
			c.until(replayws.StateEnded)
			sameView(t, c.view, f.reference(len(f.envs), tt.agency))
			if c.status.Clock != f.envs[len(f.envs)-1].Event.RecordedAt {
				t.Errorf("clock %s, want the last event's recorded_at %s", c.status.Clock, f.envs[len(f.envs)-1].Event.RecordedAt)
			}
			if want := tt.agency == agA && tt.from < len(f.envs); c.sawSecret() != want {
				t.Errorf("saw A's AMBER+STRICT report: %t, want %t", !want, want)
			}
		})
	}
}

// Pause, step, seek (by position and by time), speed and play, each
// answered with a status; the board after each equals the fold to the
// same point. Every start and seek is recorded.
func TestControls(t *testing.T) {
	f := newFixture(t).running()
	f.move(agA, time.Hour, 48.1)
	f.observe(agA, time.Hour, marking.TLPAmberStrict, secretText)
	f.observe(agB, time.Hour, marking.TLPGreen, "car parked")
	f.move(agB, time.Hour, 48.2)
	f.move(agA, time.Hour, 48.3)
	e := newEnv(t, f, replayws.Config{MaxGap: time.Hour})
	// At 1× an hour between events: nothing plays before the pause.
	start := 8
	c := e.dial(t, "as_agency=B&speed=1&from="+f.envs[start-1].Position)
	c.untilType(boardws.TypeSnapshot)
	c.until(replayws.StatePlaying)
	c.send(`{"type":"pause"}`)
	c.until(replayws.StatePaused)
	if c.position != f.envs[start-1].Position {
		t.Fatalf("paused at %s, want the start %s", c.position, f.envs[start-1].Position)
	}

	// B cannot see A's AMBER+STRICT observation (envs[start+1]): the step
	// after A's move is B's observation.
	for _, want := range []int{start + 1, start + 3} {
		c.send(`{"type":"step"}`)
		c.until(replayws.StatePaused)
		if c.position != f.envs[want-1].Position {
			t.Fatalf("stepped to %s, want %s: %s", c.position, f.envs[want-1].Position, c.raw[len(c.raw)-2])
		}
		sameView(t, c.view, f.reference(want, agB))
	}

	c.send(`{"type":"seek","position":"` + f.envs[start+1].Position + `"}`)
	c.untilType(boardws.TypeSnapshot)
	sameView(t, c.view, f.reference(start+2, agB))
	c.until(replayws.StatePaused)

	c.send(`{"type":"seek","time":"` + f.envs[2].Event.RecordedAt.Add(500*time.Millisecond).Format(time.RFC3339Nano) + `"}`)
	c.untilType(boardws.TypeSnapshot)
	sameView(t, c.view, f.reference(3, agB))
	c.until(replayws.StatePaused)

	c.send(`{"type":"seek","time":"` + dt.T0().Add(-time.Hour).Format(time.RFC3339Nano) + `"}`)
	c.untilType(boardws.TypeSnapshot)
	sameView(t, c.view, f.reference(0, agB))
	c.until(replayws.StatePaused)

	c.send(`{"type":"speed","speed":"max"}`)
	c.until(replayws.StatePaused)
	if c.status.Speed != replayws.SpeedMax {
		t.Fatalf("speed %s, want max", c.status.Speed)
	}
	c.send(`{"type":"play"}`)
	c.until(replayws.StateEnded)
	sameView(t, c.view, f.reference(len(f.envs), agB))
	if c.sawSecret() {
		t.Error("B's replay showed A's AMBER+STRICT report")
	}

	// Ended, the session stays open for seeks.
	c.send(`{"type":"seek","position":"` + f.envs[start].Position + `"}`)
	c.untilType(boardws.TypeSnapshot)
	c.until(replayws.StatePaused)
	sameView(t, c.view, f.reference(start+1, agB))

	var seeks []string
	for _, a := range e.rec.list() {
		if a.Seek {
			seeks = append(seeks, a.From.String())
		} else if a.From.Position.String() != f.envs[start-1].Position || a.Speed != 1 {
			t.Errorf("start recorded as %+v", a)
		}
	}
	want := []string{f.envs[start+1].Position, f.envs[2].Event.RecordedAt.Add(500 * time.Millisecond).Format(time.RFC3339Nano),
		dt.T0().Add(-time.Hour).Format(time.RFC3339Nano), f.envs[start].Position}
	if !slices.Equal(seeks, want) {
		t.Errorf("seeks recorded %q, want %q", seeks, want)
	}
	if n := len(e.rec.list()); n != 5 {
		t.Errorf("%d accesses recorded, want the start and 4 seeks", n)
	}
}

// A control the server cannot follow is answered with an error message
// and the session stays up.
func TestInvalidControls(t *testing.T) {
	f := newFixture(t).story()
	e := newEnv(t, f, replayws.Config{})
	c := e.dial(t, "speed=max")
	c.until(replayws.StateEnded)
	tests := []struct {
		name, msg, code string
	}{
		{"not JSON", `pause`, replayws.CodeInvalidControl},
		{"unknown type", `{"type":"rewind"}`, replayws.CodeInvalidControl},
		{"unknown field", `{"type":"pause","now":true}`, replayws.CodeInvalidControl},
		{"speed too high", `{"type":"speed","speed":1001}`, replayws.CodeInvalidControl},
		{"speed zero", `{"type":"speed","speed":0}`, replayws.CodeInvalidControl},
		{"speed missing", `{"type":"speed"}`, replayws.CodeInvalidControl},
		{"seek nowhere", `{"type":"seek"}`, replayws.CodeInvalidControl},
		{"seek both", `{"type":"seek","position":"1/1","time":"2026-01-01T00:00:00Z"}`, replayws.CodeInvalidControl},
		{"seek bad position", `{"type":"seek","position":"ten"}`, replayws.CodeInvalidControl},
		{"two objects", `{"type":"play"}{"type":"play"}`, replayws.CodeInvalidControl},
		{"step while not paused", `{"type":"step"}`, replayws.CodeNotPaused},
		{"seek past the index", `{"type":"seek","position":"999999/999999"}`, replayws.CodeNotIndexed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.t = t
			c.errs = nil
			c.send(tt.msg)
			c.untilType(replayws.TypeError)
			if c.errs[0].Code != tt.code {
				t.Fatalf("error %+v, want code %s", c.errs[0], tt.code)
			}
			c.send(`{"type":"pause"}`)
			c.until(replayws.StateEnded)
		})
	}
	c.t = t
	if err := c.conn.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"pause"}`)); err != nil {
		t.Fatal(err)
	}
	c.untilType(replayws.TypeError)
	// Over the read limit the connection closes with 1009.
	c.send(`{"type":"seek","position":"` + strings.Repeat("1", 2000) + `"}`)
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
				t.Fatalf("closed with %v, want 1009", err)
			}
			break
		}
	}
}

// A seek that cannot be recorded is refused and the board stays where it
// was; so is a start, before the upgrade.
func TestUnrecordedReadsAreRefused(t *testing.T) {
	f := newFixture(t).story()
	e := newEnv(t, f, replayws.Config{})
	c := e.dial(t, "speed=max")
	c.until(replayws.StateEnded)
	e.rec.fail()
	c.send(`{"type":"seek","position":"` + f.envs[3].Position + `"}`)
	c.untilType(replayws.TypeError)
	if c.errs[0].Code != replayws.CodeNotRecorded {
		t.Fatalf("error %+v, want %s", c.errs[0], replayws.CodeNotRecorded)
	}
	c.send(`{"type":"pause"}`)
	c.until(replayws.StateEnded)
	sameView(t, c.view, f.reference(len(f.envs), agA))

	_, resp, err := boardws.Dial(t.Context(), nil, e.url("speed=max"), "token")
	if err == nil || resp == nil || resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("start with the recorder down: %v, %v; want a refusal", err, resp)
	}
}

// Before the upgrade, Serve refuses a bad handshake, a foreign origin and
// an operation the history does not know, and writes nothing itself.
func TestRefusalsBeforeTheUpgrade(t *testing.T) {
	f := newFixture(t).story()
	e := newEnv(t, f, replayws.Config{AllowedOrigins: []string{"https://board.example.org"}})
	empty := newEnv(t, newFixture(t), replayws.Config{})
	tests := []struct {
		name   string
		env    *env
		header http.Header
		plain  bool
		want   int
	}{
		{"foreign origin", e, http.Header{"Origin": {"https://evil.example.com"}}, false, http.StatusForbidden},
		{"not a websocket", e, nil, true, http.StatusBadRequest},
		{"unknown operation", empty, nil, false, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			if tt.plain {
				r, err := http.Get(tt.env.http.URL + "/replay")
				if err != nil {
					t.Fatal(err)
				}
				resp = r
			} else {
				h := tt.header.Clone()
				if h == nil {
					h = http.Header{}
				}
				h.Set("Sec-WebSocket-Protocol", boardws.Subprotocol)
				_, r, err := websocket.DefaultDialer.DialContext(t.Context(), tt.env.url(""), h)
				if err == nil {
					t.Fatal("upgraded")
				}
				resp = r
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if n := len(empty.rec.list()) + len(e.rec.list()); n != 1 {
		// Only the unknown operation got past the handshake checks: it was
		// recorded, then refused.
		t.Errorf("%d accesses recorded, want 1", n)
	}
	c := e.dial(t, "")
	c.untilType(boardws.TypeSnapshot)
}

// Pacing divides the recorded gaps by the speed and caps each at MaxGap:
// an hour between events at 1000× still waits MaxGap, and max speed does
// not wait at all. Only lower bounds are checked.
func TestPacing(t *testing.T) {
	f := newFixture(t).running()
	for i := range 4 {
		f.move(agA, time.Hour, 48+float64(i)/10)
	}
	const maxGap = 40 * time.Millisecond
	e := newEnv(t, f, replayws.Config{MaxGap: maxGap})
	begin := time.Now()
	c := e.dial(t, "speed=1000&from="+f.envs[len(f.envs)-5].Position)
	c.until(replayws.StateEnded)
	if took := time.Since(begin); took < 4*maxGap {
		t.Fatalf("4 gaps of an hour at 1000x took %s, want at least 4 x %s", took, maxGap)
	}
	sameView(t, c.view, f.reference(len(f.envs), agA))
}

// Shutdown closes every session with 1001 "going away".
func TestShutdown(t *testing.T) {
	f := newFixture(t).story()
	e := newEnv(t, f, replayws.Config{})
	c := e.dial(t, "speed=max")
	c.until(replayws.StateEnded)
	done := make(chan error, 1)
	go func() { done <- e.server.Shutdown(t.Context()) }()
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := c.conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("closed with %v, want 1001", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := e.server.Len(); n != 0 {
		t.Fatalf("%d sessions left", n)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  replayws.Config
		want []string
	}{
		{"bad origin", replayws.Config{AllowedOrigins: []string{"ftp://x"}}, []string{"allowed origins[0]"}},
		{"negative durations", replayws.Config{MaxGap: -1, WriteTimeout: -1}, []string{"max gap", "write timeout"}},
		{"ping after pong", replayws.Config{PingInterval: time.Minute, PongTimeout: time.Second}, []string{"ping interval"}},
		{"tiny read limit", replayws.Config{ReadLimit: 10}, []string{"read limit"}},
		{"queue of one", replayws.Config{QueueSize: 1}, []string{"queue size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := replayws.NewServer(tt.cfg, newFixture(t).history)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v: does not name %q", err, w)
				}
			}
		})
	}
	if _, err := replayws.NewServer(replayws.Config{}, nil); err == nil || !strings.Contains(err.Error(), "source") {
		t.Errorf("no source: %v", err)
	}
}
