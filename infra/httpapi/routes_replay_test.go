package httpapi

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/replayws"
	"github.com/jointops/jointops/projections/board"
)

// replayEnv is a server with the history reads and the replay over a real
// SQLite log: the secret history of the history tests.
type replayEnv struct {
	secretHistory
	replays *replayws.Server
}

func newReplayEnv(t *testing.T) replayEnv {
	t.Helper()
	store, codec, h, _ := newCommandSide(t, nil)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := history.New(history.Config{Reader: store, Decoder: codec, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	replays, err := replayws.NewServer(replayws.Config{AllowedOrigins: []string{"https://board.example.org"}}, hist)
	if err != nil {
		t.Fatal(err)
	}
	rec := &fakeRecorder{}
	now := func() time.Time { return t0 }
	handler, err := New(Config{
		Logger: slog.New(slog.DiscardHandler), TokenKey: key.Public().(ed25519.PublicKey), Commands: h, Now: now,
		History: hist, HistoryRecorder: rec, Replay: replays,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = replays.Shutdown(ctx)
		srv.Close()
	})
	e := &env{url: srv.URL, store: store, key: key, now: now, client: srv.Client(), log: &syncLog{}, cmds: h}
	he := &historyEnv{env: e, hist: hist, recorder: rec, codec: codec, clock: t0.Add(-time.Hour)}
	s := secretHistoryOn(t, he)
	return replayEnv{secretHistory: s, replays: replays}
}

// secretHistoryOn writes the history of newSecretHistory to e.
func secretHistoryOn(t *testing.T, e *historyEnv) secretHistory {
	t.Helper()
	e.running(t)
	red := hMark(t, hA, marking.TLPRed, hA, hB)
	e.write(t, hA, 0, hPosition(t, 1, hA, hUnitA, red, 48.2, 7.2))
	s := secretHistory{historyEnv: e, secretAt: e.last()}
	e.write(t, hC, 3*time.Minute, hPosition(t, 2, hC, hUnitC, hMark(t, hC, marking.TLPGreen), 47.5, 7.5))
	s.lateAt, s.beforeRelax = e.last(), e.last()
	e.write(t, hA, 0, &fieldlog.MarkingRelaxed{ReportID: hHeader(t, 3, hUnitA, red).ReportID, OperationID: hHeader(t, 1, hUnitA, red).OperationID,
		UnitID: hHeader(t, 1, hUnitA, red).UnitID, Report: hHeader(t, 1, hUnitA, red).ReportID, From: red, To: hMark(t, hA, marking.TLPClear)})
	s.relaxedAt = e.last()
	return s
}

func replayURL(base string, op uuid.UUID, q url.Values) string {
	return "ws" + strings.TrimPrefix(base, "http") + "/v1/operations/" + op.String() + "/replay?" + q.Encode()
}

// replayed reads a replay until it ends and returns the board it leaves
// the client with.
func replayed(t *testing.T, c *websocket.Conn) board.View {
	t.Helper()
	var v board.View
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var st replayws.Status
		if err := json.Unmarshal(data, &st); err == nil && st.Type == replayws.TypeStatus {
			if st.State == replayws.StateEnded {
				return v
			}
			continue
		}
		m, err := boardws.DecodeMessage(data)
		if err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		switch m.Type {
		case boardws.TypeSnapshot:
			v = *m.Board
		case boardws.TypeDelta:
			v.Apply(m.Delta)
		}
	}
}

// An investigator replays as its agency saw the operation, a browser with
// its token as a subprotocol, an admin as another agency; each start is
// recorded with its purpose.
func TestReplayRoute(t *testing.T) {
	s := newReplayEnv(t)
	end, err := s.hist.FrameAt(t.Context(), hID(t, domain.NewOperationID, histOp), eventstore.End)
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.hist.FrameAt(t.Context(), hID(t, domain.NewOperationID, histOp), eventstore.After(hMust(eventstore.ParsePosition(s.beforeRelax))))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		agency  uuid.UUID
		role    commands.Role
		query   url.Values
		browser bool
		want    board.View
		as      uuid.UUID
	}{
		{"an investigator", hC, commands.RoleInvestigator, url.Values{"speed": {"max"}}, false, end.View(hID(t, domain.NewAgencyID, hC)), hC},
		{"a browser", hB, commands.RoleCommander, url.Values{"speed": {"max"}}, true, end.View(hID(t, domain.NewAgencyID, hB)), hB},
		{"an admin as another agency", hA, commands.RoleAdmin, url.Values{"speed": {"max"}, "as_agency": {hC.String()}}, false, end.View(hID(t, domain.NewAgencyID, hC)), hC},
		{"from a position", hC, commands.RoleInvestigator, url.Values{"speed": {"max"}, "from": {s.beforeRelax}}, false, end.View(hID(t, domain.NewAgencyID, hC)), hC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.query.Set("purpose", "case 2026/118")
			tok := s.tok(t, tt.agency, tt.role)
			before := s.recorder.count()
			var c *websocket.Conn
			var err error
			if tt.browser {
				h := http.Header{"Origin": {"https://board.example.org"}, "Sec-WebSocket-Protocol": {boardws.Subprotocol + ", " + boardws.BearerPrefix + tok}}
				c, _, err = websocket.DefaultDialer.DialContext(t.Context(), replayURL(s.url, histOp, tt.query), h)
			} else {
				c, _, err = boardws.Dial(t.Context(), nil, replayURL(s.url, histOp, tt.query), tok)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.Subprotocol() != boardws.Subprotocol {
				t.Fatalf("subprotocol %q", c.Subprotocol())
			}
			sameView(t, replayed(t, c), tt.want)
			if s.recorder.count() != before+1 {
				t.Fatalf("%d reads recorded, want 1", s.recorder.count()-before)
			}
			s.recorder.mu.Lock()
			read := s.recorder.reads[len(s.recorder.reads)-1]
			s.recorder.mu.Unlock()
			if read.What != "replay" || read.Purpose != "case 2026/118" || read.Parameters["as_agency"] != tt.as.String() || read.Parameters["speed"] != "max" {
				t.Fatalf("recorded %+v", read)
			}
		})
	}
	// hC could not see hA's RED report before it was relaxed.
	if len(before.View(hID(t, domain.NewAgencyID, hC)).Tracks) == len(before.View(hID(t, domain.NewAgencyID, hB)).Tracks) {
		t.Fatal("the fixture does not hide anything from hC")
	}
}

// Refusals are answered before the upgrade, as problems, and are not
// recorded.
func TestReplayRefusals(t *testing.T) {
	s := newReplayEnv(t)
	ok := url.Values{"purpose": {"oversight"}}
	with := func(k, v string) url.Values {
		q := url.Values{"purpose": {"oversight"}}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	other := uuid.MustParse("0f000000-0000-4000-8000-0000000000ff")
	tests := []struct {
		name   string
		agency uuid.UUID
		role   commands.Role
		op     uuid.UUID
		query  url.Values
		header http.Header
		status int
	}{
		{"an observer", hB, commands.RoleObserver, histOp, ok, nil, http.StatusForbidden},
		{"an investigator as another agency", hB, commands.RoleInvestigator, histOp, with("as_agency", hA.String()), nil, http.StatusForbidden},
		{"an admin as an agency that did not take part", hA, commands.RoleAdmin, histOp, with("as_agency", hOut.String()), nil, http.StatusForbidden},
		{"an agency that did not take part", hOut, commands.RoleInvestigator, histOp, ok, nil, http.StatusNotFound},
		{"an operation that does not exist", hA, commands.RoleInvestigator, other, ok, nil, http.StatusNotFound},
		{"no purpose", hA, commands.RoleInvestigator, histOp, with("purpose", ""), nil, http.StatusBadRequest},
		{"a speed too high", hA, commands.RoleInvestigator, histOp, with("speed", "1001"), nil, http.StatusBadRequest},
		{"from and from_time", hA, commands.RoleInvestigator, histOp, url.Values{"purpose": {"x"}, "from": {"1/1"}, "from_time": {t0.Format(time.RFC3339)}}, nil, http.StatusBadRequest},
		{"a malformed from", hA, commands.RoleInvestigator, histOp, with("from", "yesterday"), nil, http.StatusBadRequest},
		{"a foreign origin", hA, commands.RoleInvestigator, histOp, ok, http.Header{"Origin": {"https://evil.example.com"}}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.recorder.count()
			h := tt.header.Clone()
			if h == nil {
				h = http.Header{}
			}
			h.Set("Authorization", "Bearer "+s.tok(t, tt.agency, tt.role))
			h.Set("Sec-WebSocket-Protocol", boardws.Subprotocol)
			c, resp, err := websocket.DefaultDialer.DialContext(t.Context(), replayURL(s.url, tt.op, tt.query), h)
			if err == nil {
				c.Close()
				t.Fatal("upgraded")
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if ct := resp.Header.Get("Content-Type"); ct != ProblemContentType {
				t.Errorf("content type %q", ct)
			}
			if s.recorder.count() != before {
				t.Fatal("a refused replay was recorded")
			}
		})
	}
	t.Run("no token", func(t *testing.T) {
		_, resp, err := websocket.DefaultDialer.DialContext(t.Context(), replayURL(s.url, histOp, ok), nil)
		if err == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%v, %v", err, resp)
		}
	})
	t.Run("not a websocket", func(t *testing.T) {
		got := s.do(t, "GET", "/v1/operations/"+histOp.String()+"/replay?"+ok.Encode(), s.tok(t, hA, commands.RoleInvestigator), nil)
		if got.status != http.StatusBadRequest {
			t.Fatalf("status %d: %s", got.status, got.body)
		}
	})
	t.Run("a start that cannot be recorded", func(t *testing.T) {
		s.recorder.mu.Lock()
		s.recorder.fail = domain.Forbid("audit.refused", "no")
		s.recorder.mu.Unlock()
		defer func() {
			s.recorder.mu.Lock()
			s.recorder.fail = nil
			s.recorder.mu.Unlock()
		}()
		_, resp, err := boardws.Dial(t.Context(), nil, replayURL(s.url, histOp, ok), s.tok(t, hA, commands.RoleInvestigator))
		if err == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("%v, %v", err, resp)
		}
	})
}
