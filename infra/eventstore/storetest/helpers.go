package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

const (
	// eventType is the type of the suite's events.
	eventType = "storetest.happened"
	// patience bounds every wait for something the contract says happens
	// promptly; it only matters when an adapter hangs.
	patience = 30 * time.Second
	// clockSlack is how far RecordedAt may stray outside the interval of the
	// Append call that recorded it (clock granularity, a server's clock).
	clockSlack = 2 * time.Second
	// readPage is the page size of the suite's whole-log and whole-stream reads.
	readPage = 1000
)

// newEvent returns an event with a fresh ID and non-empty data and metadata
// that name label.
func newEvent(label string) eventstore.EventData {
	id := uuid.New()
	return eventstore.EventData{
		ID:            id,
		Type:          eventType,
		SchemaVersion: 1,
		Data:          fmt.Appendf(nil, `{"label":%q,"id":%q}`, label, id),
		Metadata:      fmt.Appendf(nil, `{"source":"storetest","label":%q}`, label),
	}
}

// newEvents returns n events labelled label/0 … label/n-1.
func newEvents(label string, n int) []eventstore.EventData {
	evs := make([]eventstore.EventData, n)
	for i := range evs {
		evs[i] = newEvent(fmt.Sprintf("%s/%d", label, i))
	}
	return evs
}

// mustAppend appends and fails the test on error.
func mustAppend(t *testing.T, s eventstore.Store, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(t.Context(), stream, expected, events...)
	if err != nil {
		t.Fatalf("Append(%q, expected %s, %d events): %v", stream, expected, len(events), err)
	}
	return res
}

// readStream returns every event of stream, read forwards page by page.
func readStream(ctx context.Context, s eventstore.Reader, stream string) ([]eventstore.RecordedEvent, error) {
	var all []eventstore.RecordedEvent
	for {
		page, err := s.ReadStream(ctx, stream, eventstore.Forwards, uint64(len(all)), readPage)
		if err != nil {
			return all, err
		}
		all = append(all, page...)
		if len(page) < readPage {
			return all, nil
		}
	}
}

// mustReadStream returns every event of stream and fails the test on error.
func mustReadStream(t *testing.T, s eventstore.Reader, stream string) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := readStream(t.Context(), s, stream)
	if err != nil {
		t.Fatalf("ReadStream(%q): %v", stream, err)
	}
	return evs
}

// readAll returns the whole log, read forwards page by page.
func readAll(ctx context.Context, s eventstore.Reader) ([]eventstore.RecordedEvent, error) {
	var all []eventstore.RecordedEvent
	from := eventstore.Start
	for {
		page, err := s.ReadAll(ctx, eventstore.Forwards, from, readPage)
		if err != nil {
			return all, err
		}
		all = append(all, page...)
		if len(page) < readPage {
			return all, nil
		}
		from = eventstore.After(page[len(page)-1].Position)
	}
}

// mustReadAll returns the whole log and fails the test on error.
func mustReadAll(t *testing.T, s eventstore.Reader) []eventstore.RecordedEvent {
	t.Helper()
	evs, err := readAll(t.Context(), s)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	return evs
}

// logState is what "nothing was appended" compares: the head and the last
// event of the log.
type logState struct {
	head   eventstore.Position
	ok     bool
	lastID uuid.UUID
	events int
}

func (l logState) String() string {
	if !l.ok {
		return "empty log"
	}
	return fmt.Sprintf("head %s, last event %s, %d events", l.head, l.lastID, l.events)
}

// stateOf reads the log's head, last event and size.
func stateOf(t *testing.T, s eventstore.Reader) logState {
	t.Helper()
	head, ok, err := s.Head(t.Context())
	if err != nil {
		t.Fatalf("Head: %v", err)
	}
	all := mustReadAll(t, s)
	st := logState{head: head, ok: ok, events: len(all)}
	if len(all) > 0 {
		st.lastID = all[len(all)-1].ID
	}
	return st
}

// checkUnchanged fails the test if the log moved on since before.
func checkUnchanged(t *testing.T, s eventstore.Reader, before logState, what string) {
	t.Helper()
	if now := stateOf(t, s); now != before {
		t.Errorf("%s appended: log was %v, now %v", what, before, now)
	}
}

// checkStreamNotFound fails the test unless reading stream fails with the
// typed stream-not-found error naming it.
func checkStreamNotFound(t *testing.T, s eventstore.Reader, stream string, dir eventstore.Direction) {
	t.Helper()
	from := uint64(0)
	if dir == eventstore.Backwards {
		from = eventstore.StreamEnd
	}
	evs, err := s.ReadStream(t.Context(), stream, dir, from, 10)
	if !errors.Is(err, eventstore.ErrStreamNotFound) {
		t.Errorf("ReadStream(%q, %s) = %d events, %v; want an error that Is ErrStreamNotFound", stream, dir, len(evs), err)
		return
	}
	var nf *eventstore.StreamNotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("ReadStream(%q, %s) error %v (%T) is not a *StreamNotFoundError", stream, dir, err, err)
		return
	}
	if nf.Stream != stream {
		t.Errorf("StreamNotFoundError.Stream = %q, want %q", nf.Stream, stream)
	}
}

// checkWrongRevision fails the test unless err is the typed wrong expected
// revision error with the given stream, condition and actual state.
func checkWrongRevision(t *testing.T, err error, stream string, expected eventstore.ExpectedRevision, actual eventstore.StreamState) {
	t.Helper()
	if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Errorf("Append(%q, expected %s) error = %v; want one that Is ErrWrongExpectedRevision", stream, expected, err)
		return
	}
	var wrong *eventstore.WrongExpectedRevisionError
	if !errors.As(err, &wrong) {
		t.Errorf("Append(%q, expected %s) error %v (%T) is not a *WrongExpectedRevisionError", stream, expected, err, err)
		return
	}
	if wrong.Stream != stream {
		t.Errorf("WrongExpectedRevisionError.Stream = %q, want %q", wrong.Stream, stream)
	}
	if wrong.Expected != expected {
		t.Errorf("WrongExpectedRevisionError.Expected = %s, want %s", wrong.Expected, expected)
	}
	if wrong.Actual != actual {
		t.Errorf("WrongExpectedRevisionError.Actual = %s (exists %t), want %s (exists %t)",
			wrong.Actual, wrong.Actual.Exists, actual, actual.Exists)
	}
}

// checkRecorded fails the test unless got is want as appended at (stream,
// revision).
func checkRecorded(t *testing.T, got eventstore.RecordedEvent, stream string, revision uint64, want eventstore.EventData) {
	t.Helper()
	var diffs []string
	if got.ID != want.ID {
		diffs = append(diffs, fmt.Sprintf("ID %s, want %s", got.ID, want.ID))
	}
	if got.Stream != stream {
		diffs = append(diffs, fmt.Sprintf("Stream %q, want %q", got.Stream, stream))
	}
	if got.Revision != revision {
		diffs = append(diffs, fmt.Sprintf("Revision %d, want %d", got.Revision, revision))
	}
	if got.Type != want.Type {
		diffs = append(diffs, fmt.Sprintf("Type %q, want %q", got.Type, want.Type))
	}
	if got.SchemaVersion != want.SchemaVersion {
		diffs = append(diffs, fmt.Sprintf("SchemaVersion %d, want %d", got.SchemaVersion, want.SchemaVersion))
	}
	if !bytes.Equal(got.Data, want.Data) {
		diffs = append(diffs, fmt.Sprintf("Data %s, want %s", clip(got.Data), clip(want.Data)))
	}
	if !bytes.Equal(got.Metadata, want.Metadata) {
		diffs = append(diffs, fmt.Sprintf("Metadata %s, want %s", clip(got.Metadata), clip(want.Metadata)))
	}
	if got.RecordedAt.IsZero() {
		diffs = append(diffs, "RecordedAt is zero")
	}
	if len(diffs) > 0 {
		t.Errorf("event at %s@%d: %s", stream, revision, strings.Join(diffs, "; "))
	}
}

// checkStream fails the test unless got is exactly want appended to stream
// from revision 0, chained from the zero hash, in increasing positions.
func checkStream(t *testing.T, got []eventstore.RecordedEvent, stream string, want []eventstore.EventData) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("stream %q has %d events, want %d", stream, len(got), len(want))
	}
	for i := range got {
		checkRecorded(t, got[i], stream, uint64(i), want[i])
	}
	checkChain(t, got)
	checkIncreasing(t, "stream "+stream, got)
}

// checkChain fails the test unless the events, one whole stream from
// revision 0, carry the chain links computed from the zero hash.
func checkChain(t *testing.T, events []eventstore.RecordedEvent) {
	t.Helper()
	var prev eventstore.Hash
	for i, e := range events {
		want := eventstore.ChainLink(prev, e.Stream, uint64(i), e.EventData())
		if e.Hash != want {
			t.Errorf("event %s@%d: Hash %s, want ChainLink %s", e.Stream, e.Revision, e.Hash, want)
			return
		}
		prev = e.Hash
	}
}

// checkIncreasing fails the test unless positions strictly increase.
func checkIncreasing(t *testing.T, what string, events []eventstore.RecordedEvent) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		if !events[i-1].Position.Less(events[i].Position) {
			t.Errorf("%s: event %d at %s does not follow event %d at %s",
				what, i, events[i].Position, i-1, events[i-1].Position)
			return
		}
	}
}

// checkRecordedAt fails the test unless every event was recorded during the
// interval [before, after], give or take clockSlack.
func checkRecordedAt(t *testing.T, events []eventstore.RecordedEvent, before, after time.Time) {
	t.Helper()
	lo, hi := before.Add(-clockSlack), after.Add(clockSlack)
	for _, e := range events {
		if e.RecordedAt.Before(lo) || e.RecordedAt.After(hi) {
			t.Errorf("event %s@%d: RecordedAt %s outside the append's interval [%s, %s]",
				e.Stream, e.Revision, e.RecordedAt, before, after)
		}
	}
}

// diffRecorded describes how got differs from want, "" if in nothing.
func diffRecorded(got, want eventstore.RecordedEvent) string {
	var diffs []string
	add := func(field string, g, w any) { diffs = append(diffs, fmt.Sprintf("%s %v, want %v", field, g, w)) }
	if got.ID != want.ID {
		add("ID", got.ID, want.ID)
	}
	if got.Stream != want.Stream {
		add("Stream", got.Stream, want.Stream)
	}
	if got.Revision != want.Revision {
		add("Revision", got.Revision, want.Revision)
	}
	if got.Position != want.Position {
		add("Position", got.Position, want.Position)
	}
	if got.Type != want.Type {
		add("Type", got.Type, want.Type)
	}
	if got.SchemaVersion != want.SchemaVersion {
		add("SchemaVersion", got.SchemaVersion, want.SchemaVersion)
	}
	if !got.RecordedAt.Equal(want.RecordedAt) {
		add("RecordedAt", got.RecordedAt, want.RecordedAt)
	}
	if !bytes.Equal(got.Data, want.Data) {
		add("Data", clip(got.Data), clip(want.Data))
	}
	if !bytes.Equal(got.Metadata, want.Metadata) {
		add("Metadata", clip(got.Metadata), clip(want.Metadata))
	}
	if got.Hash != want.Hash {
		add("Hash", got.Hash, want.Hash)
	}
	return strings.Join(diffs, "; ")
}

// checkSameEvents fails the test unless got and want are the same recorded
// events in the same order, field by field.
func checkSameEvents(t *testing.T, what string, got, want []eventstore.RecordedEvent) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if d := diffRecorded(got[i], want[i]); d != "" {
			t.Errorf("%s: event %d differs: %s", what, i, d)
			return
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d events, want %d", what, len(got), len(want))
	}
}

// checkIDs fails the test unless events carry exactly the IDs of want, in
// order.
func checkIDs(t *testing.T, what string, events []eventstore.RecordedEvent, want []eventstore.EventData) {
	t.Helper()
	for i := range min(len(events), len(want)) {
		if events[i].ID != want[i].ID {
			t.Errorf("%s: event %d is %s (%s@%d), want %s", what, i, events[i].ID, events[i].Stream, events[i].Revision, want[i].ID)
			return
		}
	}
	if len(events) != len(want) {
		t.Errorf("%s: %d events, want %d", what, len(events), len(want))
	}
}

// clip shortens a payload for a failure message.
func clip(b []byte) string {
	const n = 80
	if len(b) <= n {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q… (%d bytes)", b[:n], len(b))
}
