package storetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func appendTests() []contractTest {
	return []contractTest{
		{"RoundTrip", testAppendRoundTrip},
		{"ExpectedRevision", testExpectedRevision},
		{"NoEvents", testAppendNoEvents},
		{"IdempotentRetry", testIdempotentRetry},
		{"DuplicateEventID", testDuplicateEventID},
		{"InvalidArgument", testInvalidArgument},
		{"Ordering", testAppendOrdering},
	}
}

// testAppendRoundTrip appends two batches and reads every field back.
func testAppendRoundTrip(t *testing.T, h Harness) {
	s := h.open(t)
	const stream = "order-1"
	first := []eventstore.EventData{
		{ID: uuid.New(), Type: "storetest.created", SchemaVersion: 1, Data: []byte(`{"n":0}`), Metadata: []byte(`{"actor":"a"}`)},
		{ID: uuid.New(), Type: "storetest.renamed", SchemaVersion: 2, Data: []byte(`{"n":1}`)},
		{ID: uuid.New(), Type: "storetest.moved", SchemaVersion: 7, Data: []byte(`{"n":2}`), Metadata: []byte{}},
	}
	second := []eventstore.EventData{
		{ID: uuid.New(), Type: "storetest.binary", SchemaVersion: 1, Data: []byte{0, 1, 2, 0xff, 0xfe}, Metadata: []byte(`{}`)},
		{ID: uuid.New(), Type: "jointops.operation.activated", SchemaVersion: 3, Data: []byte(`{"ünïcode":"✓"}`), Metadata: []byte(`{"corr":"x"}`)},
	}

	before := time.Now()
	r1 := mustAppend(t, s, stream, eventstore.NoStream(), first...)
	r2 := mustAppend(t, s, stream, eventstore.Exact(2), second...)
	after := time.Now()

	if r1.NextExpectedRevision != 2 {
		t.Errorf("first append: NextExpectedRevision = %d, want 2", r1.NextExpectedRevision)
	}
	if r2.NextExpectedRevision != 4 {
		t.Errorf("second append: NextExpectedRevision = %d, want 4", r2.NextExpectedRevision)
	}

	got := mustReadStream(t, s, stream)
	checkStream(t, got, stream, append(append([]eventstore.EventData(nil), first...), second...))
	checkRecordedAt(t, got, before, after)
	if t.Failed() {
		return
	}
	if r1.Position.Less(got[2].Position) || !r1.Position.Less(got[3].Position) {
		t.Errorf("first append: Position %s, want at or after its last event %s and before the next append's first %s",
			r1.Position, got[2].Position, got[3].Position)
	}
	if r2.Position.Less(got[4].Position) {
		t.Errorf("second append: Position %s is before its last event %s", r2.Position, got[4].Position)
	}
	checkSameEvents(t, "ReadAll against ReadStream", mustReadAll(t, s), got)
}

// testExpectedRevision checks every kind of condition against an absent and
// an existing stream.
func testExpectedRevision(t *testing.T, h Harness) {
	s := h.open(t)
	absent := eventstore.StreamState{}
	atTwo := eventstore.StreamState{Exists: true, Revision: 2}
	tests := []struct {
		name     string
		existing bool // the stream holds revisions 0..2 before the append
		expected eventstore.ExpectedRevision
		fails    bool
	}{
		{"any on absent stream", false, eventstore.Any(), false},
		{"any on existing stream", true, eventstore.Any(), false},
		{"no stream on absent stream", false, eventstore.NoStream(), false},
		{"no stream on existing stream", true, eventstore.NoStream(), true},
		{"stream exists on absent stream", false, eventstore.StreamExists(), true},
		{"stream exists on existing stream", true, eventstore.StreamExists(), false},
		{"exact last revision", true, eventstore.Exact(2), false},
		{"exact earlier revision", true, eventstore.Exact(1), true},
		{"exact later revision", true, eventstore.Exact(3), true},
		{"exact 0 on absent stream", false, eventstore.Exact(0), true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stream := fmt.Sprintf("expected-%d", i)
			var seeded []eventstore.EventData
			actual := absent
			if tc.existing {
				seeded = newEvents(stream, 3)
				mustAppend(t, s, stream, eventstore.NoStream(), seeded...)
				actual = atTwo
			}
			before := stateOf(t, s)
			ev := newEvent(stream + "/new")
			res, err := s.Append(t.Context(), stream, tc.expected, ev)

			if tc.fails {
				checkWrongRevision(t, err, stream, tc.expected, actual)
				checkUnchanged(t, s, before, "failed append")
				if tc.existing {
					checkStream(t, mustReadStream(t, s, stream), stream, seeded)
				} else {
					checkStreamNotFound(t, s, stream, eventstore.Forwards)
				}
				return
			}
			if err != nil {
				t.Fatalf("Append(%q, expected %s): %v", stream, tc.expected, err)
			}
			want := append(seeded, ev)
			if res.NextExpectedRevision != uint64(len(want)-1) {
				t.Errorf("NextExpectedRevision = %d, want %d", res.NextExpectedRevision, len(want)-1)
			}
			checkStream(t, mustReadStream(t, s, stream), stream, want)
		})
	}
}

// testAppendNoEvents checks that an empty append only checks the condition.
func testAppendNoEvents(t *testing.T, h Harness) {
	s := h.open(t)
	const stream, missing = "empty-append", "empty-append-missing"
	seeded := newEvents(stream, 3)
	mustAppend(t, s, stream, eventstore.NoStream(), seeded...)
	before := stateOf(t, s)

	res, err := s.Append(t.Context(), stream, eventstore.Exact(2))
	if err != nil {
		t.Errorf("empty Append with the right Exact(2): %v", err)
	} else if res.NextExpectedRevision != 2 {
		t.Errorf("empty Append: NextExpectedRevision = %d, want the current 2", res.NextExpectedRevision)
	}
	_, err = s.Append(t.Context(), stream, eventstore.Exact(1))
	checkWrongRevision(t, err, stream, eventstore.Exact(1), eventstore.StreamState{Exists: true, Revision: 2})
	_, err = s.Append(t.Context(), missing, eventstore.StreamExists())
	checkWrongRevision(t, err, missing, eventstore.StreamExists(), eventstore.StreamState{})
	if _, err := s.Append(t.Context(), missing, eventstore.NoStream()); err != nil {
		t.Errorf("empty Append with NoStream to an absent stream: %v", err)
	}

	checkUnchanged(t, s, before, "empty appends")
	checkStreamNotFound(t, s, missing, eventstore.Forwards)
	checkStream(t, mustReadStream(t, s, stream), stream, seeded)
}

// testIdempotentRetry re-appends event IDs already stored by earlier calls.
func testIdempotentRetry(t *testing.T, h Harness) {
	s := h.open(t)
	const stream = "retried"
	a, b, c := newEvents("a", 2), newEvents("b", 1), newEvents("c", 3)
	ra := mustAppend(t, s, stream, eventstore.NoStream(), a...)

	retry := func(name string, expected eventstore.ExpectedRevision, events []eventstore.EventData, want eventstore.AppendResult) {
		t.Helper()
		before := stateOf(t, s)
		got, err := s.Append(t.Context(), stream, expected, events...)
		if err != nil {
			t.Errorf("%s: retry with expected %s: %v; want the first result", name, expected, err)
			return
		}
		if got != want {
			t.Errorf("%s: retry returned %+v, want the first result %+v", name, got, want)
		}
		checkUnchanged(t, s, before, name)
	}

	retry("retry of the last append with its now stale condition", eventstore.NoStream(), a, ra)
	retry("retry of the last append with Any", eventstore.Any(), a, ra)
	rb := mustAppend(t, s, stream, eventstore.Exact(ra.NextExpectedRevision), b...)
	rc := mustAppend(t, s, stream, eventstore.Exact(rb.NextExpectedRevision), c...)
	retry("retry of the last append with the condition that is true now", eventstore.Exact(rc.NextExpectedRevision), c, rc)
	retry("retry of the last append with its original condition", eventstore.Exact(rb.NextExpectedRevision), c, rc)
	retry("retry of an earlier append after further appends", eventstore.NoStream(), a, ra)
	retry("retry of a middle append with StreamExists", eventstore.StreamExists(), b, rb)

	checkStream(t, mustReadStream(t, s, stream), stream, append(append(append([]eventstore.EventData(nil), a...), b...), c...))
}

// testDuplicateEventID mixes stored and new IDs, and reuses IDs across
// streams.
func testDuplicateEventID(t *testing.T, h Harness) {
	s := h.open(t)
	const stream, other = "dup", "dup-other"
	seeded := newEvents(stream, 3)
	mustAppend(t, s, stream, eventstore.NoStream(), seeded...)
	tests := []struct {
		name     string
		stream   string
		expected eventstore.ExpectedRevision
		events   []eventstore.EventData
	}{
		{"stored then new", stream, eventstore.Any(), []eventstore.EventData{seeded[2], newEvent("new")}},
		{"new then stored", stream, eventstore.Exact(2), []eventstore.EventData{newEvent("new"), seeded[0]}},
		{"stored, not the same append", stream, eventstore.Any(), []eventstore.EventData{seeded[1], seeded[2], newEvent("new")}},
		{"stored ID in another stream", other, eventstore.NoStream(), []eventstore.EventData{seeded[1]}},
		{"stored and new ID in another stream", other, eventstore.Any(), []eventstore.EventData{newEvent("new"), seeded[0]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, s)
			_, err := s.Append(t.Context(), tc.stream, tc.expected, tc.events...)
			if !errors.Is(err, eventstore.ErrDuplicateEventID) {
				t.Errorf("Append(%q, %d events) error = %v; want one that Is ErrDuplicateEventID", tc.stream, len(tc.events), err)
			}
			checkUnchanged(t, s, before, "rejected append")
		})
	}
	checkStream(t, mustReadStream(t, s, stream), stream, seeded)
	checkStreamNotFound(t, s, other, eventstore.Forwards)
}

// testInvalidArgument sends malformed requests.
func testInvalidArgument(t *testing.T, h Harness) {
	s := h.open(t)
	const stream = "valid"
	mustAppend(t, s, stream, eventstore.NoStream(), newEvent("seed"))
	with := func(change func(*eventstore.EventData)) []eventstore.EventData {
		e := newEvent("invalid")
		change(&e)
		return []eventstore.EventData{newEvent("valid"), e}
	}
	twice := newEvent("twice")
	appendTo := func(stream string, events []eventstore.EventData) func(t *testing.T) error {
		return func(t *testing.T) error {
			_, err := s.Append(t.Context(), stream, eventstore.Any(), events...)
			return err
		}
	}
	readStream := func(limit int) func(t *testing.T) error {
		return func(t *testing.T) error {
			_, err := s.ReadStream(t.Context(), stream, eventstore.Forwards, 0, limit)
			return err
		}
	}
	readAll := func(dir eventstore.Direction, limit int) func(t *testing.T) error {
		return func(t *testing.T) error {
			_, err := s.ReadAll(t.Context(), dir, eventstore.Start, limit)
			return err
		}
	}
	tests := []struct {
		name string
		call func(t *testing.T) error
	}{
		{"empty stream name", appendTo("", newEvents("x", 1))},
		{"system stream name", appendTo("$stats", newEvents("x", 1))},
		{"stream name not UTF-8", appendTo("bad-\xff", newEvents("x", 1))},
		{"empty type", appendTo("invalid-type", with(func(e *eventstore.EventData) { e.Type = "" }))},
		{"schema version 0", appendTo("invalid-version", with(func(e *eventstore.EventData) { e.SchemaVersion = 0 }))},
		{"nil event ID", appendTo("invalid-id", with(func(e *eventstore.EventData) { e.ID = uuid.Nil }))},
		{"same ID twice in one append", appendTo("invalid-twice", []eventstore.EventData{twice, newEvent("between"), twice})},
		{"invalid event on existing stream", appendTo(stream, with(func(e *eventstore.EventData) { e.Type = "" }))},
		{"ReadStream limit 0", readStream(0)},
		{"ReadStream limit -1", readStream(-1)},
		{"ReadAll forwards limit 0", readAll(eventstore.Forwards, 0)},
		{"ReadAll backwards limit -1", readAll(eventstore.Backwards, -1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := stateOf(t, s)
			if err := tc.call(t); !errors.Is(err, eventstore.ErrInvalidArgument) {
				t.Errorf("error = %v; want one that Is ErrInvalidArgument", err)
			}
			checkUnchanged(t, s, before, "invalid request")
		})
	}
	for _, name := range []string{"invalid-type", "invalid-version", "invalid-id", "invalid-twice"} {
		checkStreamNotFound(t, s, name, eventstore.Forwards)
	}
}

// testAppendOrdering appends sequentially to several streams and checks that
// the global log has the acknowledgement order, each append contiguous.
func testAppendOrdering(t *testing.T, h Harness) {
	s := h.open(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var (
		want    []eventstore.EventData
		results []eventstore.AppendResult
		sizes   []int
	)
	for i := range 60 {
		stream := fmt.Sprintf("ordering-%d", rng.IntN(5))
		evs := newEvents(fmt.Sprintf("%s/append-%d", stream, i), 1+rng.IntN(4))
		res := mustAppend(t, s, stream, eventstore.Any(), evs...)
		if n := len(results); n > 0 && !results[n-1].Position.Less(res.Position) {
			t.Errorf("append %d acknowledged at %s, not after append %d at %s", i, res.Position, n-1, results[n-1].Position)
		}
		want = append(want, evs...)
		results = append(results, res)
		sizes = append(sizes, len(evs))
	}
	all := mustReadAll(t, s)
	checkIDs(t, "ReadAll in acknowledgement order", all, want)
	checkIncreasing(t, "ReadAll", all)
	if t.Failed() {
		return
	}
	at := 0
	for i, res := range results {
		last := all[at+sizes[i]-1]
		if res.Position.Less(last.Position) {
			t.Errorf("append %d: Position %s is before its last event's %s", i, res.Position, last.Position)
		}
		if i > 0 && !results[i-1].Position.Less(all[at].Position) {
			t.Errorf("append %d: first event at %s is not after append %d's Position %s", i, all[at].Position, i-1, results[i-1].Position)
		}
		if last.Revision != res.NextExpectedRevision {
			t.Errorf("append %d: NextExpectedRevision %d, but its last event has revision %d", i, res.NextExpectedRevision, last.Revision)
		}
		at += sizes[i]
	}
}
