package eventlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/jointops/jointops/commands"
)

// SnapshotsConfig configures OpenSnapshots.
type SnapshotsConfig struct {
	// Path of the SQLite file, such as data/snapshots.db.
	Path string
	// Keep is how many of the latest snapshots of a stream are kept; older
	// ones are deleted when a newer one is saved. Default 2: the one before
	// the latest stays in case the latest turns out unusable.
	Keep int
	// Logger receives the snapshots passed over as corrupt.
	Logger *slog.Logger
}

func (c *SnapshotsConfig) setDefaults() {
	if c.Keep == 0 {
		c.Keep = 2
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports every problem of the configuration.
func (c SnapshotsConfig) Validate() error {
	var errs []error
	if c.Path == "" {
		errs = append(errs, errors.New("snapshots: path required"))
	}
	if c.Keep < 1 {
		errs = append(errs, fmt.Errorf("snapshots: keep %d, want ≥ 1", c.Keep))
	}
	return errors.Join(errs...)
}

// Snapshots is commands.Snapshots in a SQLite file of its own: the latest
// few snapshots of each stream, with the SHA-256 of each, so that a
// snapshot that no longer reads back as it was saved is passed over.
//
// The file is a cache beside the event log, which stays the truth: it runs
// in WAL mode with synchronous=NORMAL (a crash may lose the last snapshots
// saved, never the file's consistency), and deleting it costs only a slower
// first load of each long stream.
type Snapshots struct {
	cfg               SnapshotsConfig
	rdb, wdb          *sql.DB
	load, save, prune *sql.Stmt
	now               func() time.Time
}

var _ commands.Snapshots = (*Snapshots)(nil)

// OpenSnapshots opens (creating if needed) the snapshot file of cfg.
func OpenSnapshots(ctx context.Context, cfg SnapshotsConfig) (*Snapshots, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Snapshots{cfg: cfg, now: time.Now}
	if err := s.open(ctx); err != nil {
		s.closeAll()
		return nil, fmt.Errorf("open snapshots %s: %w", cfg.Path, err)
	}
	return s, nil
}

func (s *Snapshots) open(ctx context.Context) error {
	var err error
	if s.wdb, err = openSQLite(s.cfg.Path, "journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(5000)"); err != nil {
		return err
	}
	s.wdb.SetMaxOpenConns(1) // the one writer
	// A rowid table: snapshots are blobs of kilobytes to megabytes, which
	// SQLite keeps poorly in a WITHOUT ROWID b-tree.
	if _, err := s.wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS snapshots (
		stream   TEXT    NOT NULL,
		version  INTEGER NOT NULL CHECK (version > 0),
		data     BLOB    NOT NULL,
		checksum BLOB    NOT NULL CHECK (length(checksum) = 32),
		saved_at INTEGER NOT NULL,
		UNIQUE (stream, version)
	)`); err != nil {
		return err
	}
	if s.save, err = s.wdb.PrepareContext(ctx, `INSERT INTO snapshots (stream, version, data, checksum, saved_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (stream, version) DO UPDATE SET data = excluded.data, checksum = excluded.checksum, saved_at = excluded.saved_at`); err != nil {
		return err
	}
	if s.prune, err = s.wdb.PrepareContext(ctx, `DELETE FROM snapshots WHERE stream = ? AND version < (
		SELECT min(version) FROM (SELECT version FROM snapshots WHERE stream = ? ORDER BY version DESC LIMIT ?))`); err != nil {
		return err
	}
	if s.rdb, err = openSQLite(s.cfg.Path, "query_only(1)", "busy_timeout(5000)"); err != nil {
		return err
	}
	s.rdb.SetMaxOpenConns(readConns)
	s.rdb.SetMaxIdleConns(readConns)
	s.load, err = s.rdb.PrepareContext(ctx, `SELECT version, data, checksum FROM snapshots
		WHERE stream = ? AND version <= ? ORDER BY version DESC`)
	return err
}

// closeAll closes whatever is open.
func (s *Snapshots) closeAll() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.load, s.save, s.prune} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for _, db := range []*sql.DB{s.rdb, s.wdb} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Close closes the file.
func (s *Snapshots) Close() error { return s.closeAll() }

// Load returns the latest intact snapshot of stream at a version of at most
// max. A snapshot whose data no longer matches its checksum is logged and
// passed over for the one before it.
func (s *Snapshots) Load(ctx context.Context, stream string, max uint64) (commands.Snapshot, bool, error) {
	rows, err := s.load.QueryContext(ctx, stream, int64(min(max, math.MaxInt64)))
	if err != nil {
		return commands.Snapshot{}, false, fmt.Errorf("load snapshot of %s: %w", stream, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			version        int64
			data, checksum []byte
		)
		if err := rows.Scan(&version, &data, &checksum); err != nil {
			return commands.Snapshot{}, false, fmt.Errorf("load snapshot of %s: %w", stream, err)
		}
		if sum := sha256.Sum256(data); !bytes.Equal(sum[:], checksum) {
			s.cfg.Logger.Warn("snapshot passed over: its data does not match its checksum", "stream", stream, "version", version)
			continue
		}
		return commands.Snapshot{Version: uint64(version), Data: data}, true, nil
	}
	if err := rows.Err(); err != nil {
		return commands.Snapshot{}, false, fmt.Errorf("load snapshot of %s: %w", stream, err)
	}
	return commands.Snapshot{}, false, nil
}

// Save keeps snap as the snapshot of stream at its version, replacing one
// saved there before, and deletes the stream's snapshots older than the
// latest Keep.
func (s *Snapshots) Save(ctx context.Context, stream string, snap commands.Snapshot) error {
	if snap.Version == 0 || snap.Version > math.MaxInt64 {
		return fmt.Errorf("save snapshot of %s: version %d out of range", stream, snap.Version)
	}
	data := snap.Data
	if data == nil {
		data = []byte{} // an empty blob, not NULL
	}
	sum := sha256.Sum256(data)
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save snapshot of %s: %w", stream, err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.StmtContext(ctx, s.save).ExecContext(ctx, stream, int64(snap.Version), data, sum[:], s.now().UnixNano()); err != nil {
		return fmt.Errorf("save snapshot of %s: %w", stream, err)
	}
	if _, err := tx.StmtContext(ctx, s.prune).ExecContext(ctx, stream, stream, s.cfg.Keep); err != nil {
		return fmt.Errorf("save snapshot of %s: %w", stream, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save snapshot of %s: %w", stream, err)
	}
	return nil
}
