package esdb

import (
	"testing"

	"github.com/google/uuid"
)

func TestRecentIDsForgetsOldestFirst(t *testing.T) {
	r := newRecentIDs(3)
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	r.add("a", ids[:2])
	r.add("b", ids[2:3])
	r.add("a", ids[1:2]) // already known: does not take a second slot
	if s, ok := r.streamOf(ids[1]); !ok || s != "a" {
		t.Fatalf("streamOf(ids[1]) = %q, %v; want a", s, ok)
	}
	r.add("c", ids[3:])
	tests := []struct {
		name   string
		id     uuid.UUID
		stream string
		known  bool
	}{
		{"oldest forgotten", ids[0], "", false},
		{"second kept", ids[1], "a", true},
		{"third kept", ids[2], "b", true},
		{"newest kept", ids[3], "c", true},
		{"never added", uuid.New(), "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := r.streamOf(tc.id)
			if ok != tc.known || s != tc.stream {
				t.Errorf("streamOf = %q, %v; want %q, %v", s, ok, tc.stream, tc.known)
			}
		})
	}
}
