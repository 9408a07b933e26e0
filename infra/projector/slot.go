package projector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// stopSaveTimeout bounds the save of a catch-up's progress when stopping.
const stopSaveTimeout = 5 * time.Second

// mark is a place in the log that may be "nothing yet".
type mark struct {
	pos eventstore.Position
	ok  bool
}

func (m mark) String() string {
	if !m.ok {
		return ""
	}
	return m.pos.String()
}

// cursor is where a forwards read continues after m.
func (m mark) cursor() eventstore.Cursor {
	if !m.ok {
		return eventstore.Start
	}
	return eventstore.After(m.pos)
}

// before reports whether p comes after m: an event at p is still to be
// handled.
func (m mark) before(p eventstore.Position) bool { return !m.ok || m.pos.Less(p) }

// rebuildRequest asks a slot to rebuild its projection; done receives the
// outcome once the projection is live again.
type rebuildRequest struct{ done chan error }

// slot runs one projection: restore, catch up, subscribe; rebuild on
// request.
type slot struct {
	r      *Runner
	p      Projection
	fold   func(context.Context, projections.Envelope) error // the catch-up's: Folder.Fold, else Apply
	name   string
	log    *slog.Logger
	member string // member name of the catch-up's saves

	rebuilds chan rebuildRequest
	stopped  chan struct{}
	stopOnce sync.Once
	waiting  []rebuildRequest // owned by the run goroutine

	// offset is the group's offset as this slot's catch-up last loaded or
	// saved it. Owned by the run goroutine.
	offset bus.Offset

	mu       sync.Mutex
	phase    Phase
	handled  mark // last event handled: folded, skipped or poisoned
	ready    bool
	lag      lagReading
	poison   poisonLog
	failure  error
	rebuilt  int
	liveFrom time.Time
}

func newSlot(r *Runner, p Projection) *slot {
	name := p.Name()
	fold := p.Apply
	if f, ok := p.(Folder); ok {
		fold = f.Fold
	}
	return &slot{
		r:        r,
		p:        p,
		fold:     fold,
		name:     name,
		log:      r.log.With(slog.String("projection", name)),
		member:   r.id + "/" + name + "/catch-up",
		rebuilds: make(chan rebuildRequest),
		stopped:  make(chan struct{}),
		phase:    PhaseStarting,
		poison:   poisonLog{limit: r.cfg.PoisonHistory},
	}
}

// run keeps the projection current until ctx is done (nil) or it fails.
func (s *slot) run(ctx context.Context) (err error) {
	defer func() {
		if ctx.Err() != nil && isCancellation(err) {
			err = nil
		}
		s.finish(err)
	}()
	if err := s.restore(ctx); err != nil {
		return err
	}
	for {
		next, err := s.catchUp(ctx)
		if err != nil {
			if ctx.Err() != nil {
				s.saveOnStop(ctx)
			}
			return err
		}
		if next != nil {
			if err := s.startRebuild(ctx, *next); err != nil {
				return err
			}
			continue
		}
		// The switch saves even when nothing changed: the offset the
		// subscription loads is then this runner's, so a runner it
		// replaces on the same file is fenced out at its next save.
		if err := s.save(ctx, true); err != nil {
			return fmt.Errorf("projector: %s: save at switch to subscription: %w", s.name, err)
		}
		next, err = s.live(ctx)
		if err != nil || next == nil {
			return err
		}
		if err := s.startRebuild(ctx, *next); err != nil {
			return err
		}
	}
}

// isCancellation reports an error caused by stopping, not by a failure.
func isCancellation(err error) bool {
	return err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// finish records why the slot stopped, answers pending rebuilds and marks
// the slot stopped.
func (s *slot) finish(err error) {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.phase = PhaseStopped
		if err != nil {
			s.phase, s.failure = PhaseFailed, err
		}
		s.mu.Unlock()
		answer := err
		if answer == nil {
			answer = ErrNotRunning
		}
		for _, req := range s.waiting {
			req.done <- fmt.Errorf("projector: rebuild %s: %w", s.name, answer)
		}
		s.waiting = nil
		close(s.stopped)
	})
}

// restore loads the checkpoint into the projection. A checkpoint the
// projection cannot read for its version or damage is dropped: the
// projection is rebuilt from zero.
func (s *slot) restore(ctx context.Context) error {
	saved, err := s.r.checkpoints.LoadCheckpoint(ctx, s.name)
	if err != nil {
		return err
	}
	if !saved.Offset.Found() {
		s.log.Info("no checkpoint: building from the start of the log")
		return nil
	}
	handled := mark{pos: saved.Offset.Position, ok: true}
	err = s.p.Restore(saved.Position, saved.Parts)
	if err == nil && saved.Position != "" {
		var state eventstore.Position
		if state, err = eventstore.ParsePosition(saved.Position); err == nil && handled.pos.Less(state) {
			handled.pos = state
		}
		if err != nil {
			err = fmt.Errorf("%w: state position: %w", projections.ErrSnapshotCorrupt, err)
		}
	}
	switch {
	case err == nil:
		s.offset = saved.Offset
		s.advance(handled)
		s.log.Info("checkpoint restored", slog.String("position", handled.String()), slog.Int("parts", len(saved.Parts)))
		return nil
	case errors.Is(err, projections.ErrSnapshotVersion):
		s.log.Info("checkpoint written by another version: rebuilding from zero", slog.Any("reason", err))
	case errors.Is(err, projections.ErrSnapshotCorrupt):
		s.log.Warn("checkpoint unreadable: rebuilding from zero", slog.Any("error", err))
	default:
		return fmt.Errorf("projector: restore %s: %w", s.name, err)
	}
	return s.reset(ctx)
}

// reset deletes the checkpoint, then empties the projection: a crash in
// between rebuilds from zero all the same.
func (s *slot) reset(ctx context.Context) error {
	if err := s.r.checkpoints.DeleteCheckpoint(ctx, s.name); err != nil {
		return err
	}
	s.p.Reset()
	s.offset = bus.Offset{}
	s.mu.Lock()
	s.handled = mark{}
	s.lag = lagReading{}
	s.mu.Unlock()
	return nil
}

// startRebuild resets the projection for a rebuild asked for by req,
// which is answered once the projection is live again.
func (s *slot) startRebuild(ctx context.Context, req rebuildRequest) error {
	s.waiting = append(s.waiting, req)
	s.log.Info("rebuilding from zero")
	s.setPhase(PhaseRebuilding)
	if err := s.reset(ctx); err != nil {
		return fmt.Errorf("projector: rebuild %s: %w", s.name, err)
	}
	s.mu.Lock()
	s.rebuilt++
	s.mu.Unlock()
	return nil
}

// answerRebuilds tells the callers of Rebuild that the projection is live
// again.
func (s *slot) answerRebuilds() {
	for _, req := range s.waiting {
		req.done <- nil
	}
	s.waiting = nil
}

// save stores the checkpoint — the projection's changed parts and the
// last handled position as the group's offset — unless nothing was
// handled yet, or since the last save and force is false.
func (s *slot) save(ctx context.Context, force bool) error {
	h := s.handledMark()
	if !h.ok || (!force && s.offset.Found() && s.offset.Position == h.pos) {
		return nil
	}
	stored, err := s.r.checkpoints.Save(ctx, s.name, bus.TopicAll, bus.Offset{Position: h.pos, Version: s.offset.Version, Member: s.member})
	if err != nil {
		return err
	}
	s.offset = stored
	return nil
}

// saveOnStop saves the progress of a catch-up that was stopped, so that
// the next start goes on from there.
func (s *slot) saveOnStop(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stopSaveTimeout)
	defer cancel()
	if err := s.save(ctx, false); err != nil {
		s.log.Warn("saving the catch-up's progress failed; the next start folds it again", slog.Any("error", err))
	}
}

// advance records that every event up to h was handled; it never moves
// back (only a reset does).
func (s *slot) advance(h mark) {
	reached := s.r.reachedStart(h)
	s.mu.Lock()
	if s.handled.before(h.pos) {
		s.handled = h
	}
	first := reached && !s.ready
	if first {
		s.ready = true
	}
	s.mu.Unlock()
	if first {
		s.log.Info("caught up with the head seen at start", slog.String("position", h.String()))
	}
}

// markReady records that the projection reached the head seen at start
// (everything between was of no concern to it).
func (s *slot) markReady() {
	s.mu.Lock()
	first := !s.ready
	s.ready = true
	s.mu.Unlock()
	if first {
		s.log.Info("caught up with the head seen at start")
	}
}

func (s *slot) handledMark() mark {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handled
}

func (s *slot) setPhase(p Phase) {
	s.mu.Lock()
	s.phase = p
	if p == PhaseLive {
		s.liveFrom = time.Now()
	}
	s.mu.Unlock()
}

// apply folds env with the projection's Apply, turning a panic into an
// error.
func (s *slot) apply(ctx context.Context, env projections.Envelope) error {
	return s.guarded(ctx, s.p.Apply, env)
}

// guarded calls fold, turning a panic into an error.
func (s *slot) guarded(ctx context.Context, fold func(context.Context, projections.Envelope) error, env projections.Envelope) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("projector: %s panicked on %s: %v", s.name, env.Position, v)
		}
	}()
	return fold(ctx, env)
}

// foldRetrying folds env for the catch-up (Folder.Fold when the
// projection has it), retrying a failure with backoff as the live path's
// router does; it returns the last error.
func (s *slot) foldRetrying(ctx context.Context, env projections.Envelope) error {
	delay := s.r.cfg.RetryInitialInterval
	for attempt := 0; ; attempt++ {
		err := s.guarded(ctx, s.fold, env)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case attempt >= s.r.cfg.MaxRetries:
			return err
		}
		s.log.Warn("apply failed, retrying", slog.String("position", env.Position), slog.Int("attempt", attempt+1), slog.Any("error", err))
		if !sleep(ctx, delay) {
			return ctx.Err()
		}
		delay = min(2*delay, s.r.cfg.RetryMaxInterval)
	}
}

// sleep waits for d or until ctx is done, reporting whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
