package eventlog

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// randomMetadata returns envelopes of every shape Encode writes: optional
// lateness, person or unit or both, with and without an operation, times
// with and without fractions and offsets.
func randomMetadata(r *rand.Rand) metadata {
	zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -(5*3600 + 30*60))}
	at := func() time.Time {
		t := dt.T0().Add(time.Duration(r.Int64N(int64(90 * 24 * time.Hour))))
		if r.IntN(2) == 0 {
			t = t.Truncate(time.Second)
		}
		return t.In(zones[r.IntN(len(zones))])
	}
	m := metadata{OccurredAt: at(), RecordedAt: at(), Actor: domain.Actor{Agency: dt.Agency(r.Uint64N(9) + 1)},
		CommandID: uuid.New(), CorrelationID: uuid.New()}
	if r.IntN(2) == 0 {
		m.LateByNanos = r.Int64N(int64(48 * time.Hour))
	}
	if r.IntN(2) == 0 {
		m.Actor.Person = dt.Person(r.Uint64N(9) + 1)
	}
	if r.IntN(2) == 0 {
		m.Actor.Unit = dt.Unit(r.Uint64N(9) + 1)
	}
	if r.IntN(2) == 0 {
		m.Operation = dt.Operation(r.Uint64N(9) + 1)
	}
	return m
}

func TestFastMetadataDecodingAgreesWithEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		want := randomMetadata(r)
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := scanMetadata(b)
		if !ok {
			t.Fatalf("fast path refused what Encode writes: %s", b)
		}
		var viaJSON metadata
		if err := json.Unmarshal(b, &viaJSON); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, viaJSON) {
			t.Fatalf("%s\nfast %+v\njson %+v", b, got, viaJSON)
		}
	}
}

func TestOtherMetadataShapesFallBackToEncodingJSON(t *testing.T) {
	canonical, err := json.Marshal(randomMetadata(rand.New(rand.NewPCG(3, 4))))
	if err != nil {
		t.Fatal(err)
	}
	s := string(canonical)
	tests := []struct {
		name  string
		input string
		valid bool // for encoding/json
	}{
		{"spaces", strings.Replace(s, `":`, `": `, 1), true},
		{"another key order", `{"recorded_at":"2025-03-01T09:00:00Z","occurred_at":"2025-03-01T09:00:00Z","actor":{"agency":"00000000-0000-4000-8000-000000000001"},"command_id":"` + uuid.NewString() + `","correlation_id":"` + uuid.NewString() + `"}`, true},
		{"an unknown key", strings.TrimSuffix(s, "}") + `,"schema":2}`, true},
		{"an escape", strings.Replace(s, `"occurred_at"`, `"occurred\u005fat"`, 1), true},
		{"trailing bytes", s + " ", true},
		{"null lateness", strings.Replace(s, `"actor"`, `"late_by_ns":null,"actor"`, 1), true},
		{"leading zero", strings.Replace(s, `"actor"`, `"late_by_ns":01,"actor"`, 1), false},
		{"fractional lateness", strings.Replace(s, `"actor"`, `"late_by_ns":1.5,"actor"`, 1), false},
		{"nil agency", strings.Replace(s, `"agency":"`, `"agency":"00000000-0000-0000-0000-000000000000","x":"`, 1), false},
		{"truncated", s[:len(s)-1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := scanMetadata([]byte(tt.input)); ok {
				t.Fatalf("fast path accepted %s", tt.input)
			}
			got, err := decodeMetadata([]byte(tt.input))
			var want metadata
			wantErr := json.Unmarshal([]byte(tt.input), &want)
			if (wantErr == nil) != tt.valid {
				t.Fatalf("setup: encoding/json says %v", wantErr)
			}
			if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Fatalf("decodeMetadata = %+v, %v; encoding/json = %+v, %v", got, err, want, wantErr)
			}
		})
	}
}

// FuzzScanMetadata: whatever the fast path accepts, encoding/json accepts
// too, with the same result.
func FuzzScanMetadata(f *testing.F) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 8 {
		b, err := json.Marshal(randomMetadata(r))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := scanMetadata(b)
		if !ok {
			return
		}
		var want metadata
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q\nfast %+v\njson %+v", b, got, want)
		}
	})
}

func BenchmarkDecodeMetadata(b *testing.B) {
	m, err := json.Marshal(randomMetadata(rand.New(rand.NewPCG(7, 8))))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			if _, err := decodeMetadata(m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		for b.Loop() {
			var v metadata
			if err := json.Unmarshal(m, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
