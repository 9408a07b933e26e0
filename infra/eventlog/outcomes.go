package eventlog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/jointops/jointops/commands"
)

// Outcomes is commands.Outcomes in a SQLite file of its own: the outcome of
// every command by its ID. It is kept apart from the event log because
// refusals must not append to the log.
//
// The file runs in WAL mode with synchronous=FULL: Put returns once the
// record is on disk. Records are written by one goroutine that commits
// every record waiting at that moment in one transaction (group commit), so
// concurrent commands share the fsync; Get reads from a small pool of
// read-only connections, beside the writer.
//
// A refusal is committed at once: its command waits for the record. An
// acceptance is recorded while no command waits (its events are already
// durable in the log, see commands.Handlers), so a batch of acceptances
// alone waits up to acceptLinger for more records to share its commit:
// a few large transactions instead of many small ones, and fewer fsyncs
// competing with the event log's for the disk.
type Outcomes struct {
	rdb, wdb    *sql.DB
	get, insert *sql.Stmt
	puts        chan putRequest
	known       *idFilter
	stop        chan struct{}
	stopOnce    sync.Once
	done        chan struct{}
	now         func() time.Time
}

var _ commands.Outcomes = (*Outcomes)(nil)

// errOutcomesClosed is returned by Put after Close.
var errOutcomesClosed = errors.New("outcomes closed")

const (
	// readConns is the size of the read pool.
	readConns = 4
	// maxBatch bounds the records of one transaction.
	maxBatch = 512
	// acceptLinger is how long a batch of acceptances waits for more
	// records before it is committed.
	acceptLinger = 10 * time.Millisecond
)

type putRequest struct {
	id          commands.CommandID
	fingerprint [32]byte
	body        []byte
	urgent      bool // a command waits for it: commit without lingering
	done        chan error
}

// OpenOutcomes opens (creating if needed) the outcomes file at path.
func OpenOutcomes(ctx context.Context, path string) (*Outcomes, error) {
	wdb, err := openSQLite(path, "journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1) // the one writer
	if _, err := wdb.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS outcomes (
		command_id  BLOB PRIMARY KEY CHECK (length(command_id) = 16),
		fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),
		outcome     BLOB NOT NULL,
		recorded_at INTEGER NOT NULL
	) WITHOUT ROWID`); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	insert, err := wdb.PrepareContext(ctx, `INSERT OR IGNORE INTO outcomes (command_id, fingerprint, outcome, recorded_at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	rdb, err := openSQLite(path, "query_only(1)", "busy_timeout(5000)")
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(readConns)
	rdb.SetMaxIdleConns(readConns)
	get, err := rdb.PrepareContext(ctx, `SELECT fingerprint, outcome FROM outcomes WHERE command_id = ?`)
	if err != nil {
		rdb.Close()
		wdb.Close()
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	known, err := loadIDFilter(ctx, rdb)
	if err != nil {
		get.Close()
		rdb.Close()
		wdb.Close()
		return nil, fmt.Errorf("open outcomes %s: %w", path, err)
	}
	o := &Outcomes{rdb: rdb, wdb: wdb, get: get, insert: insert, puts: make(chan putRequest), known: known,
		stop: make(chan struct{}), done: make(chan struct{}), now: time.Now}
	go o.write(context.WithoutCancel(ctx))
	return o, nil
}

// loadIDFilter fills the filter of recorded command IDs from the file.
func loadIDFilter(ctx context.Context, db *sql.DB) (*idFilter, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM outcomes`).Scan(&n); err != nil {
		return nil, err
	}
	f := newIDFilter(n)
	rows, err := db.QueryContext(ctx, `SELECT command_id FROM outcomes`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var raw []byte
	for rows.Next() {
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var id commands.CommandID
		copy(id[:], raw)
		f.add(id)
	}
	return f, rows.Err()
}

func openSQLite(path string, pragmas ...string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return sql.Open("sqlite", path+"?"+q.Encode())
}

// Close stops the writer, after the records already handed to it, and
// closes the file.
func (o *Outcomes) Close() error {
	o.stopOnce.Do(func() { close(o.stop) })
	<-o.done
	return errors.Join(o.get.Close(), o.insert.Close(), o.rdb.Close(), o.wdb.Close())
}

// stored is the JSON form of an outcome without its fingerprint.
type stored struct {
	Accepted *commands.Accepted `json:"accepted,omitempty"`
	Refusal  *commands.Refusal  `json:"refusal,omitempty"`
}

// Get returns the outcome recorded for id. Most IDs were never recorded;
// the filter of recorded IDs answers those without reading the file.
func (o *Outcomes) Get(ctx context.Context, id commands.CommandID) (commands.Outcome, bool, error) {
	if !o.known.mayHave(id) {
		return commands.Outcome{}, false, nil
	}
	var fp, body []byte
	err := o.get.QueryRowContext(ctx, id[:]).Scan(&fp, &body)
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

// Put records the outcome of id, keeping an earlier record if there is one,
// and returns once it is durable.
func (o *Outcomes) Put(ctx context.Context, id commands.CommandID, out commands.Outcome) error {
	body, err := json.Marshal(stored{Accepted: out.Accepted, Refusal: out.Refusal})
	if err != nil {
		return fmt.Errorf("encode outcome %s: %w", id, err)
	}
	o.known.add(id)
	req := putRequest{id: id, fingerprint: out.Fingerprint, body: body, urgent: out.Accepted == nil, done: make(chan error, 1)}
	select {
	case o.puts <- req:
	case <-o.stop:
		return fmt.Errorf("put outcome %s: %w", id, errOutcomesClosed)
	case <-ctx.Done():
		return fmt.Errorf("put outcome %s: %w", id, context.Cause(ctx))
	}
	select {
	case err := <-req.done:
		if err != nil {
			return fmt.Errorf("put outcome %s: %w", id, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("put outcome %s: %w", id, context.Cause(ctx))
	}
}

// write is the writer goroutine: it takes a record and every other one
// already waiting — and, for acceptances alone, those arriving within
// acceptLinger — and commits them together.
func (o *Outcomes) write(ctx context.Context) {
	defer close(o.done)
	batch := make([]putRequest, 0, maxBatch)
	linger := time.NewTimer(acceptLinger)
	linger.Stop()
	for {
		select {
		case <-o.stop:
			return
		case req := <-o.puts:
			batch = append(batch[:0], req)
		}
		urgent := batch[0].urgent
		if !urgent {
			linger.Reset(acceptLinger)
		}
	gather:
		for len(batch) < maxBatch {
			if urgent {
				select {
				case req := <-o.puts:
					batch = append(batch, req)
				default:
					break gather
				}
				continue
			}
			select {
			case req := <-o.puts:
				batch = append(batch, req)
				urgent = req.urgent
			case <-linger.C:
				break gather
			case <-o.stop:
				break gather
			}
		}
		linger.Stop()
		err := o.commit(ctx, batch)
		for _, req := range batch {
			req.done <- err
		}
	}
}

// commit writes batch in one transaction.
func (o *Outcomes) commit(ctx context.Context, batch []putRequest) error {
	tx, err := o.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	insert := tx.StmtContext(ctx, o.insert)
	now := o.now().UnixNano()
	for _, req := range batch {
		if _, err := insert.ExecContext(ctx, req.id[:], req.fingerprint[:], req.body, now); err != nil {
			return err
		}
	}
	return tx.Commit()
}
