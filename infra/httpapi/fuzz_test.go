package httpapi

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
)

// FuzzDecodeCommand drives the decoding and validation path of command
// bodies — JSON decoding, the wire types and the building of domain values —
// with arbitrary bytes. Whatever comes in, it must not panic, every refusal
// must be a client error (4xx, never 500), and whatever it accepts must hold
// valid values only.
func FuzzDecodeCommand(f *testing.F) {
	seeds := []string{
		mustJSON(positionReport(uuid.MustParse("7d3c1e2a-9b8f-4c6d-8e5f-1a2b3c4d5e6f"), t0, 47.6, 13.1)),
		`{"command_id":"7d3c1e2a-9b8f-4c6d-8e5f-1a2b3c4d5e6f","occurred_at":"2026-11-28T10:00:00Z","point":{"lat":1e999,"lon":0}}`,
		`{"command_id":"","occurred_at":"9999-12-31T23:59:59Z","marking":{"tlp":"RED","releasable_to":{"agencies":["x"],"states":["de"]}}}`,
		`{"id":"0e000000-0000-4000-8000-000000000001","area":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"period":{"start":"2026-11-28T00:00:00Z","end":"2026-11-27T00:00:00Z"}}`,
		`{"objective":"x","window":{"start":"2026-11-28T00:00:00Z","end":"2026-11-29T00:00:00Z"},"revision":-1}`,
		`{"to":{"person":"","agency":"00000000-0000-0000-0000-000000000000"},"notified":[{}],"effective_at":"0001-01-01T00:00:00Z"}`,
		"{\"text\":\"\xff\"}", `[]`, `{"a":1}{"a":2}`, ``,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		decoders := []func([]byte) (commands.CommandID, any, error){
			decodeWith[positionReportIn](fuzzPath, (*positionReportIn).build),
			decodeWith[proposalIn](fuzzPath, (*proposalIn).build),
			decodeWith[taskIssueIn](fuzzPath, (*taskIssueIn).build),
			decodeWith[transferIn](fuzzPath, (*transferIn).build),
			decodeWith[borderCrossingReportIn](fuzzPath, (*borderCrossingReportIn).build),
			decodeWith[taskAckIn](fuzzPath, (*taskAckIn).build),
		}
		id, in, err := decoders[int(route)%len(decoders)](body)
		if err != nil {
			p, internal := problemFor(err)
			if internal || p.Status < 400 || p.Status >= 500 {
				t.Fatalf("refusal %v mapped to %d (internal=%v)", err, p.Status, internal)
			}
			return
		}
		if id.IsZero() {
			t.Fatal("accepted without a command ID")
		}
		checkAccepted(t, in)
	})
}

// fuzzPath is the request path of every fuzzed route: its IDs are valid,
// so the body alone decides.
var fuzzPath = map[string]string{
	"operation": "0e000000-0000-4000-8000-000000000001",
	"unit":      "2a000000-0000-4000-8000-000000000007",
	"position":  "5e000000-0000-4000-8000-000000000001",
	"task":      "7a000000-0000-4000-8000-000000000001",
}

// decodeWith runs decodeCommand for one body type on a request built from
// raw bytes.
func decodeWith[B any, PB commandBody[B], In any](path map[string]string, build builder[B, In]) func([]byte) (commands.CommandID, any, error) {
	return func(body []byte) (commands.CommandID, any, error) {
		r := httptest.NewRequest("POST", "/fuzz", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		for k, v := range path {
			r.SetPathValue(k, v)
		}
		id, in, err := decodeCommand[B, PB](httptest.NewRecorder(), r, DefaultMaxBodyBytes, build)
		return id, in, err
	}
}

// checkAccepted checks invariants of an accepted input: its times lie in
// the accepted range and every coordinate is a finite number in range.
func checkAccepted(t *testing.T, in any) {
	t.Helper()
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatalf("accepted input does not marshal: %v", err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) ||
				(key == "lat" && math.Abs(x) > 90) || (key == "lon" && math.Abs(x) > 180) {
				t.Fatalf("accepted %s = %v", key, x)
			}
		case string:
			if key == "OccurredAt" {
				at, err := time.Parse(time.RFC3339Nano, x)
				if err != nil || at.Before(minTime) || !at.Before(maxTime) {
					t.Fatalf("accepted occurred_at %q", x)
				}
			}
		}
	}
	walk("", generic)
}

func mustJSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}
