package eventlog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/jointops/jointops/commands"
)

// Outcomes is commands.Outcomes in a SQLite file of its own: the outcome of
// every command by its ID. It is kept apart from the event log because
// refusals must not append to the log.
//
// The file runs in WAL mode with synchronous=NORMAL: a record survives the
// process being killed (it is in the OS's hands at commit) but not a power
// cut. That is deliberate — an fsync per record would cap commands at the
// disk's sync rate — and safe: the events of an accepted command are durable
// in the log, where a retry finds them (EventLog.Find); only the replay of a
// refusal lost in a power cut is decided afresh.
type Outcomes struct {
	db  *sql.DB
	now func() time.Time
}

var _ commands.Outcomes = (*Outcomes)(nil)

// OpenOutcomes opens (creating if needed) the outcomes file at path.
func OpenOutcomes(ctx context.Context, path string) (*Outcomes, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(5000)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	// One connection: writes are serialized by SQLite anyway, and this
	// keeps the WAL pragmas on the one connection that writes.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS outcomes (
		command_id  BLOB PRIMARY KEY CHECK (length(command_id) = 16),
		fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),
		outcome     BLOB NOT NULL,
		recorded_at INTEGER NOT NULL
	) WITHOUT ROWID`); err != nil {
		db.Close()
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	return &Outcomes{db: db, now: time.Now}, nil
}

// Close closes the file.
func (o *Outcomes) Close() error { return o.db.Close() }

// stored is the JSON form of an outcome without its fingerprint.
type stored struct {
	Accepted *commands.Accepted `json:"accepted,omitempty"`
	Refusal  *commands.Refusal  `json:"refusal,omitempty"`
}

// Get returns the outcome recorded for id.
func (o *Outcomes) Get(ctx context.Context, id commands.CommandID) (commands.Outcome, bool, error) {
	var fp, body []byte
	err := o.db.QueryRowContext(ctx, `SELECT fingerprint, outcome FROM outcomes WHERE command_id = ?`, id[:]).Scan(&fp, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return commands.Outcome{}, false, nil
	}
	if err != nil {
		return commands.Outcome{}, false, fmt.Errorf("get outcome %s: %w", id, err)
	}
	var s stored
	if err := json.Unmarshal(body, &s); err != nil {
		return commands.Outcome{}, false, fmt.Errorf("decode outcome %s: %w", id, err)
	}
	out := commands.Outcome{Accepted: s.Accepted, Refusal: s.Refusal}
	copy(out.Fingerprint[:], fp)
	return out, true, nil
}

// Put records the outcome of id, keeping an earlier record if there is one.
func (o *Outcomes) Put(ctx context.Context, id commands.CommandID, out commands.Outcome) error {
	body, err := json.Marshal(stored{Accepted: out.Accepted, Refusal: out.Refusal})
	if err != nil {
		return fmt.Errorf("encode outcome %s: %w", id, err)
	}
	_, err = o.db.ExecContext(ctx, `INSERT OR IGNORE INTO outcomes (command_id, fingerprint, outcome, recorded_at) VALUES (?, ?, ?, ?)`,
		id[:], out.Fingerprint[:], body, o.now().UnixNano())
	if err != nil {
		return fmt.Errorf("put outcome %s: %w", id, err)
	}
	return nil
}
