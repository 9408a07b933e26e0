package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

func readTests() []contractTest {
	return []contractTest{
		{"StreamDirections", testReadStreamDirections},
		{"StreamNotFound", testReadStreamNotFound},
		{"AllDirections", testReadAllDirections},
		{"EmptyStore", testReadEmptyStore},
		{"Head", testHead},
		{"Paging", testPaging},
	}
}

// revisions returns the revisions from..to inclusive, counting down if
// from > to.
func revisions(from, to uint64) []uint64 {
	var r []uint64
	for i := from; ; {
		r = append(r, i)
		switch {
		case i == to:
			return r
		case from < to:
			i++
		default:
			i--
		}
	}
}

// testReadStreamDirections reads one stream forwards and backwards from
// several revisions.
func testReadStreamDirections(t *testing.T, h Harness) {
	s := h.open(t)
	const stream = "directions"
	// Ten events in appends of 1, 2, 3 and 4, interleaved with another stream.
	for i, n := range []int{1, 2, 3, 4} {
		mustAppend(t, s, stream, eventstore.Any(), newEvents(fmt.Sprintf("%s/%d", stream, i), n)...)
		mustAppend(t, s, "directions-other", eventstore.Any(), newEvent("other"))
	}
	ref := mustReadStream(t, s, stream)
	if len(ref) != 10 {
		t.Fatalf("stream has %d events, want 10", len(ref))
	}
	checkChain(t, ref)
	checkIncreasing(t, "stream", ref)
	tests := []struct {
		name  string
		dir   eventstore.Direction
		from  uint64
		limit int
		want  []uint64
	}{
		{"forwards from 0", eventstore.Forwards, 0, 100, revisions(0, 9)},
		{"forwards from 0 limit 1", eventstore.Forwards, 0, 1, []uint64{0}},
		{"forwards from 4 limit 3", eventstore.Forwards, 4, 3, []uint64{4, 5, 6}},
		{"forwards from last", eventstore.Forwards, 9, 5, []uint64{9}},
		{"forwards just past end", eventstore.Forwards, 10, 5, nil},
		{"forwards far past end", eventstore.Forwards, 1000, 5, nil},
		{"backwards from end limit 3", eventstore.Backwards, eventstore.StreamEnd, 3, []uint64{9, 8, 7}},
		{"backwards from end", eventstore.Backwards, eventstore.StreamEnd, 100, revisions(9, 0)},
		{"backwards from last revision", eventstore.Backwards, 9, 2, []uint64{9, 8}},
		{"backwards from 4", eventstore.Backwards, 4, 100, revisions(4, 0)},
		{"backwards from 4 limit 2", eventstore.Backwards, 4, 2, []uint64{4, 3}},
		{"backwards from 0", eventstore.Backwards, 0, 5, []uint64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ReadStream(t.Context(), stream, tc.dir, tc.from, tc.limit)
			if err != nil {
				t.Fatalf("ReadStream(%s, from %d, limit %d): %v", tc.dir, tc.from, tc.limit, err)
			}
			want := make([]eventstore.RecordedEvent, len(tc.want))
			for i, r := range tc.want {
				want[i] = ref[r]
			}
			checkSameEvents(t, fmt.Sprintf("ReadStream(%s, from %d, limit %d)", tc.dir, tc.from, tc.limit), got, want)
		})
	}
}

// testReadStreamNotFound reads streams that were never written.
func testReadStreamNotFound(t *testing.T, h Harness) {
	s := h.open(t)
	checkStreamNotFound(t, s, "never", eventstore.Forwards)
	checkStreamNotFound(t, s, "never", eventstore.Backwards)
	mustAppend(t, s, "never-but-similar", eventstore.NoStream(), newEvent("x"))
	mustAppend(t, s, "neve", eventstore.NoStream(), newEvent("x"))
	checkStreamNotFound(t, s, "never", eventstore.Forwards)
	checkStreamNotFound(t, s, "never", eventstore.Backwards)
}

// testReadAllDirections reads the global log forwards and backwards from
// Start, End and After cursors.
func testReadAllDirections(t *testing.T, h Harness) {
	s := h.open(t)
	for i := range 8 {
		mustAppend(t, s, fmt.Sprintf("all-%d", i%3), eventstore.Any(), newEvents(fmt.Sprintf("all/%d", i), 1+i%3)...)
	}
	all := mustReadAll(t, s)
	if len(all) != 15 {
		t.Fatalf("log holds %d events, want 15", len(all))
	}
	checkIncreasing(t, "ReadAll", all)
	after := func(i int) eventstore.Cursor { return eventstore.After(all[i].Position) }
	reversed := func(evs []eventstore.RecordedEvent) []eventstore.RecordedEvent {
		r := slices.Clone(evs)
		slices.Reverse(r)
		return r
	}
	tests := []struct {
		name  string
		dir   eventstore.Direction
		from  eventstore.Cursor
		limit int
		want  []eventstore.RecordedEvent
	}{
		{"forwards from start", eventstore.Forwards, eventstore.Start, 100, all},
		{"forwards from start limit 5", eventstore.Forwards, eventstore.Start, 5, all[:5]},
		{"forwards after first", eventstore.Forwards, after(0), 3, all[1:4]},
		{"forwards after the fifth", eventstore.Forwards, after(4), 100, all[5:]},
		{"forwards after the last but one", eventstore.Forwards, after(13), 5, all[14:]},
		{"forwards after the last", eventstore.Forwards, after(14), 5, nil},
		{"backwards from end", eventstore.Backwards, eventstore.End, 100, reversed(all)},
		{"backwards from end limit 3", eventstore.Backwards, eventstore.End, 3, reversed(all[12:])},
		{"backwards after the last", eventstore.Backwards, after(14), 2, reversed(all[12:14])},
		{"backwards after the eleventh", eventstore.Backwards, after(10), 4, reversed(all[6:10])},
		{"backwards after the second", eventstore.Backwards, after(1), 100, all[:1]},
		{"backwards after the first", eventstore.Backwards, after(0), 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ReadAll(t.Context(), tc.dir, tc.from, tc.limit)
			if err != nil {
				t.Fatalf("ReadAll(%s, %s, limit %d): %v", tc.dir, tc.from, tc.limit, err)
			}
			checkSameEvents(t, fmt.Sprintf("ReadAll(%s, %s, limit %d)", tc.dir, tc.from, tc.limit), got, tc.want)
		})
	}
}

// testReadEmptyStore reads a store that holds nothing.
func testReadEmptyStore(t *testing.T, h Harness) {
	s := h.open(t)
	for _, read := range []struct {
		dir  eventstore.Direction
		from eventstore.Cursor
	}{{eventstore.Forwards, eventstore.Start}, {eventstore.Backwards, eventstore.End}} {
		got, err := s.ReadAll(t.Context(), read.dir, read.from, 10)
		if err != nil || len(got) != 0 {
			t.Errorf("ReadAll(%s, %s) of an empty store = %d events, %v; want none and no error", read.dir, read.from, len(got), err)
		}
	}
	head, ok, err := s.Head(t.Context())
	if err != nil || ok {
		t.Errorf("Head of an empty store = %s, %t, %v; want ok false and no error", head, ok, err)
	}
}

// testHead checks that Head follows the last event after each append.
func testHead(t *testing.T, h Harness) {
	s := h.open(t)
	for i, n := range []int{1, 3, 1, 2} {
		res := mustAppend(t, s, fmt.Sprintf("head-%d", i%2), eventstore.Any(), newEvents("head", n)...)
		last, err := s.ReadAll(t.Context(), eventstore.Backwards, eventstore.End, 1)
		if err != nil || len(last) != 1 {
			t.Fatalf("ReadAll(backwards, end, 1) = %d events, %v", len(last), err)
		}
		head, ok, err := s.Head(t.Context())
		if err != nil || !ok {
			t.Fatalf("Head after append %d = %s, %t, %v; want ok", i, head, ok, err)
		}
		if head != last[0].Position {
			t.Errorf("Head after append %d = %s, want the last event's position %s", i, head, last[0].Position)
		}
		if res.Position.Less(head) {
			t.Errorf("append %d: Position %s is before the head %s it produced", i, res.Position, head)
		}
	}
}

// testPaging pages through 1,000 events with limit 7, both ways, in the log
// and in one stream.
func testPaging(t *testing.T, h Harness) {
	s := h.open(t)
	const total, limit, stream = 1000, 7, "paged-0"
	rng := rand.New(rand.NewPCG(3, 4))
	var want, wantStream []eventstore.EventData
	for len(want) < total {
		name := fmt.Sprintf("paged-%d", rng.IntN(3))
		evs := newEvents(name, min(1+rng.IntN(9), total-len(want)))
		mustAppend(t, s, name, eventstore.Any(), evs...)
		want = append(want, evs...)
		if name == stream {
			wantStream = append(wantStream, evs...)
		}
	}

	page := func(dir eventstore.Direction, from eventstore.Cursor) []eventstore.RecordedEvent {
		t.Helper()
		var got []eventstore.RecordedEvent
		for range total {
			p, err := s.ReadAll(t.Context(), dir, from, limit)
			if err != nil {
				t.Fatalf("ReadAll(%s, %s, %d): %v", dir, from, limit, err)
			}
			if len(p) > limit {
				t.Fatalf("ReadAll(%s, %s, %d) returned %d events", dir, from, limit, len(p))
			}
			if len(p) == 0 {
				return got
			}
			got = append(got, p...)
			from = eventstore.After(p[len(p)-1].Position)
		}
		t.Fatalf("paging %s did not end after %d pages", dir, total)
		return nil
	}
	forwards := page(eventstore.Forwards, eventstore.Start)
	checkIDs(t, "forwards pages", forwards, want)
	checkIncreasing(t, "forwards pages", forwards)
	backwards := page(eventstore.Backwards, eventstore.End)
	slices.Reverse(backwards)
	checkSameEvents(t, "backwards pages, reversed", backwards, forwards)

	var fwd []eventstore.RecordedEvent
	for next := uint64(0); ; next += limit {
		p, err := s.ReadStream(t.Context(), stream, eventstore.Forwards, next, limit)
		if err != nil {
			t.Fatalf("ReadStream(%s, forwards, %d, %d): %v", stream, next, limit, err)
		}
		fwd = append(fwd, p...)
		if len(p) < limit {
			break
		}
	}
	checkStream(t, fwd, stream, wantStream)
	var bwd []eventstore.RecordedEvent
	for from := eventstore.StreamEnd; ; {
		p, err := s.ReadStream(t.Context(), stream, eventstore.Backwards, from, limit)
		if err != nil {
			t.Fatalf("ReadStream(%s, backwards, %d, %d): %v", stream, from, limit, err)
		}
		bwd = append(bwd, p...)
		if len(p) < limit || p[len(p)-1].Revision == 0 {
			break
		}
		from = p[len(p)-1].Revision - 1
	}
	slices.Reverse(bwd)
	checkSameEvents(t, "stream read backwards in pages, reversed", bwd, fwd)
}
