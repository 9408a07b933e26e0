package replayws_test

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/replayws"
)

// docPath is the API document whose "Replay" transcript this test runs.
const docPath = "../../docs/API.md"

const fenceTranscript = "```replay-transcript"

// transcript reads the replay transcript of docs/API.md: the request line,
// then "> control" and "< message" lines ("< …" skips messages).
func transcript(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for i, l := range lines {
		if l != fenceTranscript {
			continue
		}
		for end := i + 1; end < len(lines); end++ {
			if lines[end] == "```" {
				return lines[i+1 : end]
			}
		}
		t.Fatalf("%s:%d: unterminated transcript", docPath, i+1)
	}
	t.Fatalf("%s has no %s block", docPath, fenceTranscript)
	return nil
}

// TestDocTranscript runs the transcript of docs/API.md ("Replay") against
// a real server over the history it describes: every message shown must
// arrive in that order with the fields shown.
func TestDocTranscript(t *testing.T) {
	f := newFixture(t).running()
	f.move(agA, time.Hour, 48.1)
	f.observe(agA, time.Hour, marking.TLPAmberStrict, secretText)
	f.observe(agB, time.Hour, marking.TLPGreen, "car parked")
	f.move(agB, time.Hour, 48.2)
	f.move(agA, time.Hour, 48.3)
	e := newEnv(t, f, replayws.Config{MaxGap: time.Hour})
	lines := transcript(t)
	method, target, ok := strings.Cut(lines[0], " ")
	_, query, _ := strings.Cut(target, "?")
	if !ok || method != "GET" || !strings.HasPrefix(target, "/v1/operations/"+opID.String()+"/replay?") {
		t.Fatalf("transcript opens with %q, want GET /v1/operations/%s/replay?…", lines[0], opID)
	}
	c := e.dial(t, query)
	skip := false
	for i, l := range lines[1:] {
		where := fmt.Sprintf("%s transcript line %d", docPath, i+2)
		switch {
		case l == "< …":
			skip = true
		case strings.HasPrefix(l, "> "):
			c.send(strings.TrimPrefix(l, "> "))
		case strings.HasPrefix(l, "< "):
			var want map[string]any
			if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "< ")), &want); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			for {
				c.read()
				var got map[string]any
				if err := json.Unmarshal(c.raw[len(c.raw)-1], &got); err != nil {
					t.Fatal(err)
				}
				if subset(want, got) {
					skip = false
					break
				}
				if !skip {
					t.Fatalf("%s: got %s\nwant the fields %s", where, c.raw[len(c.raw)-1], l[2:])
				}
			}
		default:
			t.Fatalf("%s: %q is neither a control (>) nor a message (<)", where, l)
		}
	}
	if c.sawSecret() {
		t.Error("B's replay carried A's AMBER+STRICT report")
	}
}

// subset reports whether every field of want has the same value in got.
func subset(want, got map[string]any) bool {
	for k, v := range want {
		if !reflect.DeepEqual(got[k], v) {
			return false
		}
	}
	return true
}
