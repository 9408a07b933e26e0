package sqlite_test

import (
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/eventstore/storetest"
)

// contractRingSize is smaller than the event counts of the suite's heavy
// subscription tests, so they also cross from the in-memory ring to reading
// the file.
const contractRingSize = 1000

// fileStore is a store under test together with the file it lives in, so
// that Reopen and Tamper can reach the file.
type fileStore struct {
	*sqlite.Store
	cfg sqlite.Config
}

func openFile(t *testing.T, cfg sqlite.Config) *fileStore {
	t.Helper()
	s, err := sqlite.Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.Path, err)
	}
	return &fileStore{Store: s, cfg: cfg}
}

func asFileStore(t *testing.T, s eventstore.Store) *fileStore {
	t.Helper()
	fs, ok := s.(*fileStore)
	if !ok {
		t.Fatalf("store %T was not made by this harness", s)
	}
	return fs
}

// TestContract runs the event log contract suite against the SQLite store.
func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) eventstore.Store {
			return openFile(t, sqlite.Config{
				Path:     filepath.Join(t.TempDir(), "events.db"),
				RingSize: contractRingSize,
				Logger:   slog.New(slog.NewTextHandler(t.Output(), nil)),
			})
		},
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			fs := asFileStore(t, s)
			if err := fs.Close(); err != nil {
				t.Fatalf("close before reopen: %v", err)
			}
			return openFile(t, fs.cfg)
		},
		Tamper: tamper,
	})
}

// tamper alters the events table of the store's file through a connection
// of its own, as someone with access to the file could.
func tamper(t *testing.T, s eventstore.Store, kind storetest.TamperKind, stream string, revision uint64) {
	t.Helper()
	fs := asFileStore(t, s)
	db, err := sql.Open("sqlite", fs.cfg.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("tamper: open %s: %v", fs.cfg.Path, err)
	}
	defer db.Close()
	ctx := t.Context()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'`).Scan(&tables); err != nil || tables != 1 {
		t.Fatalf("tamper: no events table in %s (%d, %v): the schema changed, update the harness", fs.cfg.Path, tables, err)
	}
	seqOf := func(rev uint64) int64 {
		t.Helper()
		var seq int64
		if err := db.QueryRowContext(ctx, `SELECT seq FROM events WHERE stream = ? AND revision = ?`, stream, rev).Scan(&seq); err != nil {
			t.Fatalf("tamper: find %s@%d: %v", stream, rev, err)
		}
		return seq
	}
	exec := func(tx *sql.Tx, query string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("tamper %s: %s: %v", kind, query, err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("tamper: begin: %v", err)
	}
	defer func() { _ = tx.Rollback() }()

	seq := seqOf(revision)
	switch kind {
	case storetest.TamperPayload:
		var data []byte
		if err := tx.QueryRowContext(ctx, `SELECT data FROM events WHERE seq = ?`, seq).Scan(&data); err != nil || len(data) == 0 {
			t.Fatalf("tamper: read data of %s@%d: %d bytes, %v", stream, revision, len(data), err)
		}
		data[len(data)/2] ^= 0x01
		exec(tx, `UPDATE events SET data = ? WHERE seq = ?`, data, seq)
	case storetest.TamperDelete:
		exec(tx, `DELETE FROM events WHERE seq = ?`, seq)
	case storetest.TamperSwap:
		// Swap the two rows' global positions: each keeps its contents, so
		// the stream reads out of order.
		next := seqOf(revision + 1)
		exec(tx, `UPDATE events SET seq = -1 WHERE seq = ?`, seq)
		exec(tx, `UPDATE events SET seq = ? WHERE seq = ?`, seq, next)
		exec(tx, `UPDATE events SET seq = ? WHERE seq = -1`, next)
	default:
		t.Fatalf("tamper: unknown kind %v", kind)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("tamper %s: commit: %v", kind, err)
	}
}
