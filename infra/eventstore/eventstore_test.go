package eventstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
)

func TestPositionOrderAndText(t *testing.T) {
	tests := []struct {
		name string
		p, q Position
		want int
	}{
		{"equal", Position{5, 5}, Position{5, 5}, 0},
		{"commit decides", Position{4, 9}, Position{5, 1}, -1},
		{"prepare breaks ties", Position{7, 3}, Position{7, 2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Compare(tt.q); got != tt.want {
				t.Fatalf("Compare = %d, want %d", got, tt.want)
			}
			if got := tt.p.Less(tt.q); got != (tt.want < 0) {
				t.Fatalf("Less = %v", got)
			}
			back, err := ParsePosition(tt.p.String())
			if err != nil || back != tt.p {
				t.Fatalf("round trip of %s = %v, %v", tt.p, back, err)
			}
		})
	}
	for _, bad := range []string{"", "12", "a/1", "1/b", "-1/2", "1/2/3"} {
		if _, err := ParsePosition(bad); err == nil {
			t.Errorf("ParsePosition(%q) accepted", bad)
		}
	}
}

func TestExpectedRevisionSatisfied(t *testing.T) {
	type state struct {
		last   uint64
		exists bool
	}
	absent, at0, at3 := state{0, false}, state{0, true}, state{3, true}
	tests := []struct {
		expected ExpectedRevision
		ok       []state
		fail     []state
	}{
		{Any(), []state{absent, at0, at3}, nil},
		{NoStream(), []state{absent}, []state{at0, at3}},
		{StreamExists(), []state{at0, at3}, []state{absent}},
		{Exact(0), []state{at0}, []state{absent, at3}},
		{Exact(3), []state{at3}, []state{absent, at0}},
	}
	for _, tt := range tests {
		t.Run(tt.expected.String(), func(t *testing.T) {
			for _, s := range tt.ok {
				if !tt.expected.Satisfied(s.last, s.exists) {
					t.Errorf("not satisfied by %+v", s)
				}
			}
			for _, s := range tt.fail {
				if tt.expected.Satisfied(s.last, s.exists) {
					t.Errorf("satisfied by %+v", s)
				}
			}
		})
	}
	if (ExpectedRevision{}) != Any() {
		t.Fatal("zero ExpectedRevision is not Any")
	}
}

func TestFilterMatch(t *testing.T) {
	tests := []struct {
		f      Filter
		stream string
		want   bool
	}{
		{Filter{}, "operation-1", true},
		{Filter{}, "$settings", false},
		{Filter{Stream: "operation-1"}, "operation-1", true},
		{Filter{Stream: "operation-1"}, "operation-10", false},
		{Filter{StreamPrefix: "unitlog-"}, "unitlog-a-b", true},
		{Filter{StreamPrefix: "unitlog-"}, "operation-1", false},
		{Filter{StreamPrefix: "$"}, "$all", false},
	}
	for _, tt := range tests {
		if got := tt.f.Match(tt.stream); got != tt.want {
			t.Errorf("%+v.Match(%q) = %v, want %v", tt.f, tt.stream, got, tt.want)
		}
	}
}

func TestChainLinkCoversEveryField(t *testing.T) {
	base := EventData{ID: uuid.MustParse("0b6f5a0e-8f3c-4d7a-9a51-1d2f1c7e9b01"), Type: "t", SchemaVersion: 1, Data: []byte("ab"), Metadata: []byte("m")}
	prev := Hash{1}
	h := ChainLink(prev, "s", 4, base)
	if h != ChainLink(prev, "s", 4, base) {
		t.Fatal("chain link is not deterministic")
	}
	variants := map[string]func() Hash{
		"prev":     func() Hash { return ChainLink(Hash{2}, "s", 4, base) },
		"stream":   func() Hash { return ChainLink(prev, "s2", 4, base) },
		"revision": func() Hash { return ChainLink(prev, "s", 5, base) },
		"id":       func() Hash { e := base; e.ID = uuid.New(); return ChainLink(prev, "s", 4, e) },
		"type":     func() Hash { e := base; e.Type = "u"; return ChainLink(prev, "s", 4, e) },
		"version":  func() Hash { e := base; e.SchemaVersion = 2; return ChainLink(prev, "s", 4, e) },
		"data":     func() Hash { e := base; e.Data = []byte("ac"); return ChainLink(prev, "s", 4, e) },
		"metadata": func() Hash { e := base; e.Metadata = nil; return ChainLink(prev, "s", 4, e) },
		// Length prefixes keep a byte moving from data to metadata visible.
		"boundary": func() Hash {
			e := base
			e.Data = []byte("a")
			e.Metadata = []byte("bm")
			return ChainLink(prev, "s", 4, e)
		},
	}
	for name, f := range variants {
		if f() == h {
			t.Errorf("changing %s does not change the link", name)
		}
	}
	back, err := ParseHash(h.String())
	if err != nil || back != h {
		t.Fatalf("hash round trip: %v %v", back, err)
	}
}

func TestValidateAppend(t *testing.T) {
	ok := EventData{ID: uuid.New(), Type: "t", SchemaVersion: 1}
	dup := ok
	tests := []struct {
		name   string
		stream string
		events []EventData
		valid  bool
	}{
		{"fine", "s", []EventData{ok}, true},
		{"no events", "s", nil, true},
		{"empty stream", "", []EventData{ok}, false},
		{"system stream", "$all", []EventData{ok}, false},
		{"invalid utf-8 stream", "s\xff", []EventData{ok}, false},
		{"nil id", "s", []EventData{{Type: "t", SchemaVersion: 1}}, false},
		{"empty type", "s", []EventData{{ID: uuid.New(), SchemaVersion: 1}}, false},
		{"version 0", "s", []EventData{{ID: uuid.New(), Type: "t"}}, false},
		{"id twice", "s", []EventData{ok, dup}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateAppend(tt.stream, tt.events)
			if tt.valid != (err == nil) {
				t.Fatalf("err = %v, want valid=%v", err, tt.valid)
			}
			if err != nil && !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("err %v is not ErrInvalidArgument", err)
			}
		})
	}
}

func TestTypedErrors(t *testing.T) {
	var err error = fmt.Errorf("wrapped: %w", &WrongExpectedRevisionError{Stream: "s", Expected: Exact(2), Actual: StreamState{Exists: true, Revision: 5}})
	var w *WrongExpectedRevisionError
	if !errors.Is(err, ErrWrongExpectedRevision) || !errors.As(err, &w) || w.Actual.Revision != 5 {
		t.Fatalf("wrong expected revision error not matchable: %v", err)
	}
	if got := w.Error(); got != "append to s: wrong expected revision: expected 2, actual 5" {
		t.Fatalf("message %q", got)
	}
	err = fmt.Errorf("read: %w", &StreamNotFoundError{Stream: "x"})
	if !errors.Is(err, ErrStreamNotFound) || errors.Is(err, ErrWrongExpectedRevision) {
		t.Fatalf("stream not found error not matchable: %v", err)
	}
}

func TestCursor(t *testing.T) {
	if !(Cursor{}).IsStart() || !Start.IsStart() || !End.IsEnd() {
		t.Fatal("start/end cursors")
	}
	p := Position{3, 3}
	if got, ok := After(p).Position(); !ok || got != p {
		t.Fatal("After does not carry its position")
	}
	if _, ok := Start.Position(); ok {
		t.Fatal("Start has a position")
	}
}
