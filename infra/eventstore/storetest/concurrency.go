package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func concurrencyTests() []contractTest {
	return []contractTest{
		{"ConflictingWriters", testConflictingWriters},
		{"ConcurrentRetries", testConcurrentRetries},
	}
}

// currentCondition reads the stream's last revision and returns the
// condition that appends right after it.
func currentCondition(ctx context.Context, s eventstore.Reader, stream string) (eventstore.ExpectedRevision, error) {
	evs, err := s.ReadStream(ctx, stream, eventstore.Backwards, eventstore.StreamEnd, 1)
	switch {
	case errors.Is(err, eventstore.ErrStreamNotFound):
		return eventstore.NoStream(), nil
	case err != nil:
		return eventstore.ExpectedRevision{}, fmt.Errorf("read head of %s: %w", stream, err)
	case len(evs) != 1:
		return eventstore.ExpectedRevision{}, fmt.Errorf("read head of %s: %d events, want 1", stream, len(evs))
	}
	return eventstore.Exact(evs[0].Revision), nil
}

// checkConflict returns why a conflict reported for an append with expected
// to stream is wrong, or nil: the stream must have moved past expected.
func checkConflict(err error, stream string, expected eventstore.ExpectedRevision) error {
	var wrong *eventstore.WrongExpectedRevisionError
	if !errors.As(err, &wrong) || !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		return fmt.Errorf("append with %s: %w (want a *WrongExpectedRevisionError)", expected, err)
	}
	n, exact := expected.Exact()
	switch {
	case wrong.Stream != stream:
		return fmt.Errorf("conflict names stream %q, want %q", wrong.Stream, stream)
	case wrong.Expected != expected:
		return fmt.Errorf("conflict carries expected %s, want %s", wrong.Expected, expected)
	case !wrong.Actual.Exists:
		return fmt.Errorf("conflict for expected %s says the stream is absent, but it was read before", expected)
	case exact && wrong.Actual.Revision <= n:
		return fmt.Errorf("conflict for expected %s says actual %s: a revision cannot go back or lose to itself", expected, wrong.Actual)
	}
	return nil
}

// testConflictingWriters lets writers race for every revision of one stream
// with Exact conditions: one wins each revision, losers read and retry.
func testConflictingWriters(t *testing.T, h Harness) {
	s := h.open(t)
	ctx := t.Context()
	const stream = "contended"
	writers, perWriter := 8, h.scaled(25, 5)
	total := writers * perWriter

	type win struct {
		revision uint64
		id       uuid.UUID
		writer   int
	}
	var (
		mu        sync.Mutex
		wins      []win
		conflicts int
		problems  []error
	)
	report := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, err)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			for i := range perWriter {
				ev := newEvent(fmt.Sprintf("writer-%d/%d", w, i))
				for attempt := 0; ; attempt++ {
					// Each loss means another append won, so no writer can
					// lose more often than there are appends in total.
					if attempt > total {
						report(fmt.Errorf("writer %d lost %d times in a row", w, attempt))
						return
					}
					expected, err := currentCondition(ctx, s, stream)
					if err != nil {
						report(err)
						return
					}
					res, err := s.Append(ctx, stream, expected, ev)
					if err == nil {
						mu.Lock()
						wins = append(wins, win{res.NextExpectedRevision, ev.ID, w})
						mu.Unlock()
						break
					}
					if err := checkConflict(err, stream, expected); err != nil {
						report(fmt.Errorf("writer %d: %w", w, err))
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(problems...); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writers × %d appends: %d conflicts", writers, perWriter, conflicts)

	slices.SortFunc(wins, func(a, b win) int { return cmp.Compare(a.revision, b.revision) })
	for i, w := range wins {
		if w.revision != uint64(i) {
			t.Fatalf("wins sorted by revision: #%d is revision %d (writer %d); want exactly one win per revision 0..%d",
				i, w.revision, w.writer, total-1)
		}
	}
	got := mustReadStream(t, s, stream)
	if len(got) != total {
		t.Fatalf("stream has %d events, want %d", len(got), total)
	}
	for i, e := range got {
		if e.Revision != uint64(i) || e.ID != wins[i].id {
			t.Fatalf("event %d: revision %d ID %s; the append acknowledged revision %d for ID %s",
				i, e.Revision, e.ID, wins[i].revision, wins[i].id)
		}
	}
	checkChain(t, got)
	checkIncreasing(t, "contended stream", got)
}

// testConcurrentRetries sends the same append from several goroutines at
// once, like a client retrying while its first attempt is still in flight:
// all get the same result and the events are stored once.
func testConcurrentRetries(t *testing.T, h Harness) {
	tests := []struct {
		name     string
		expected eventstore.ExpectedRevision
	}{
		{"any", eventstore.Any()},
		{"no stream", eventstore.NoStream()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := h.open(t)
			const stream, copies = "retried-concurrently", 6
			events := newEvents(stream, 3)
			results := make([]eventstore.AppendResult, copies)
			errs := make([]error, copies)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range copies {
				wg.Go(func() {
					<-start
					results[i], errs[i] = s.Append(t.Context(), stream, tc.expected, events...)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("copy %d: %v; want the result of the first", i, err)
				} else if results[i] != results[0] && errs[0] == nil {
					t.Errorf("copy %d returned %+v, copy 0 %+v; want the same result", i, results[i], results[0])
				}
			}
			checkStream(t, mustReadStream(t, s, stream), stream, events)
			if n := len(mustReadAll(t, s)); n != len(events) {
				t.Errorf("log holds %d events, want %d", n, len(events))
			}
		})
	}
}
