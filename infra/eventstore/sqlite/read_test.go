package sqlite

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

// seqs returns the global positions (as sequence numbers) of evs.
func seqs(evs []eventstore.RecordedEvent) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.Position.Commit
	}
	return out
}

func TestReadStream(t *testing.T) {
	s := newTestStore(t)
	// a gets positions 1, 2, 4, 5, 7; b 3 and 6.
	mustAppend(t, s, "a", eventstore.NoStream(), events(2)...)
	mustAppend(t, s, "b", eventstore.NoStream(), events(1)...)
	mustAppend(t, s, "a", eventstore.Exact(1), events(2)...)
	mustAppend(t, s, "b", eventstore.Exact(0), events(1)...)
	mustAppend(t, s, "a", eventstore.Exact(3), events(1)...)
	tests := []struct {
		name  string
		dir   eventstore.Direction
		from  uint64
		limit int
		want  []uint64 // revisions
	}{
		{"forwards from 0", eventstore.Forwards, 0, 10, []uint64{0, 1, 2, 3, 4}},
		{"forwards from 2 limit 2", eventstore.Forwards, 2, 2, []uint64{2, 3}},
		{"forwards past the end", eventstore.Forwards, 5, 10, []uint64{}},
		{"backwards from end", eventstore.Backwards, eventstore.StreamEnd, 10, []uint64{4, 3, 2, 1, 0}},
		{"backwards from 2", eventstore.Backwards, 2, 10, []uint64{2, 1, 0}},
		{"backwards from past the end limit 2", eventstore.Backwards, 99, 2, []uint64{4, 3}},
		{"forwards from max", eventstore.Forwards, math.MaxUint64, 10, []uint64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ReadStream(t.Context(), "a", tt.dir, tt.from, tt.limit)
			if err != nil {
				t.Fatalf("ReadStream: %v", err)
			}
			revs := make([]uint64, len(got))
			for i, e := range got {
				revs[i] = e.Revision
				if e.Stream != "a" {
					t.Fatalf("event of stream %s in a", e.Stream)
				}
			}
			if !slices.Equal(revs, tt.want) {
				t.Fatalf("revisions %v, want %v", revs, tt.want)
			}
		})
	}
	t.Run("missing stream", func(t *testing.T) {
		_, err := s.ReadStream(t.Context(), "nope", eventstore.Forwards, 0, 10)
		var nf *eventstore.StreamNotFoundError
		if !errors.As(err, &nf) || nf.Stream != "nope" || !errors.Is(err, eventstore.ErrStreamNotFound) {
			t.Fatalf("ReadStream(nope) = %v, want *StreamNotFoundError for nope", err)
		}
	})
	t.Run("bad limit", func(t *testing.T) {
		if _, err := s.ReadStream(t.Context(), "a", eventstore.Forwards, 0, 0); !errors.Is(err, eventstore.ErrInvalidArgument) {
			t.Fatalf("limit 0: %v, want ErrInvalidArgument", err)
		}
	})
}

func TestReadAll(t *testing.T) {
	s := newTestStore(t)
	if got, err := s.ReadAll(t.Context(), eventstore.Forwards, eventstore.Start, 10); err != nil || len(got) != 0 {
		t.Fatalf("ReadAll of empty log = %d events, %v", len(got), err)
	}
	if _, ok, err := s.Head(t.Context()); ok || err != nil {
		t.Fatalf("Head of empty log: ok %t, %v", ok, err)
	}
	for _, n := range []int{1, 2, 1, 2, 1, 1} {
		mustAppend(t, s, "s", eventstore.Any(), events(n)...)
	}
	// 8 events at positions 1..8.
	odd := func(c, p uint64) eventstore.Cursor {
		return eventstore.After(eventstore.Position{Commit: c, Prepare: p})
	}
	tests := []struct {
		name  string
		dir   eventstore.Direction
		from  eventstore.Cursor
		limit int
		want  []uint64
	}{
		{"forwards from start", eventstore.Forwards, eventstore.Start, 3, []uint64{1, 2, 3}},
		{"forwards after 3", eventstore.Forwards, eventstore.After(position(3)), 3, []uint64{4, 5, 6}},
		{"forwards after the head", eventstore.Forwards, eventstore.After(position(8)), 3, []uint64{}},
		{"forwards from end", eventstore.Forwards, eventstore.End, 3, []uint64{}},
		{"forwards after a position between 3 and 4", eventstore.Forwards, odd(4, 0), 2, []uint64{4, 5}},
		{"forwards after a position between 4 and 5", eventstore.Forwards, odd(4, 9), 2, []uint64{5, 6}},
		{"backwards from end", eventstore.Backwards, eventstore.End, 3, []uint64{8, 7, 6}},
		{"backwards after 3", eventstore.Backwards, eventstore.After(position(3)), 5, []uint64{2, 1}},
		{"backwards after 1", eventstore.Backwards, eventstore.After(position(1)), 5, []uint64{}},
		{"backwards from start", eventstore.Backwards, eventstore.Start, 5, []uint64{}},
		{"backwards after a position between 4 and 5", eventstore.Backwards, odd(4, 9), 2, []uint64{4, 3}},
		{"backwards after a position past the head", eventstore.Backwards, odd(math.MaxUint64, 0), 2, []uint64{8, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ReadAll(t.Context(), tt.dir, tt.from, tt.limit)
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if !slices.Equal(seqs(got), tt.want) {
				t.Fatalf("positions %v, want %v", seqs(got), tt.want)
			}
		})
	}
	if p, ok, err := s.Head(t.Context()); !ok || err != nil || p != position(8) {
		t.Fatalf("Head = %s, %t, %v; want 8/8", p, ok, err)
	}
	if _, err := s.ReadAll(t.Context(), eventstore.Forwards, eventstore.Start, 0); !errors.Is(err, eventstore.ErrInvalidArgument) {
		t.Fatalf("limit 0: %v, want ErrInvalidArgument", err)
	}
}

func TestReadLargePayloads(t *testing.T) {
	s := newTestStore(t)
	sizes := []int{0, 1, arenaChunk/4 - 1, arenaChunk / 4, arenaChunk/4 + 1, arenaChunk, 3 * arenaChunk}
	var want []eventstore.EventData
	for i, n := range sizes {
		e := event("test.blob", i)
		e.Data = make([]byte, n)
		for j := range e.Data {
			e.Data[j] = byte(i + j)
		}
		want = append(want, e)
	}
	mustAppend(t, s, "blobs", eventstore.NoStream(), want...)
	got := readAll(t, s)
	for i := range want {
		if string(got[i].Data) != string(want[i].Data) {
			t.Fatalf("payload of %d bytes read back as %d different bytes", len(want[i].Data), len(got[i].Data))
		}
		if cap(got[i].Data) != len(got[i].Data) {
			t.Fatalf("payload %d has spare capacity %d: appending to it would overwrite its neighbour", i, cap(got[i].Data))
		}
	}
}
