package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// maxIDLookup is the largest number of event IDs looked up by one query.
const maxIDLookup = 512

// writer is the state of the writer goroutine: the one write connection,
// its prepared statements, the committed stream heads and scratch space
// reused from batch to batch. Only the writer goroutine touches it after
// Open.
type writer struct {
	conn         *sql.Conn
	insert       *sql.Stmt
	headOfStream *sql.Stmt
	// idLookups holds "id IN (…)" queries by number of placeholders, a
	// power of two up to maxIDLookup.
	idLookups map[int]*sql.Stmt

	heads *headCache
	// seq is the global position of the last committed event.
	seq uint64
	// uncheckpointed counts events written since the last checkpoint
	// signal, sent at lastCheckpoint.
	uncheckpointed int
	lastCheckpoint time.Time

	// Scratch for one batch.
	outcomes []outcome
	overlay  map[string]head
	known    map[uuid.UUID]loc
	rows     []row
	args     []any
}

// outcome is what the writer answers one request.
type outcome struct {
	req   *appendReq
	res   eventstore.AppendResult
	err   error
	first int // rows[first:first+n] are the request's events to insert
	n     int
}

// loc is where a stored (or, within a batch, planned) event is.
type loc struct {
	stream   string
	rev, seq uint64
}

// row is one event to insert.
type row struct {
	stream string
	rev    uint64
	seq    uint64
	event  *eventstore.EventData
	hash   eventstore.Hash
}

const insertSQL = `INSERT INTO events
	(seq, stream, revision, id, type, schema_version, data, metadata, recorded_at, hash)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const headSQL = `SELECT revision, seq, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`

func newWriter(ctx context.Context, conn *sql.Conn, cfg Config) (*writer, error) {
	w := &writer{
		conn:      conn,
		idLookups: make(map[int]*sql.Stmt),
		heads:     newHeadCache(cfg.HeadCacheSize),
		overlay:   make(map[string]head),
		known:     make(map[uuid.UUID]loc),
		// The interval runs from opening: a file just opened has a fresh WAL.
		lastCheckpoint: time.Now(),
	}
	var err error
	// One prepared single-row INSERT per event measured faster than
	// multi-row VALUES lists, which SQLite runs through a co-routine.
	if w.insert, err = conn.PrepareContext(ctx, insertSQL); err != nil {
		return nil, fmt.Errorf("prepare insert: %w", err)
	}
	if w.headOfStream, err = conn.PrepareContext(ctx, headSQL); err != nil {
		return nil, errors.Join(fmt.Errorf("prepare head: %w", err), w.close())
	}
	var seq int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM events").Scan(&seq); err != nil {
		return nil, errors.Join(fmt.Errorf("read head: %w", err), w.close())
	}
	w.seq = uint64(seq)
	return w, nil
}

// close releases the statements and the connection.
func (w *writer) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{w.insert, w.headOfStream} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for _, st := range w.idLookups {
		errs = append(errs, st.Close())
	}
	errs = append(errs, w.conn.Close())
	return errors.Join(errs...)
}

// head returns the state of stream as of the start of the batch plus what
// the batch planned so far.
func (w *writer) head(ctx context.Context, stream string) (head, error) {
	if h, ok := w.overlay[stream]; ok {
		return h, nil
	}
	if h, ok := w.heads.get(stream); ok {
		return h, nil
	}
	var (
		rev, seq int64
		hash     []byte
	)
	err := w.headOfStream.QueryRowContext(ctx, stream).Scan(&rev, &seq, &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		h := head{}
		w.heads.put(stream, h)
		return h, nil
	case err != nil:
		return head{}, fmt.Errorf("read head of %s: %w", stream, err)
	}
	h := head{exists: true, rev: uint64(rev), seq: uint64(seq)}
	copy(h.hash[:], hash)
	w.heads.put(stream, h)
	return h, nil
}

// lookupIDs fills w.known with the stored events whose IDs the batch
// carries, in as few queries as possible.
func (w *writer) lookupIDs(ctx context.Context, outs []outcome) error {
	ids := make([]uuid.UUID, 0, len(outs))
	for _, o := range outs {
		for _, e := range o.req.events {
			ids = append(ids, e.ID)
		}
	}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), maxIDLookup)]
		ids = ids[len(chunk):]
		if err := w.lookupChunk(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) lookupChunk(ctx context.Context, ids []uuid.UUID) error {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	st, err := w.idLookup(ctx, n)
	if err != nil {
		return err
	}
	w.args = w.args[:0]
	for i := range n {
		// Pad with the last ID: a repeated value in IN (…) changes nothing.
		w.args = append(w.args, ids[min(i, len(ids)-1)][:])
	}
	rows, err := st.QueryContext(ctx, w.args...)
	if err != nil {
		return fmt.Errorf("look up event ids: %w", err)
	}
	defer rows.Close()
	var (
		id       sql.RawBytes
		stream   string
		rev, seq int64
	)
	for rows.Next() {
		if err := rows.Scan(&id, &stream, &rev, &seq); err != nil {
			return fmt.Errorf("look up event ids: %w", err)
		}
		var u uuid.UUID
		copy(u[:], id)
		w.known[u] = loc{stream: stream, rev: uint64(rev), seq: uint64(seq)}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up event ids: %w", err)
	}
	return nil
}

// idLookup returns the prepared lookup query with n placeholders.
func (w *writer) idLookup(ctx context.Context, n int) (*sql.Stmt, error) {
	if st, ok := w.idLookups[n]; ok {
		return st, nil
	}
	q := "SELECT id, stream, revision, seq FROM events WHERE id IN (?" + strings.Repeat(", ?", n-1) + ")"
	st, err := w.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("prepare id lookup: %w", err)
	}
	w.idLookups[n] = st
	return st, nil
}
