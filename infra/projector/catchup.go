package projector

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// readAhead bounds the pages read and being decoded ahead of the fold.
const readAhead = 4

// page is one read of the log on its way through the catch-up: read,
// decoded by a worker, folded in order.
type page struct {
	events   []eventstore.RecordedEvent
	envs     []projections.Envelope
	verdicts []verdict
	errs     []error       // the decoding error of each undecodable event
	decoded  chan struct{} // closed once envs, verdicts and errs are set
}

// catchUp folds the log from the last handled event by reading the store
// directly: one goroutine reads pages, CatchUpWorkers decode them, and
// this goroutine folds them in log order. It stops after a page of fewer
// than CatchUpThreshold events — the projection is then within that many
// events of the head — or when a rebuild is requested (returned), or ctx
// is done.
func (s *slot) catchUp(ctx context.Context) (*rebuildRequest, error) {
	cfg := s.r.cfg
	if s.phaseIs(PhaseStarting) {
		s.setPhase(PhaseCatchingUp)
	}
	from := s.handledMark()
	start, folded := time.Now(), 0
	defer func() {
		if folded > 0 {
			elapsed := time.Since(start)
			s.log.Info("caught up from the store", slog.String("from", from.String()), slog.String("to", s.handledMark().String()),
				slog.Int("events", folded), slog.Duration("elapsed", elapsed),
				slog.Float64("events_per_s", float64(folded)/max(elapsed.Seconds(), 1e-9)))
		}
	}()

	readCtx, stop := context.WithCancel(ctx)
	var workers sync.WaitGroup
	defer func() {
		stop()
		workers.Wait()
	}()
	pages := make(chan *page, readAhead)
	work := make(chan *page, readAhead)
	var readErr error // set before pages is closed
	workers.Go(func() {
		defer close(pages)
		defer close(work)
		readErr = s.readPages(readCtx, from.cursor(), pages, work)
	})
	for range cfg.CatchUpWorkers {
		workers.Go(func() {
			for pg := range work {
				s.decodePage(pg)
			}
		})
	}

	lastSave := time.Now()
	for pg := range pages {
		select {
		case <-pg.decoded:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if err := s.foldPage(ctx, pg); err != nil {
			return nil, err
		}
		folded += len(pg.events)
		select {
		case req := <-s.rebuilds:
			return &req, nil
		default:
		}
		if time.Since(lastSave) >= cfg.CatchUpSaveInterval {
			if err := s.save(ctx, false); err != nil {
				return nil, fmt.Errorf("projector: %s: save during catch-up: %w", s.name, err)
			}
			lastSave = time.Now()
		}
	}
	if readErr != nil {
		return nil, fmt.Errorf("projector: %s: catch-up read: %w", s.name, readErr)
	}
	return nil, ctx.Err()
}

// readPages reads the log from cursor in pages, handing each to the
// decoders and, in order, to the fold, until a page is shorter than the
// threshold.
func (s *slot) readPages(ctx context.Context, cursor eventstore.Cursor, pages, work chan<- *page) error {
	cfg := s.r.cfg
	for {
		events, err := cfg.Store.ReadAll(ctx, eventstore.Forwards, cursor, cfg.CatchUpPage)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if len(events) == 0 {
			return nil
		}
		pg := &page{events: events, decoded: make(chan struct{})}
		select {
		case work <- pg:
		case <-ctx.Done():
			return nil
		}
		select {
		case pages <- pg:
		case <-ctx.Done():
			return nil
		}
		if len(events) < cfg.CatchUpThreshold {
			return nil
		}
		cursor = eventstore.After(events[len(events)-1].Position)
	}
}

// decodePage decodes every event of pg.
func (s *slot) decodePage(pg *page) {
	defer close(pg.decoded)
	pg.envs = make([]projections.Envelope, len(pg.events))
	pg.verdicts = make([]verdict, len(pg.events))
	pg.errs = make([]error, len(pg.events))
	for i := range pg.events {
		pg.envs[i], pg.verdicts[i], pg.errs[i] = decode(s.r.cfg.Decoder, pg.events[i])
	}
}

// foldPage folds the events of a decoded page in order (with Folder.Fold
// when the projection has it); an event the projection keeps failing on,
// or that does not decode, is poisoned.
func (s *slot) foldPage(ctx context.Context, pg *page) error {
	for i := range pg.events {
		var failure error
		switch pg.verdicts[i] {
		case fold:
			if err := s.foldRetrying(ctx, pg.envs[i]); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failure = err
			}
		case undecodable:
			failure = pg.errs[i]
		}
		if failure != nil {
			if err := s.poisonStored(ctx, pg.events[i], failure); err != nil {
				return err
			}
		}
	}
	s.advance(mark{pos: pg.events[len(pg.events)-1].Position, ok: true})
	return nil
}
