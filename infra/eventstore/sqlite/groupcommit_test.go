package sqlite

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

// TestGroupCommit queues appends while the writer is blocked, then checks
// that they were committed in one transaction and that each caller got its
// own outcome: conflicts and duplicate IDs fail alone, a retry of a
// batch-mate gets the batch-mate's result.
func TestGroupCommit(t *testing.T) {
	s := newTestStore(t)
	mustAppend(t, s, "existing", eventstore.NoStream(), events(2)...)
	stored := events(1)
	mustAppend(t, s, "other", eventstore.NoStream(), stored...)
	before := s.Stats()

	release := holdWriteLock(t, s.cfg.Path)
	blocker := make(chan error, 1)
	go func() {
		_, err := s.Append(t.Context(), "blocker", eventstore.Any(), events(1)...)
		blocker <- err
	}()
	waitFor(t, "the writer to take the blocking append", func() bool { return s.Stats().Batches == before.Batches+1 })

	shared := events(2)
	type call struct {
		name     string
		stream   string
		expected eventstore.ExpectedRevision
		events   []eventstore.EventData
		want     eventstore.AppendResult
		wantErr  error
	}
	// Positions: 1-2 existing, 3 other, 4 blocker, then the batch from 5.
	calls := []call{
		{name: "new stream", stream: "a", expected: eventstore.NoStream(), events: events(2),
			want: eventstore.AppendResult{NextExpectedRevision: 1, Position: position(6)}},
		{name: "stale exact", stream: "existing", expected: eventstore.Exact(0), events: events(1),
			wantErr: eventstore.ErrWrongExpectedRevision},
		{name: "exact on head", stream: "existing", expected: eventstore.Exact(1), events: events(1),
			want: eventstore.AppendResult{NextExpectedRevision: 2, Position: position(7)}},
		{name: "exact on batch-mate's head", stream: "existing", expected: eventstore.Exact(2), events: events(1),
			want: eventstore.AppendResult{NextExpectedRevision: 3, Position: position(8)}},
		{name: "no stream after batch-mate created it", stream: "a", expected: eventstore.NoStream(), events: events(1),
			wantErr: eventstore.ErrWrongExpectedRevision},
		{name: "id of a stored event of another stream", stream: "b", expected: eventstore.Any(), events: stored,
			wantErr: eventstore.ErrDuplicateEventID},
		{name: "ids first sent by a batch-mate", stream: "c", expected: eventstore.NoStream(), events: shared,
			want: eventstore.AppendResult{NextExpectedRevision: 1, Position: position(10)}},
		{name: "retry of a batch-mate", stream: "c", expected: eventstore.NoStream(), events: shared,
			want: eventstore.AppendResult{NextExpectedRevision: 1, Position: position(10)}},
		{name: "batch-mate's ids in another stream", stream: "d", expected: eventstore.Any(), events: shared[:1],
			wantErr: eventstore.ErrDuplicateEventID},
		{name: "after all that", stream: "a", expected: eventstore.Exact(1), events: events(1),
			want: eventstore.AppendResult{NextExpectedRevision: 2, Position: position(11)}},
	}
	type result struct {
		res eventstore.AppendResult
		err error
	}
	results := make([]chan result, len(calls))
	for i, c := range calls {
		results[i] = make(chan result, 1)
		go func() {
			res, err := s.Append(t.Context(), c.stream, c.expected, c.events...)
			results[i] <- result{res, err}
		}()
		// Queue one at a time so the batch keeps this order.
		waitFor(t, c.name+" to queue", func() bool { return len(s.reqs) == i+1 })
	}
	release()
	if err := <-blocker; err != nil {
		t.Fatalf("blocking append: %v", err)
	}
	for i, c := range calls {
		r := <-results[i]
		if c.wantErr != nil {
			if !errors.Is(r.err, c.wantErr) {
				t.Errorf("%s: error %v, want %v", c.name, r.err, c.wantErr)
			}
			continue
		}
		if r.err != nil || r.res != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.name, r.res, r.err, c.want)
		}
	}
	after := s.Stats()
	if got := after.Batches - before.Batches; got != 2 {
		t.Errorf("%d batches, want 2 (the blocker, then all queued appends)", got)
	}
	if got := after.Commits - before.Commits; got != 2 {
		t.Errorf("%d commits, want 2", got)
	}
	if n := len(readAll(t, s)); n != 11 {
		t.Errorf("%d events stored, want 11", n)
	}
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil || !rep.OK() {
		t.Fatalf("Verify: %+v, %v", rep.Broken, err)
	}
}

// TestGroupCommitFailedTransaction makes a batch's transaction fail and
// checks that every caller of the batch gets the error, nothing is stored,
// and the cached stream heads do not keep the rolled-back state.
func TestGroupCommitFailedTransaction(t *testing.T) {
	s := newTestStore(t)
	mustAppend(t, s, "s", eventstore.NoStream(), events(1)...)
	// A trigger that rejects one stream fails the whole transaction at
	// insert time, after planning has advanced the heads in the overlay.
	db := rawDB(t, s.cfg.Path)
	if _, err := db.ExecContext(t.Context(), `CREATE TRIGGER reject BEFORE INSERT ON events
		WHEN NEW.stream = 'poison' BEGIN SELECT RAISE(ABORT, 'rejected'); END`); err != nil {
		t.Fatalf("create trigger: %v", err)
	}
	before := s.Stats()
	release := holdWriteLock(t, s.cfg.Path)
	blocker := make(chan error, 1)
	go func() {
		_, err := s.Append(t.Context(), "blocker", eventstore.Any(), events(1)...)
		blocker <- err
	}()
	waitFor(t, "the writer to take the blocking append", func() bool { return s.Stats().Batches == before.Batches+1 })
	errs := make(chan error, 2)
	for i, stream := range []string{"s", "poison"} {
		go func() {
			_, err := s.Append(t.Context(), stream, eventstore.Any(), events(1)...)
			errs <- err
		}()
		waitFor(t, stream+" to queue", func() bool { return len(s.reqs) == i+1 })
	}
	release()
	if err := <-blocker; err != nil {
		t.Fatalf("blocking append: %v", err)
	}
	for range 2 {
		if err := <-errs; !errors.Is(err, eventstore.ErrUnavailable) {
			t.Fatalf("append in failed batch = %v, want ErrUnavailable", err)
		}
	}
	if _, err := db.ExecContext(t.Context(), `DROP TRIGGER reject`); err != nil {
		t.Fatalf("drop trigger: %v", err)
	}
	// Revision 1 of s was rolled back: the next append must get it again.
	res := mustAppend(t, s, "s", eventstore.Exact(0), events(1)...)
	if res.NextExpectedRevision != 1 || res.Position != position(3) {
		t.Fatalf("append after rollback = %+v, want revision 1 at position 3", res)
	}
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil || !rep.OK() || rep.Events != 3 {
		t.Fatalf("Verify: %d events, broken %v, %v; want 3 events, ok", rep.Events, rep.Broken, err)
	}
}

// TestHeadCacheEviction appends round-robin to more streams than the head
// cache holds, so heads are evicted and read back from the file all the
// time; conditions and chain links must stay right.
func TestHeadCacheEviction(t *testing.T) {
	cfg := testConfig(t)
	cfg.HeadCacheSize = 3
	s := openTest(t, cfg)
	const streams, rounds = 10, 5
	for r := range rounds {
		for i := range streams {
			exp := eventstore.NoStream()
			if r > 0 {
				exp = eventstore.Exact(uint64(2*r - 1))
			}
			mustAppend(t, s, fmt.Sprintf("s%d", i), exp, events(2)...)
		}
	}
	if n := len(s.w.heads.m); n > cfg.HeadCacheSize {
		t.Fatalf("head cache holds %d streams, want at most %d", n, cfg.HeadCacheSize)
	}
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil || !rep.OK() || rep.Events != streams*rounds*2 {
		t.Fatalf("Verify: %d events, broken %v, %v", rep.Events, rep.Broken, err)
	}
}

// TestRecoversFromForeignWrite has another process write an event behind
// the store's back: the next append fails, the store resynchronises its
// position, later appends land after the foreign event and a live
// subscriber gets every event once, the foreign one read from the file.
func TestRecoversFromForeignWrite(t *testing.T) {
	s := newTestStore(t)
	mustAppend(t, s, "s", eventstore.NoStream(), events(2)...)
	sub := subscribe(t, s, eventstore.Start, eventstore.Filter{})
	collect(t, sub, 2)

	foreign := event("test.foreign", 0)
	link := eventstore.ChainLink(eventstore.Hash{}, "x", 0, foreign)
	if _, err := rawDB(t, s.cfg.Path).ExecContext(t.Context(), `INSERT INTO events
		(seq, stream, revision, id, type, schema_version, data, metadata, recorded_at, hash)
		VALUES (3, 'x', 0, ?, ?, 1, ?, ?, 0, ?)`, foreign.ID[:], foreign.Type, foreign.Data, foreign.Metadata, link[:]); err != nil {
		t.Fatalf("foreign insert: %v", err)
	}
	if res, err := s.Append(t.Context(), "s", eventstore.Exact(1), events(1)...); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("append over the foreign event = %+v, %v, want ErrUnavailable", res, err)
	}
	if res := mustAppend(t, s, "s", eventstore.Exact(1), events(1)...); res.Position != position(4) {
		t.Fatalf("next append at %s, want 4/4", res.Position)
	}
	got := collect(t, sub, 2)
	if got[0].ID != foreign.ID || got[1].Position != position(4) {
		t.Fatalf("subscriber got %v then %s, want the foreign event then 4/4", got[0].ID, got[1].Position)
	}
	if rep, err := eventstore.Verify(t.Context(), s); err != nil || !rep.OK() || rep.Events != 4 {
		t.Fatalf("Verify: %d events, broken %v, %v", rep.Events, rep.Broken, err)
	}
}
