package boards_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
)

// TestOneFramePerView checks that a delta is encoded at most once per
// agency view: every subscriber of one view gets the same Frame and
// PreparedMessage, and views get the same frame exactly when they may see
// the same changes (the same bytes), while a view that may see nothing
// gets nothing.
func TestOneFramePerView(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	subs := map[domain.AgencyID][2]*boards.Subscription{}
	for _, a := range participants {
		subs[a] = [2]*boards.Subscription{subscribe(t, b, a, "", 1024), subscribe(t, b, a, "", 1024)}
	}
	start := len(l.envs)
	newGenerator(5, l).run(300)
	applyAll(t, b, l.envs[start:])

	byPosition := map[string]map[domain.AgencyID]*boards.Frame{}
	for _, a := range participants {
		first, second := drain(subs[a][0])[1:], drain(subs[a][1])[1:] // after the snapshots
		if len(first) != len(second) {
			t.Fatalf("agency %s: subscribers got %d and %d deltas", a, len(first), len(second))
		}
		for i, f := range first {
			if f != second[i] || f.Prepared == nil || f.Prepared != second[i].Prepared {
				t.Fatalf("agency %s at %s: two subscribers got frames %p and %p (prepared %p, %p), want one",
					a, f.Position, f, second[i], f.Prepared, second[i].Prepared)
			}
			if byPosition[f.Position] == nil {
				byPosition[f.Position] = map[domain.AgencyID]*boards.Frame{}
			}
			byPosition[f.Position][a] = f
		}
	}
	var shared, distinct int
	for p, frames := range byPosition {
		for i, a := range participants {
			for _, c := range participants[i+1:] {
				fa, fc := frames[a], frames[c]
				if fa == nil || fc == nil {
					continue
				}
				if same := string(fa.Data) == string(fc.Data); same != (fa == fc) {
					t.Errorf("at %s agencies %s and %s: same bytes %t, same frame %t", p, a, c, same, fa == fc)
				} else if same {
					shared++
				} else {
					distinct++
				}
			}
		}
	}
	if shared == 0 || distinct == 0 {
		t.Errorf("%d shared and %d distinct pairs of frames: the log did not exercise both", shared, distinct)
	}
}

// TestFrameOnTheWire writes a snapshot and a delta frame through a real
// WebSocket connection with WritePreparedMessage and checks the client
// reads the protocol messages documented in docs/API.md.
func TestFrameOnTheWire(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	s := subscribe(t, b, agB, "", 8)
	l.add(positioned(opID, 400, agB, mark(agB, marking.TLPGreen), 48.3))
	applyAll(t, b, l.envs[len(l.envs)-1:])
	frames := drain(s)
	if len(frames) != 2 {
		t.Fatalf("frames %v, want a snapshot and a delta", positions(frames))
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for _, f := range frames {
			if err := c.WritePreparedMessage(f.Prepared); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	c, _, err := websocket.DefaultDialer.DialContext(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()

	tests := []struct {
		name     string
		frame    *boards.Frame
		wantKeys []string
	}{
		{"snapshot", frames[0], []string{"board", "operation_id", "position", "type"}},
		{"delta", frames[1], []string{"at", "changes", "position", "type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, data, err := c.ReadMessage()
			if err != nil || typ != websocket.TextMessage || string(data) != string(tt.frame.Data) {
				t.Fatalf("read %d %q, %v; want text %q", typ, data, err, tt.frame.Data)
			}
			var msg map[string]json.RawMessage
			if err := json.Unmarshal(data, &msg); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := strings.Join(slices.Sorted(maps.Keys(msg)), ","); got != strings.Join(tt.wantKeys, ",") {
				t.Errorf("keys %s, want %s", got, strings.Join(tt.wantKeys, ","))
			}
			if got, want := string(msg["type"]), `"`+tt.frame.Kind+`"`; got != want {
				t.Errorf("type %s, want %s", got, want)
			}
			if got, want := string(msg["position"]), `"`+tt.frame.Position+`"`; got != want {
				t.Errorf("position %s, want %s", got, want)
			}
		})
	}
	snapshot := frames[0]
	var msg struct {
		Board json.RawMessage `json:"board"`
	}
	if err := json.Unmarshal(snapshot.Data, &msg); err != nil || string(msg.Board) != mustJSON(t, snapshot.View) {
		t.Errorf("snapshot board %s (%v), want the view %s", msg.Board, err, mustJSON(t, snapshot.View))
	}
}
