package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
)

// checkpointer copies the WAL back into the database file on a connection
// of its own. SQLite would otherwise do it inside the commit that crosses
// its threshold, stalling that commit and every append queued behind it;
// here it runs beside the writer (a PASSIVE checkpoint never blocks it) and
// the writer only signals that enough was written.
type checkpointer struct {
	db     *sql.DB
	log    *slog.Logger
	wake   chan struct{}
	done   chan struct{}
	exited chan struct{}
}

func newCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	return &checkpointer{
		db:     db,
		log:    log,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
}

// signal asks for a checkpoint without waiting; signals coalesce.
func (c *checkpointer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run checkpoints on every signal until stop.
func (c *checkpointer) run(ctx context.Context) {
	defer close(c.exited)
	for {
		select {
		case <-c.done:
			return
		case <-c.wake:
		}
		var busy, logFrames, done int
		err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
		if err != nil {
			c.log.Warn("checkpoint failed", slog.Any("err", err))
			continue
		}
		c.log.Debug("checkpoint", slog.Int("wal_frames", logFrames), slog.Int("checkpointed", done))
	}
}

// stop ends run and waits for it.
func (c *checkpointer) stop() {
	close(c.done)
	<-c.exited
}
