package projector

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// CheckpointStore keeps the checkpoints of projections in one SQLite file
// (WAL, synchronous=FULL): per consumer group and topic the offset of the
// bus subscription, and per projection the parts of its state with the
// position they reflect. It is the bus.OffsetStore of the runner's
// subscriptions: Save writes the offset and the projection's changed parts
// in one transaction, so state and offset never disagree after a crash.
// It is safe for concurrent use, also by several processes sharing the
// file: saves are fenced by version as bus.OffsetStore says.
type CheckpointStore struct {
	path string
	db   *sql.DB
	log  *slog.Logger

	mu      sync.Mutex
	closed  bool
	sources map[string]*source
}

var _ bus.OffsetStore = (*CheckpointStore)(nil)

// source is the projection whose parts a group's saves write, with the
// parts it handed out that are not saved yet.
type source struct {
	// mu makes the saves of the group one at a time: take the parts,
	// write them, forget them.
	mu      sync.Mutex
	p       Projection
	pending map[string][]byte
	// position is the state position of the pending parts.
	position string
}

// merge adds a checkpoint to the pending parts: newer parts replace older
// ones of the same name.
func (s *source) merge(cp Checkpoint) {
	if s.pending == nil {
		s.pending = make(map[string][]byte, len(cp.Parts))
	}
	maps.Copy(s.pending, cp.Parts)
	if cp.Position != "" {
		s.position = cp.Position
	}
}

// Saved is a projection's checkpoint as stored.
type Saved struct {
	// Offset is the offset of the projection's subscription; not Found
	// when nothing was saved (or the checkpoint was reset).
	Offset bus.Offset
	// Position is the position of the last event folded into the saved
	// parts ("" for none). It may be after Offset.Position: events between
	// the two are redelivered and skipped.
	Position string
	// Parts are every saved part by name.
	Parts map[string][]byte
	// SavedAt is when the checkpoint was saved.
	SavedAt time.Time
}

// OpenCheckpointStore opens (creating and initialising if needed) the
// checkpoint file at path. A file that is not a Jointops checkpoint file,
// or one written by a newer version, is refused with an error that Is
// ErrIncompatibleCheckpoints. A nil logger logs to slog.Default().
func OpenCheckpointStore(ctx context.Context, path string, logger *slog.Logger) (*CheckpointStore, error) {
	switch {
	case path == "":
		return nil, errors.New("projector: open checkpoints: path required")
	case path == ":memory:" || strings.HasPrefix(path, "file:") || strings.ContainsRune(path, '?'):
		return nil, fmt.Errorf("projector: open checkpoints: path %q: want a plain file name", path)
	}
	if logger == nil {
		logger = slog.Default()
	}
	if err := probe(ctx, path); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", path+"?"+checkpointDSN())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One connection: saves are serialized anyway, and a single connection
	// keeps its pragmas for the life of the store.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	from, err := migrate(ctx, db, path)
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	log := logger.With(slog.String("component", "projector.checkpoints"), slog.String("path", path))
	if from < len(checkpointMigrations) {
		log.Info("checkpoint schema migrated", slog.Int("from", from), slog.Int("to", len(checkpointMigrations)))
	}
	return &CheckpointStore{path: path, db: db, log: log, sources: map[string]*source{}}, nil
}

// Close closes the file. Calls after Close fail with ErrClosed.
func (s *CheckpointStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("close checkpoints %s: %w", s.path, ErrClosed)
	}
	s.closed = true
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close checkpoints %s: %w", s.path, err)
	}
	return nil
}

// attach makes the saves of group p.Name() write p's checkpoint parts.
func (s *CheckpointStore) attach(p Projection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sources[p.Name()] = &source{p: p}
}

// source returns the projection of group, or nil; it fails after Close.
func (s *CheckpointStore) source(op, group string) (*source, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("%s %s: %w", op, group, ErrClosed)
	}
	return s.sources[group], nil
}

// Load implements bus.OffsetStore.
func (s *CheckpointStore) Load(ctx context.Context, group, topic string) (bus.Offset, error) {
	if _, err := s.source("load offset of", group); err != nil {
		return bus.Offset{}, err
	}
	off, _, _, err := s.loadOffset(ctx, s.db, group, topic)
	if err != nil {
		return bus.Offset{}, fmt.Errorf("projector: load offset of %s in %s: %w", group, topic, err)
	}
	return off, nil
}

// queryRower is a *sql.DB or a *sql.Tx.
type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadOffset reads the offsets row of (group, topic): the offset (zero
// when absent or reset), the row's version (0 when absent), its member.
func (s *CheckpointStore) loadOffset(ctx context.Context, q queryRower, group, topic string) (off bus.Offset, rowVersion uint64, state string, err error) {
	var (
		pos     sql.NullString
		version int64
		member  string
	)
	err = q.QueryRowContext(ctx, `SELECT position, version, member, state_position FROM offsets WHERE grp = ? AND topic = ?`, group, topic).
		Scan(&pos, &version, &member, &state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return bus.Offset{}, 0, "", nil
	case err != nil:
		return bus.Offset{}, 0, "", err
	case !pos.Valid:
		return bus.Offset{}, uint64(version), "", nil
	}
	p, err := eventstore.ParsePosition(pos.String)
	if err != nil {
		return bus.Offset{}, 0, "", err
	}
	return bus.Offset{Position: p, Version: uint64(version), Member: member}, uint64(version), state, nil
}

// Save implements bus.OffsetStore. For the group of an attached
// projection it first takes the projection's Checkpoint and writes its
// parts and state position in the same transaction as the offset; parts
// of a save that failed are written by the next one.
func (s *CheckpointStore) Save(ctx context.Context, group, topic string, next bus.Offset) (bus.Offset, error) {
	src, err := s.source("save offset of", group)
	if err != nil {
		return bus.Offset{}, err
	}
	var (
		parts map[string][]byte
		state string
	)
	if src != nil {
		src.mu.Lock()
		defer src.mu.Unlock()
		cp, err := src.p.Checkpoint()
		if err != nil {
			return bus.Offset{}, fmt.Errorf("projector: save %s: checkpoint: %w", group, err)
		}
		src.merge(cp)
		parts, state = src.pending, src.position
	}
	stored, err := s.write(ctx, group, topic, next, state, parts)
	if err != nil {
		return bus.Offset{}, err
	}
	if src != nil {
		src.pending = nil
	}
	return stored, nil
}

// write stores the offset, the state position (unless "") and the parts
// in one transaction, on the condition of bus.OffsetStore.Save.
func (s *CheckpointStore) write(ctx context.Context, group, topic string, next bus.Offset, state string, parts map[string][]byte) (_ bus.Offset, err error) {
	fail := func(err error) (bus.Offset, error) {
		return bus.Offset{}, fmt.Errorf("projector: save offset of %s in %s: %w", group, topic, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	cur, rowVersion, _, err := s.loadOffset(ctx, tx, group, topic)
	if err != nil {
		return fail(err)
	}
	switch {
	case cur.Version == next.Version:
	case next.Member != "" && cur.Member == next.Member && cur.Version > next.Version:
		// This member's own save landed but its answer was lost.
	default:
		return bus.Offset{}, fmt.Errorf("%w: group %s, topic %s: offset version %d saved by member %q, this member %q expected version %d",
			bus.ErrFenced, group, topic, cur.Version, cur.Member, next.Member, next.Version)
	}
	version := rowVersion + 1
	_, err = tx.ExecContext(ctx, `INSERT INTO offsets (grp, topic, position, version, member, state_position, saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (grp, topic) DO UPDATE SET
			position = excluded.position, version = excluded.version, member = excluded.member,
			state_position = CASE WHEN excluded.state_position = '' THEN offsets.state_position ELSE excluded.state_position END,
			saved_at = excluded.saved_at`,
		group, topic, next.Position.String(), int64(version), next.Member, state, time.Now().UnixNano())
	if err != nil {
		return fail(err)
	}
	for _, name := range slices.Sorted(maps.Keys(parts)) {
		if data := parts[name]; data == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM parts WHERE projection = ? AND name = ?`, group, name)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO parts (projection, name, data) VALUES (?, ?, ?)
				ON CONFLICT (projection, name) DO UPDATE SET data = excluded.data`, group, name, data)
		}
		if err != nil {
			return fail(fmt.Errorf("part %s: %w", name, err))
		}
	}
	if err = tx.Commit(); err != nil {
		return fail(err)
	}
	return bus.Offset{Position: next.Position, Version: version, Member: next.Member}, nil
}

// LoadCheckpoint returns the checkpoint of the projection name as its
// runner saved it (offset of topic bus.TopicAll, state position, parts),
// read in one transaction.
func (s *CheckpointStore) LoadCheckpoint(ctx context.Context, name string) (_ Saved, err error) {
	if _, err := s.source("load checkpoint of", name); err != nil {
		return Saved{}, err
	}
	fail := func(err error) (Saved, error) {
		return Saved{}, fmt.Errorf("projector: load checkpoint of %s: %w", name, err)
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fail(err)
	}
	defer func() { _ = tx.Rollback() }()
	off, _, state, err := s.loadOffset(ctx, tx, name, bus.TopicAll)
	if err != nil {
		return fail(err)
	}
	saved := Saved{Offset: off, Position: state, Parts: map[string][]byte{}}
	var at sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT saved_at FROM offsets WHERE grp = ? AND topic = ?`, name, bus.TopicAll).Scan(&at); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fail(err)
	}
	if at.Valid && off.Found() {
		saved.SavedAt = time.Unix(0, at.Int64).UTC()
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, data FROM parts WHERE projection = ?`, name)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			part string
			data []byte
		)
		if err := rows.Scan(&part, &data); err != nil {
			return fail(err)
		}
		saved.Parts[part] = data
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	return saved, nil
}

// LoadPart returns one saved part of the projection name's checkpoint,
// and false when no such part is saved. A projection whose parts are large
// and rarely read (the history's board snapshots) keeps only their names in
// memory and loads them with it.
func (s *CheckpointStore) LoadPart(ctx context.Context, name, part string) ([]byte, bool, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM parts WHERE projection = ? AND name = ?`, name, part).Scan(&data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("projector: load part %s of %s: %w", part, name, err)
	}
	return data, true, nil
}

// DeleteCheckpoint forgets the checkpoint of the projection name — its
// offsets in every topic and all its parts — in one transaction, so that
// it is rebuilt from zero. The offsets' versions keep growing: a member
// that loaded the old offset is fenced out at its next save.
func (s *CheckpointStore) DeleteCheckpoint(ctx context.Context, name string) (err error) {
	src, err := s.source("delete checkpoint of", name)
	if err != nil {
		return err
	}
	if src != nil {
		src.mu.Lock()
		defer src.mu.Unlock()
	}
	if err := s.deleteAll(ctx, name); err != nil {
		return err
	}
	if src != nil {
		src.pending, src.position = nil, ""
	}
	return nil
}

// deleteAll clears the checkpoints of name, or of every projection when
// name is "".
func (s *CheckpointStore) deleteAll(ctx context.Context, name string) (err error) {
	fail := func(err error) error {
		return fmt.Errorf("projector: delete checkpoint of %q: %w", name, err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	clear := `UPDATE offsets SET position = NULL, member = '', state_position = '', saved_at = ? WHERE grp = ?`
	drop := `DELETE FROM parts WHERE projection = ?`
	args := []any{name}
	if name == "" {
		clear = `UPDATE offsets SET position = NULL, member = '', state_position = '', saved_at = ?`
		drop = `DELETE FROM parts`
		args = nil
	}
	if _, err = tx.ExecContext(ctx, clear, append([]any{time.Now().UnixNano()}, args...)...); err != nil {
		return fail(err)
	}
	if _, err = tx.ExecContext(ctx, drop, args...); err != nil {
		return fail(err)
	}
	if err = tx.Commit(); err != nil {
		return fail(err)
	}
	return nil
}
