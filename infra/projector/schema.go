package projector

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// checkpointAppID marks a SQLite file as a Jointops checkpoint file in its
// header (PRAGMA application_id): "JOPC" in ASCII.
const checkpointAppID int32 = 0x4A4F5043

// busyTimeout is how long a connection waits for the write lock another
// connection holds (a second runner on the same file, the offline reset).
const busyTimeout = 5 * time.Second

// checkpointMigrations are the schema steps in order; after step i the
// file's user_version is i+1. Steps are never edited once released: a
// change is a new step appended at the end.
var checkpointMigrations = [][]string{
	// 1: offsets and parts. An offsets row is never deleted, only cleared
	// (position NULL), so its version keeps growing across resets and a
	// member that loaded an old version can never match a new one.
	{
		`CREATE TABLE offsets (
			grp            TEXT    NOT NULL,
			topic          TEXT    NOT NULL,
			position       TEXT,
			version        INTEGER NOT NULL CHECK (version >= 1),
			member         TEXT    NOT NULL,
			state_position TEXT    NOT NULL,
			saved_at       INTEGER NOT NULL,
			PRIMARY KEY (grp, topic)
		) WITHOUT ROWID`,
		`CREATE TABLE parts (
			projection TEXT NOT NULL,
			name       TEXT NOT NULL,
			data       BLOB NOT NULL,
			PRIMARY KEY (projection, name)
		)`,
	},
}

// probeDSN sets no persistent pragma: the probe must not change a file
// that may not be ours.
func probeDSN() string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busyTimeout.Milliseconds(), 10)+")")
	return q.Encode()
}

// checkpointDSN makes every commit durable before it returns (WAL,
// synchronous=FULL) and starts every transaction with the write lock, so
// that the version check of a save and its write cannot interleave with
// another connection's.
func checkpointDSN() string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_txlock", "immediate")
	return q.Encode()
}

// fileState is what the header of a database file says about it.
type fileState struct {
	appID       int32
	userVersion int
	objects     int
}

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

func (st fileState) fresh() bool { return st.appID == 0 && st.userVersion == 0 && st.objects == 0 }

// check says whether the file can be used: a brand-new file, or one of
// ours at a schema version no newer than known.
func (st fileState) check(path string, known int) error {
	switch {
	case st.fresh():
		return nil
	case st.appID != checkpointAppID:
		return fmt.Errorf("%w: %s is not a Jointops checkpoint file (application_id %#x, %d schema objects)",
			ErrIncompatibleCheckpoints, path, uint32(st.appID), st.objects)
	case st.userVersion > known:
		return fmt.Errorf("%w: %s has schema version %d, newer than %d known to this build",
			ErrIncompatibleCheckpoints, path, st.userVersion, known)
	}
	return nil
}

// probe refuses a file that is not ours before the WAL pragma changes it.
func probe(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path+"?"+probeDSN())
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	st, err := readFileState(ctx, db)
	if err != nil {
		return classifyOpenError(path, err)
	}
	return st.check(path, len(checkpointMigrations))
}

// classifyOpenError turns "this is not a database" into
// ErrIncompatibleCheckpoints.
func classifyOpenError(path string, err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_NOTADB || se.Code()&0xff == sqlite3.SQLITE_CORRUPT) {
		return fmt.Errorf("%w: %s is not a SQLite database: %w", ErrIncompatibleCheckpoints, path, err)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// migrate applies the steps the file lacks in one transaction, checking
// the header again under the write lock; it returns the version it found.
func migrate(ctx context.Context, db *sql.DB, path string) (from int, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, classifyOpenError(path, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	st, err := readFileState(ctx, tx)
	if err != nil {
		return 0, classifyOpenError(path, err)
	}
	if err := st.check(path, len(checkpointMigrations)); err != nil {
		return 0, err
	}
	if st.userVersion == len(checkpointMigrations) {
		if err := tx.Commit(); err != nil {
			return 0, fmt.Errorf("migrate %s: commit: %w", path, err)
		}
		return st.userVersion, nil
	}
	for v := st.userVersion; v < len(checkpointMigrations); v++ {
		for _, stmt := range checkpointMigrations[v] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return 0, fmt.Errorf("migrate %s to version %d: %w", path, v+1, err)
			}
		}
	}
	// PRAGMA takes no bound parameters; both values are integers we own.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", checkpointAppID)); err != nil {
		return 0, fmt.Errorf("migrate %s: set application_id: %w", path, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(checkpointMigrations))); err != nil {
		return 0, fmt.Errorf("migrate %s: set user_version: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("migrate %s: commit: %w", path, err)
	}
	return st.userVersion, nil
}
