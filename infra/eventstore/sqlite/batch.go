package sqlite

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// runWriter is the writer goroutine. It takes the first queued append,
// adds whatever else is queued up to MaxBatch events, and commits them all
// in one transaction: appends arriving while a commit is in progress form
// the next batch (group commit).
//
// ctx carries no cancellation: the writer stops when Close closes s.done,
// and one caller giving up must not abort its batch-mates' transaction.
func (s *Store) runWriter(ctx context.Context) {
	defer close(s.writerDone)
	var carry *appendReq
	batch := make([]*appendReq, 0, 64)
	for {
		first := carry
		carry = nil
		if first == nil {
			select {
			case first = <-s.reqs:
			case <-s.done:
				s.failQueued()
				return
			}
		}
		batch = append(batch[:0], first)
		n := len(first.events)
	collect:
		for n < s.cfg.MaxBatch {
			select {
			case r := <-s.reqs:
				if n+len(r.events) > s.cfg.MaxBatch {
					carry = r
					break collect
				}
				batch = append(batch, r)
				n += len(r.events)
			default:
				break collect
			}
		}
		s.commitBatch(ctx, batch)
		s.regroup(len(batch))
		clear(batch)
	}
}

// maxRegroupYields bounds the wait of regroup.
const maxRegroupYields = 128

// regroup gives the callers just answered a moment to queue their next
// appends before the writer starts the next batch. Without it, concurrent
// callers settle into two cohorts that alternate (one commits while the
// other queues), halving the batch size and doubling the number of fsyncs
// per event. It only yields the processor, a few microseconds at most, and
// only after a batch of several appends: a lone writer never waits.
func (s *Store) regroup(answered int) {
	if answered < 2 {
		return
	}
	for range maxRegroupYields {
		if len(s.reqs) >= answered {
			return
		}
		runtime.Gosched()
	}
}

// failQueued answers the appends still queued at Close with ErrClosed.
// Close has already stopped new enqueues.
func (s *Store) failQueued() {
	for {
		select {
		case r := <-s.reqs:
			if r.claim() {
				r.answer(eventstore.AppendResult{}, s.errClosed("append to "+r.stream))
			}
		default:
			return
		}
	}
}

// commitBatch writes the appends of one batch in one transaction and
// answers each caller. A request that fails its own checks (wrong expected
// revision, duplicate ID) is answered with its error and does not affect the
// others; only a failure of the transaction itself fails them all.
func (s *Store) commitBatch(ctx context.Context, batch []*appendReq) {
	s.stats.batches.Add(1)
	w := s.w
	outs := w.outcomes[:0]
	write := false
	for _, r := range batch {
		if !r.claim() {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			r.answer(eventstore.AppendResult{}, err)
			continue
		}
		outs = append(outs, outcome{req: r})
		write = write || len(r.events) > 0
	}
	w.outcomes = outs
	if len(outs) == 0 {
		return
	}
	now := s.cfg.Clock().UnixNano()
	err := s.writeBatch(ctx, outs, write, now)
	if err != nil && write && s.landed(ctx, err) {
		err = nil
	}
	if err != nil {
		// The file may or may not hold part of the batch: forget every
		// cached head and read them again.
		w.heads.reset()
		s.log.Error("append batch failed", slog.Int("appends", len(outs)), slog.Any("err", err))
		for i := range outs {
			if outs[i].err == nil {
				outs[i].err = fmt.Errorf("%w: append to %s: %w", eventstore.ErrUnavailable, outs[i].req.stream, err)
			}
		}
	} else {
		for stream, h := range w.overlay {
			w.heads.put(stream, h)
		}
		if len(w.rows) > 0 {
			w.seq = w.rows[len(w.rows)-1].seq
			if s.onCommit != nil {
				s.onCommit(w.seq)
			}
			s.stats.commits.Add(1)
			s.stats.events.Add(uint64(len(w.rows)))
			s.ring.publish(recordedRows(w.rows, now))
			w.uncheckpointed += len(w.rows)
			if w.uncheckpointed >= s.cfg.CheckpointEvents ||
				w.uncheckpointed >= s.cfg.CheckpointMinEvents && time.Since(w.lastCheckpoint) >= s.cfg.CheckpointInterval {
				w.uncheckpointed, w.lastCheckpoint = 0, time.Now()
				s.ckpt.signal()
			}
		}
	}
	for i := range outs {
		o := &outs[i]
		if o.err == nil {
			s.stats.appends.Add(1)
		}
		o.req.answer(o.res, o.err)
	}
	clear(outs)
	clear(w.rows)
	w.rows = w.rows[:0]
}

// landed settles a failed write: a COMMIT can report an error after the
// transaction became durable, so the file decides (the batch is atomic: its
// last event present means all are). It also resynchronises the writer's
// position with the file.
func (s *Store) landed(ctx context.Context, cause error) bool {
	w := s.w
	if n := len(w.rows); n > 0 {
		last := &w.rows[n-1]
		var one int
		err := w.conn.QueryRowContext(ctx, "SELECT 1 FROM events WHERE seq = ? AND id = ?", int64(last.seq), last.event.ID[:]).Scan(&one)
		if err == nil {
			s.log.Warn("commit reported an error but the batch is durable", slog.Any("err", cause))
			return true
		}
	}
	var seq int64
	if err := w.conn.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM events").Scan(&seq); err != nil {
		s.log.Error("cannot read the log head after a failed write", slog.Any("err", err))
		return false
	}
	if last := uint64(seq); last != w.seq {
		// Someone wrote the file behind the store's back.
		s.log.Error("log head moved outside this store", slog.Uint64("expected", w.seq), slog.Uint64("found", last))
		w.seq = last
		s.ring.reset(last)
	}
	return false
}

// writeBatch plans the batch and, if it has events to write, inserts them
// in one transaction.
func (s *Store) writeBatch(ctx context.Context, outs []outcome, write bool, now int64) (err error) {
	w := s.w
	if write {
		if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer func() {
			if err != nil {
				if _, rerr := w.conn.ExecContext(ctx, "ROLLBACK"); rerr != nil {
					s.log.Warn("rollback failed", slog.Any("err", rerr))
				}
			}
		}()
	}
	if err := w.plan(ctx, outs); err != nil {
		return err
	}
	if len(w.rows) == 0 {
		if write {
			_, err := w.conn.ExecContext(ctx, "COMMIT")
			return wrapIf(err, "commit")
		}
		return nil
	}
	if err := w.insertRows(ctx, now); err != nil {
		return err
	}
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
