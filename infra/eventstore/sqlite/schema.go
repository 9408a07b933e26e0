package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/jointops/jointops/infra/eventstore"
)

// applicationID marks a SQLite file as a Jointops event log in its header
// (PRAGMA application_id): "JOPS" in ASCII.
const applicationID int32 = 0x4A4F5053

// migrations are the schema steps in order; after step i the file's
// user_version is i+1. Steps are never edited once released: a change is a
// new step appended at the end.
var migrations = [][]string{
	// 1: the log. seq is the global position (dense: rows are never
	// deleted, and a rolled-back transaction gives its rowids back).
	// UNIQUE(stream, revision) is also the index that finds a stream's head
	// and reads a stream in order; UNIQUE(id) makes retries detectable.
	{
		`CREATE TABLE events (
			seq            INTEGER PRIMARY KEY,
			stream         TEXT    NOT NULL,
			revision       INTEGER NOT NULL CHECK (revision >= 0),
			id             BLOB    NOT NULL CHECK (length(id) = 16),
			type           TEXT    NOT NULL CHECK (type <> ''),
			schema_version INTEGER NOT NULL CHECK (schema_version >= 1),
			data           BLOB    NOT NULL,
			metadata       BLOB    NOT NULL,
			recorded_at    INTEGER NOT NULL,
			hash           BLOB    NOT NULL CHECK (length(hash) = 32),
			UNIQUE (stream, revision),
			UNIQUE (id)
		)`,
	},
}

// fileState is what the header of a database file says about it.
type fileState struct {
	appID       int32
	userVersion int
	objects     int // entries in sqlite_schema
}

// readFileState reads the header fields and schema size of the database q
// is connected to.
func readFileState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (fileState, error) {
	var st fileState
	if err := q.QueryRowContext(ctx, "PRAGMA application_id").Scan(&st.appID); err != nil {
		return st, fmt.Errorf("read application_id: %w", err)
	}
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&st.userVersion); err != nil {
		return st, fmt.Errorf("read user_version: %w", err)
	}
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&st.objects); err != nil {
		return st, fmt.Errorf("read schema: %w", err)
	}
	return st, nil
}

// fresh reports a brand-new file: no header fields, no schema.
func (st fileState) fresh() bool {
	return st.appID == 0 && st.userVersion == 0 && st.objects == 0
}

// check says whether the file can be used: a brand-new file, or one of ours
// at a schema version no newer than known.
func (st fileState) check(path string, known int) error {
	switch {
	case st.fresh():
		return nil
	case st.appID != applicationID:
		return fmt.Errorf("%w: %s is not a Jointops event log (application_id %#x, %d schema objects)",
			eventstore.ErrIncompatibleStore, path, uint32(st.appID), st.objects)
	case st.userVersion > known:
		return fmt.Errorf("%w: %s has schema version %d, newer than %d known to this build",
			eventstore.ErrIncompatibleStore, path, st.userVersion, known)
	}
	return nil
}

// probe checks a file before it is opened for writing, so that a foreign
// database is refused before the writer's pragmas (WAL) change it. A new
// file gets its page size and application_id here: the page size cannot
// change once the file is in WAL mode.
func probe(ctx context.Context, path string, cfg Config, steps [][]string) error {
	db, err := sql.Open("sqlite", path+"?"+probeDSN(cfg))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	st, err := readFileState(ctx, db)
	if err != nil {
		return classifyOpenError(path, err)
	}
	if err := st.check(path, len(steps)); err != nil {
		return err
	}
	if !st.fresh() {
		return nil
	}
	// PRAGMA takes no bound parameters; both values are integers we own.
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", cfg.PageSize)); err != nil {
		return fmt.Errorf("initialise %s: page size: %w", path, err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return fmt.Errorf("initialise %s: application_id: %w", path, err)
	}
	return nil
}

// classifyOpenError turns "this is not a database" into ErrIncompatibleStore.
func classifyOpenError(path string, err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_NOTADB || se.Code()&0xff == sqlite3.SQLITE_CORRUPT) {
		return fmt.Errorf("%w: %s is not a SQLite database: %w", eventstore.ErrIncompatibleStore, path, err)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// migrate applies the steps the file of the writer's connection lacks, in
// one transaction, checking the header again under the write lock.
func migrate(ctx context.Context, conn *sql.Conn, path string, steps [][]string, log func(from, to int)) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("migrate %s: begin: %w", path, err)
	}
	defer func() {
		if err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	st, err := readFileState(ctx, conn)
	if err != nil {
		return classifyOpenError(path, err)
	}
	if err := st.check(path, len(steps)); err != nil {
		return err
	}
	if st.userVersion == len(steps) {
		_, err := conn.ExecContext(ctx, "COMMIT")
		return wrapIf(err, "migrate %s: commit", path)
	}
	for v := st.userVersion; v < len(steps); v++ {
		for _, stmt := range steps[v] {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
			}
		}
	}
	// PRAGMA takes no bound parameters; both values are integers we own.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return fmt.Errorf("migrate %s: set application_id: %w", path, err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(steps))); err != nil {
		return fmt.Errorf("migrate %s: set user_version: %w", path, err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", path, err)
	}
	log(st.userVersion, len(steps))
	return nil
}

// wrapIf wraps err with a formatted prefix, or returns nil.
func wrapIf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
