package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	app "github.com/jointops/jointops/commands"
)

// TestServeReadsAPastBoard: serve keeps the history index (the projection
// "history") and answers GET …/history/board with the board as of a past
// position, as the asking agency saw it then, each read recorded by the
// command side (commands.RecordHistoryAccess).
func TestServeReadsAPastBoard(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	positions := replayLog(t, dir)
	secret, before := positions[len(positions)-1], positions[len(positions)-2]
	tokenFile := replayToken(t, dir, rB, app.RoleInvestigator)
	raw, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(string(raw))
	base, _ := startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0")

	get := func(asOf string) (int, []byte) {
		t.Helper()
		q := url.Values{"as_of": {asOf}, "purpose": {"case 17"}}
		req, err := http.NewRequestWithContext(t.Context(), "GET", base+"/v1/operations/"+replayOp.String()+"/history/board?"+q.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	// The index follows the log asynchronously: until it has the
	// operation, the history answers 404.
	deadline := time.Now().Add(15 * time.Second)
	status, body := get(secret)
	for status == http.StatusNotFound && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		status, body = get(secret)
	}
	tracks := func(status int, body []byte) int {
		t.Helper()
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		var v replayOut
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		if v.AsOfKind != "position" || v.AsAgency.String() != rB.String() {
			t.Fatalf("answer %s", body)
		}
		return len(v.Board.Tracks)
	}
	if n := tracks(status, body); n != 1 {
		t.Fatalf("as of the report: %d tracks, want 1", n)
	}
	if n := tracks(get(before)); n != 0 {
		t.Fatalf("before the report: %d tracks, want none", n)
	}

	// The same history plays over WebSocket (the replay route is wired):
	// a snapshot at the start, then the operation's events, then "ended".
	q := url.Values{"purpose": {"case 17"}, "speed": {"max"}}
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/v1/operations/" + replayOp.String() + "/replay?" + q.Encode()
	conn, resp, err := websocket.DefaultDialer.DialContext(t.Context(), wsURL, http.Header{"Authorization": {"Bearer " + token}})
	if err != nil {
		t.Fatalf("dial replay: %v (%v)", err, resp)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	var sawSnapshot bool
	for {
		var msg struct {
			Type  string `json:"type"`
			State string `json:"state"`
		}
		if err := conn.ReadJSON(&msg); err != nil {
			t.Fatalf("replay read: %v (snapshot seen: %v)", err, sawSnapshot)
		}
		sawSnapshot = sawSnapshot || msg.Type == "snapshot"
		if msg.Type == "replay" && msg.State == "ended" {
			break
		}
	}
	if !sawSnapshot {
		t.Fatal("replay ended without a snapshot")
	}
}
