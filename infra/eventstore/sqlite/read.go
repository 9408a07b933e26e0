package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"github.com/jointops/jointops/infra/eventstore"
)

// maxPrealloc caps the capacity reserved for a read's result up front.
// Reads asking for fewer than minPrealloc events reserve nothing: they are
// mostly a cached aggregate's tail, read before every command and nearly
// always empty.
const (
	maxPrealloc = 4096
	minPrealloc = 256
)

// readStmts are the prepared queries of the read side; database/sql
// prepares each on every pooled connection that runs it.
type readStmts struct {
	streamFwd, streamBwd, streamExists, allFwd, allBwd *sql.Stmt
}

func (r *readStmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, q := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&r.streamFwd, `SELECT ` + eventColumns + ` FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`},
		{&r.streamBwd, `SELECT ` + eventColumns + ` FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`},
		{&r.streamExists, `SELECT 1 FROM events WHERE stream = ? LIMIT 1`},
		{&r.allFwd, `SELECT ` + eventColumns + ` FROM events WHERE seq >= ? ORDER BY seq LIMIT ?`},
		{&r.allBwd, `SELECT ` + eventColumns + ` FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?`},
	} {
		st, err := db.PrepareContext(ctx, q.sql)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q.sql, err)
		}
		*q.dst = st
	}
	return nil
}

func (r *readStmts) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{r.streamFwd, r.streamBwd, r.streamExists, r.allFwd, r.allBwd} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// ReadStream implements eventstore.Reader.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	op := "read stream " + stream
	switch {
	case s.closed.Load():
		return nil, s.errClosed(op)
	case stream == "":
		return nil, fmt.Errorf("%s: %w: empty stream name", op, eventstore.ErrInvalidArgument)
	case limit < 1:
		return nil, fmt.Errorf("%s: %w: limit %d, want ≥ 1", op, eventstore.ErrInvalidArgument, limit)
	}
	st := s.reads.streamFwd
	if dir == eventstore.Backwards {
		st = s.reads.streamBwd
	}
	if dir == eventstore.Forwards && from > 0 && from <= math.MaxInt64 {
		// A warm reader (the command handlers' aggregate cache) mostly asks
		// for the tail after the last revision it has, which is usually
		// empty. Reading from the revision before it as well proves in the
		// same query that the stream exists, sparing the snapshot below.
		evs, err := s.query(ctx, st, limit+1, stream, int64(from-1), limit+1)
		if err != nil {
			return nil, s.readError(op, err)
		}
		if len(evs) > 0 {
			if evs[0].Revision == from-1 {
				evs = evs[1:]
			}
			return evs[:min(len(evs), limit)], nil
		}
	} else {
		evs, err := s.query(ctx, st, limit, stream, clampInt64(from), limit)
		if err != nil {
			return nil, s.readError(op, err)
		}
		if len(evs) > 0 {
			return evs, nil
		}
	}
	// Nothing in range: either the stream is absent or the range lies past
	// its end. Decide on one snapshot, reading the range again, or a stream
	// created in between would come back empty without an error.
	evs, err := s.readStreamSnapshot(ctx, st, stream, from, limit)
	if err != nil && !errors.Is(err, eventstore.ErrStreamNotFound) {
		return nil, s.readError(op, err)
	}
	return evs, err
}

// readStreamSnapshot checks that stream exists and reads the range again,
// both in one read transaction.
func (s *Store) readStreamSnapshot(ctx context.Context, st *sql.Stmt, stream string, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	tx, err := s.rdb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	var one int
	switch err := tx.StmtContext(ctx, s.reads.streamExists).QueryRowContext(ctx, stream).Scan(&one); {
	case errors.Is(err, sql.ErrNoRows):
		return nil, &eventstore.StreamNotFoundError{Stream: stream}
	case err != nil:
		return nil, err
	}
	return s.query(ctx, tx.StmtContext(ctx, st), limit, stream, clampInt64(from), limit)
}

// ReadAll implements eventstore.Reader.
func (s *Store) ReadAll(ctx context.Context, dir eventstore.Direction, from eventstore.Cursor, limit int) ([]eventstore.RecordedEvent, error) {
	op := "read all"
	switch {
	case s.closed.Load():
		return nil, s.errClosed(op)
	case limit < 1:
		return nil, fmt.Errorf("%s: %w: limit %d, want ≥ 1", op, eventstore.ErrInvalidArgument, limit)
	}
	var (
		st    = s.reads.allFwd
		bound uint64
		empty bool
	)
	if dir == eventstore.Backwards {
		st = s.reads.allBwd
		bound, empty = lastBefore(from)
	} else {
		bound, empty = firstAfter(from)
	}
	if empty {
		return nil, nil
	}
	evs, err := s.query(ctx, st, limit, clampInt64(bound), limit)
	if err != nil {
		return nil, s.readError(op, err)
	}
	return evs, nil
}

// Head implements eventstore.Reader. Every acknowledged append is already
// published, so the in-memory head is the log's.
func (s *Store) Head(ctx context.Context) (eventstore.Position, bool, error) {
	if s.closed.Load() {
		return eventstore.Position{}, false, s.errClosed("head")
	}
	if err := ctx.Err(); err != nil {
		return eventstore.Position{}, false, err
	}
	seq := s.ring.last()
	return position(seq), seq > 0, nil
}

// firstAfter returns the smallest sequence number a forwards read from c
// may return; empty means none can.
func firstAfter(c eventstore.Cursor) (seq uint64, empty bool) {
	switch {
	case c.IsStart():
		return 1, false
	case c.IsEnd():
		return 0, true
	}
	p, _ := c.Position()
	// Position n is {n, n}: it follows p if n > p.Commit, or n == p.Commit
	// and n > p.Prepare.
	if p.Prepare < p.Commit {
		return p.Commit, false
	}
	if p.Commit == math.MaxUint64 {
		return 0, true
	}
	return p.Commit + 1, false
}

// lastBefore returns the largest sequence number a backwards read from c
// may return; empty means none can.
func lastBefore(c eventstore.Cursor) (seq uint64, empty bool) {
	switch {
	case c.IsEnd():
		return math.MaxInt64, false
	case c.IsStart():
		return 0, true
	}
	p, _ := c.Position()
	if p.Prepare > p.Commit {
		return p.Commit, p.Commit == 0
	}
	return p.Commit - 1, p.Commit <= 1
}

// query runs a prepared event query and scans all its rows.
func (s *Store) query(ctx context.Context, st *sql.Stmt, limit int, args ...any) ([]eventstore.RecordedEvent, error) {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var dst []eventstore.RecordedEvent
	if limit >= minPrealloc {
		dst = make([]eventstore.RecordedEvent, 0, min(limit, maxPrealloc))
	}
	return scanAll(rows, dst)
}

// scanAll appends every row of rows to dst.
func scanAll(rows *sql.Rows, dst []eventstore.RecordedEvent) ([]eventstore.RecordedEvent, error) {
	sc := newScanner()
	for rows.Next() {
		e, err := sc.scan(rows)
		if err != nil {
			return nil, err
		}
		dst = append(dst, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return dst, nil
}

// readError maps a failed read: ErrClosed if the store was closed under
// it, the context's error as is, anything else wrapped.
func (s *Store) readError(op string, err error) error {
	switch {
	case s.closed.Load():
		return fmt.Errorf("%s: %w", op, errors.Join(eventstore.ErrClosed, err))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// clampInt64 maps a uint64 bound onto SQLite's signed integers.
func clampInt64(v uint64) int64 {
	if v > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(v)
}
