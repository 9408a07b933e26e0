package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func TestAppendRoundTrip(t *testing.T) {
	cfg := testConfig(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	cfg.Clock = func() time.Time { return at }
	s := openTest(t, cfg)

	first := events(3)
	first[1].Metadata = nil
	res := mustAppend(t, s, "op-1", eventstore.NoStream(), first...)
	if want := (eventstore.AppendResult{NextExpectedRevision: 2, Position: position(3)}); res != want {
		t.Fatalf("first append = %+v, want %+v", res, want)
	}
	second := events(2)
	res = mustAppend(t, s, "op-1", eventstore.Exact(2), second...)
	if want := (eventstore.AppendResult{NextExpectedRevision: 4, Position: position(5)}); res != want {
		t.Fatalf("second append = %+v, want %+v", res, want)
	}

	got, err := s.ReadStream(t.Context(), "op-1", eventstore.Forwards, 0, 10)
	if err != nil {
		t.Fatalf("ReadStream: %v", err)
	}
	want := append(first, second...)
	if len(got) != len(want) {
		t.Fatalf("read %d events, want %d", len(got), len(want))
	}
	var prev eventstore.Hash
	for i, e := range got {
		w := want[i]
		if e.ID != w.ID || e.Type != w.Type || e.SchemaVersion != w.SchemaVersion ||
			string(e.Data) != string(w.Data) || string(e.Metadata) != string(w.Metadata) {
			t.Errorf("event %d = %+v, want data of %+v", i, e, w)
		}
		if e.Stream != "op-1" || e.Revision != uint64(i) || e.Position != position(uint64(i+1)) {
			t.Errorf("event %d at %s/%d %s, want op-1/%d %s", i, e.Stream, e.Revision, e.Position, i, position(uint64(i+1)))
		}
		if !e.RecordedAt.Equal(at) || e.RecordedAt.Location() != time.UTC {
			t.Errorf("event %d recorded at %v, want %v UTC", i, e.RecordedAt, at)
		}
		if link := eventstore.ChainLink(prev, "op-1", uint64(i), w); e.Hash != link {
			t.Errorf("event %d hash %s, want %s", i, e.Hash, link)
		}
		prev = e.Hash
	}
	if got[1].Metadata != nil {
		t.Errorf("empty metadata read back as %q, want nil", got[1].Metadata)
	}
}

func TestAppendCopiesCallerBytes(t *testing.T) {
	s := newTestStore(t)
	sub, err := s.SubscribeAll(t.Context(), eventstore.Start, eventstore.Filter{})
	if err != nil {
		t.Fatalf("SubscribeAll: %v", err)
	}
	defer sub.Close()
	e := event("test.happened", 1)
	mustAppend(t, s, "s", eventstore.Any(), e)
	e.Data[0] = 'X' // the caller reuses its buffer after Append returned
	got, err := sub.Next(ctxTimeout(t, 5*time.Second))
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	if string(got.Data) != `{"n":1}` {
		t.Fatalf("delivered data %q, want the bytes as appended", got.Data)
	}
}

func TestAppendExpectedRevision(t *testing.T) {
	tests := []struct {
		name     string
		existing int // events already in the stream
		expected eventstore.ExpectedRevision
		ok       bool
		actual   eventstore.StreamState
	}{
		{name: "any on absent stream", existing: 0, expected: eventstore.Any(), ok: true},
		{name: "any on existing stream", existing: 2, expected: eventstore.Any(), ok: true},
		{name: "no stream on absent stream", existing: 0, expected: eventstore.NoStream(), ok: true},
		{name: "no stream on existing stream", existing: 2, expected: eventstore.NoStream(), actual: eventstore.StreamState{Exists: true, Revision: 1}},
		{name: "stream exists on existing stream", existing: 1, expected: eventstore.StreamExists(), ok: true},
		{name: "stream exists on absent stream", existing: 0, expected: eventstore.StreamExists(), actual: eventstore.StreamState{}},
		{name: "exact last revision", existing: 3, expected: eventstore.Exact(2), ok: true},
		{name: "exact stale revision", existing: 3, expected: eventstore.Exact(1), actual: eventstore.StreamState{Exists: true, Revision: 2}},
		{name: "exact on absent stream", existing: 0, expected: eventstore.Exact(0), actual: eventstore.StreamState{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			if tt.existing > 0 {
				mustAppend(t, s, "s", eventstore.NoStream(), events(tt.existing)...)
			}
			res, err := s.Append(t.Context(), "s", tt.expected, event("test.more", 0))
			n := len(readAll(t, s))
			if tt.ok {
				if err != nil {
					t.Fatalf("Append: %v", err)
				}
				if res.NextExpectedRevision != uint64(tt.existing) || n != tt.existing+1 {
					t.Fatalf("result %+v with %d events stored, want revision %d and %d events", res, n, tt.existing, tt.existing+1)
				}
				return
			}
			var wrong *eventstore.WrongExpectedRevisionError
			if !errors.As(err, &wrong) || !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
				t.Fatalf("Append error = %v, want *WrongExpectedRevisionError", err)
			}
			if wrong.Stream != "s" || wrong.Expected != tt.expected || wrong.Actual != tt.actual {
				t.Fatalf("error %+v, want stream s, expected %s, actual %s", wrong, tt.expected, tt.actual)
			}
			if n != tt.existing {
				t.Fatalf("%d events stored after a failed append, want %d", n, tt.existing)
			}
		})
	}
}

func TestAppendEmpty(t *testing.T) {
	s := newTestStore(t)
	res, err := s.Append(t.Context(), "s", eventstore.NoStream())
	if err != nil || res != (eventstore.AppendResult{}) {
		t.Fatalf("empty append to absent stream = %+v, %v; want zero result", res, err)
	}
	mustAppend(t, s, "other", eventstore.Any(), events(2)...)
	mustAppend(t, s, "s", eventstore.Any(), events(2)...)
	res, err = s.Append(t.Context(), "s", eventstore.Exact(1))
	if want := (eventstore.AppendResult{NextExpectedRevision: 1, Position: position(4)}); err != nil || res != want {
		t.Fatalf("empty append = %+v, %v; want %+v", res, err, want)
	}
	if _, err := s.Append(t.Context(), "s", eventstore.NoStream()); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("empty append with failing condition: %v, want ErrWrongExpectedRevision", err)
	}
	if st := s.Stats(); st.Commits != 2 {
		t.Fatalf("%d commits, want 2: empty appends must not write", st.Commits)
	}
}

func TestAppendIdempotency(t *testing.T) {
	tests := []struct {
		name string
		// run appends to a store that holds stream "s" with events a (0..2)
		// then b (3..4), and "t" with c (0), and returns the retry's outcome.
		run     func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error)
		want    eventstore.AppendResult
		wantErr error
	}{
		{
			name: "retry of the last append",
			run: func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error) {
				return s.Append(t.Context(), "s", eventstore.Exact(2), b...)
			},
			want: eventstore.AppendResult{NextExpectedRevision: 4, Position: position(6)},
		},
		{
			name: "retry of an earlier append with a stale condition",
			run: func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error) {
				return s.Append(t.Context(), "s", eventstore.NoStream(), a...)
			},
			want: eventstore.AppendResult{NextExpectedRevision: 2, Position: position(3)},
		},
		{
			name: "old and new ids mixed",
			run: func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error) {
				return s.Append(t.Context(), "s", eventstore.Any(), b[1], event("test.new", 9))
			},
			wantErr: eventstore.ErrDuplicateEventID,
		},
		{
			name: "ids of another stream",
			run: func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error) {
				return s.Append(t.Context(), "s", eventstore.Any(), c...)
			},
			wantErr: eventstore.ErrDuplicateEventID,
		},
		{
			name: "stored ids in another order",
			run: func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error) {
				return s.Append(t.Context(), "s", eventstore.Any(), b[1], b[0])
			},
			wantErr: eventstore.ErrDuplicateEventID,
		},
		{
			name: "retry after reopen",
			run: func(t *testing.T, s *Store, a, b, c []eventstore.EventData) (eventstore.AppendResult, error) {
				if err := s.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				r := openTest(t, Config{Path: s.cfg.Path, Logger: s.cfg.Logger})
				return r.Append(t.Context(), "s", eventstore.Exact(0), b...)
			},
			want: eventstore.AppendResult{NextExpectedRevision: 4, Position: position(6)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			a, b, c := events(3), events(2), events(1)
			mustAppend(t, s, "s", eventstore.NoStream(), a...)
			mustAppend(t, s, "t", eventstore.NoStream(), c...)
			mustAppend(t, s, "s", eventstore.Exact(2), b...)
			res, err := tt.run(t, s, a, b, c)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error = %v, want %v", err, tt.wantErr)
				}
			} else if err != nil || res != tt.want {
				t.Fatalf("retry = %+v, %v; want %+v", res, err, tt.want)
			}
			if s.closed.Load() {
				return
			}
			if n := len(readAll(t, s)); n != 6 {
				t.Fatalf("%d events stored, want 6: nothing appended", n)
			}
		})
	}
}

func TestAppendInvalidArgument(t *testing.T) {
	nilID := event("test.x", 0)
	nilID.ID = uuid.UUID{}
	noType := event("", 0)
	noVersion := event("test.x", 0)
	noVersion.SchemaVersion = 0
	twice := event("test.x", 0)
	tests := []struct {
		name   string
		stream string
		events []eventstore.EventData
	}{
		{"empty stream", "", events(1)},
		{"system stream", "$all", events(1)},
		{"nil id", "s", []eventstore.EventData{nilID}},
		{"empty type", "s", []eventstore.EventData{noType}},
		{"schema version 0", "s", []eventstore.EventData{noVersion}},
		{"same id twice", "s", []eventstore.EventData{twice, twice}},
	}
	s := newTestStore(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Append(t.Context(), tt.stream, eventstore.Any(), tt.events...); !errors.Is(err, eventstore.ErrInvalidArgument) {
				t.Fatalf("Append = %v, want ErrInvalidArgument", err)
			}
		})
	}
	if n := len(readAll(t, s)); n != 0 {
		t.Fatalf("%d events stored, want none", n)
	}
}

func TestAppendCancelled(t *testing.T) {
	t.Run("before the call", func(t *testing.T) {
		s := newTestStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.Append(ctx, "s", eventstore.Any(), events(2)...); !errors.Is(err, context.Canceled) {
			t.Fatalf("Append = %v, want context.Canceled", err)
		}
		if n := len(readAll(t, s)); n != 0 {
			t.Fatalf("%d events stored, want none", n)
		}
	})
	t.Run("while queued", func(t *testing.T) {
		s := newTestStore(t)
		release := holdWriteLock(t, s.cfg.Path)
		blocked := make(chan error, 1)
		go func() {
			_, err := s.Append(t.Context(), "first", eventstore.Any(), events(1)...)
			blocked <- err
		}()
		// The writer has taken "first" and waits for the lock; the next
		// append waits in the queue.
		waitFor(t, "the writer to take the first append", func() bool { return s.Stats().Batches == 1 })
		ctx, cancel := context.WithCancel(t.Context())
		queued := make(chan error, 1)
		go func() {
			_, err := s.Append(ctx, "second", eventstore.Any(), events(1)...)
			queued <- err
		}()
		waitFor(t, "the second append to queue", func() bool { return len(s.reqs) == 1 })
		cancel()
		if err := <-queued; !errors.Is(err, context.Canceled) {
			t.Fatalf("queued Append = %v, want context.Canceled", err)
		}
		release()
		if err := <-blocked; err != nil {
			t.Fatalf("first Append: %v", err)
		}
		mustAppend(t, s, "third", eventstore.Any(), events(1)...)
		got := readAll(t, s)
		if len(got) != 2 || got[0].Stream != "first" || got[1].Stream != "third" {
			t.Fatalf("stored %v, want first and third only", streamsOf(got))
		}
	})
}

func TestCloseDuringAppends(t *testing.T) {
	cfg := testConfig(t)
	s := openTest(t, cfg)
	type ack struct {
		id  uuid.UUID
		err error
	}
	acks := make(chan ack, 1000)
	for range 8 {
		go func() {
			for i := range 1000 / 8 {
				e := event("test.x", i)
				_, err := s.Append(t.Context(), "s", eventstore.Any(), e)
				acks <- ack{e.ID, err}
			}
		}()
	}
	waitFor(t, "some appends", func() bool { return s.Stats().Events >= 50 })
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	var acked []uuid.UUID
	for range 1000 {
		a := <-acks
		switch {
		case a.err == nil:
			acked = append(acked, a.id)
		case !errors.Is(a.err, eventstore.ErrClosed):
			t.Fatalf("Append during Close = %v, want success or ErrClosed", a.err)
		}
	}
	r := openTest(t, Config{Path: cfg.Path, Logger: cfg.Logger})
	stored := make(map[uuid.UUID]bool)
	for _, e := range readAll(t, r) {
		stored[e.ID] = true
	}
	for _, id := range acked {
		if !stored[id] {
			t.Fatalf("acknowledged event %s missing after reopen", id)
		}
	}
	if len(stored) != len(acked) {
		t.Fatalf("%d events stored, %d acknowledged", len(stored), len(acked))
	}
}

// holdWriteLock takes the file's write lock from another connection until
// the returned function is called, so the writer blocks in BEGIN.
func holdWriteLock(t *testing.T, path string) (release func()) {
	t.Helper()
	db := rawDB(t, path)
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatalf("raw conn: %v", err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take write lock: %v", err)
	}
	released := false
	release = func() {
		if released {
			return
		}
		released = true
		if _, err := conn.ExecContext(context.WithoutCancel(t.Context()), "ROLLBACK"); err != nil {
			t.Errorf("release write lock: %v", err)
		}
		_ = conn.Close()
	}
	t.Cleanup(release)
	return release
}

func streamsOf(evs []eventstore.RecordedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Stream
	}
	return out
}
