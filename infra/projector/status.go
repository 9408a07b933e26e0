package projector

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// Phase is what a projection is doing.
type Phase string

// Phases of a projection.
const (
	PhaseStarting   Phase = "starting"    // before Run, or restoring its checkpoint
	PhaseCatchingUp Phase = "catching-up" // reading the store directly
	PhaseLive       Phase = "live"        // consuming its subscription
	PhaseRebuilding Phase = "rebuilding"  // catching up from zero after Rebuild
	PhaseStopped    Phase = "stopped"     // Run returned
	PhaseFailed     Phase = "failed"      // stopped by a failure (see Error)
)

// ProjectionStatus is the state of one projection, for an admin endpoint
// and heartbeats.
type ProjectionStatus struct {
	Name  string `json:"name"`
	Phase Phase  `json:"phase"`
	// Position is the last event handled (folded, skipped or poisoned);
	// "" before the first.
	Position string `json:"position"`
	// Head is the head of the log as last polled; "" for an empty log.
	Head string `json:"head"`
	// Lag is the number of events after Position up to Head, counted up
	// to the runner's LagLimit; LagAtLeast says the count stopped there.
	// Both are measured every HeadInterval (LagMeasured is false before
	// the first measure).
	Lag         int  `json:"lag"`
	LagAtLeast  bool `json:"lag_at_least"`
	LagMeasured bool `json:"lag_measured"`
	// CaughtUp is true once the projection reached the head seen when Run
	// began; it stays true.
	CaughtUp bool `json:"caught_up"`
	// Poisoned counts the events given up on since New; RecentPoison
	// lists the last ones, oldest first. All are in the poison topic of
	// the log as well.
	Poisoned     uint64         `json:"poisoned"`
	RecentPoison []PoisonRecord `json:"recent_poison"`
	// Rebuilds counts the rebuilds since New.
	Rebuilds int `json:"rebuilds"`
	// LiveSince is when the projection last switched to its subscription.
	LiveSince time.Time `json:"live_since,omitzero"`
	// Error says why a failed projection stopped.
	Error string `json:"error,omitempty"`
}

// LagText renders the lag as a count, "10000+" when it is at least that.
func (s ProjectionStatus) LagText() string {
	n := strconv.Itoa(s.Lag)
	if s.LagAtLeast {
		n += "+"
	}
	return n
}

// lagRecheck is how many head polls a lag that reached LagLimit stands
// before it is counted again: far behind, the count reads LagLimit events
// every time, which a catch-up at full speed can do without.
const lagRecheck = 10

// lagReading is the last measure of a projection's lag.
type lagReading struct {
	measured bool
	at       time.Time
	from     mark // handled position measured from
	head     mark // head measured to
	n        int
	atLeast  bool
}

func (s *slot) status() ProjectionStatus {
	head := func() mark {
		p, ok := s.r.Head()
		return mark{pos: p, ok: ok}
	}()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := ProjectionStatus{
		Name:         s.name,
		Phase:        s.phase,
		Position:     s.handled.String(),
		Head:         head.String(),
		Lag:          s.lag.n,
		LagAtLeast:   s.lag.atLeast,
		LagMeasured:  s.lag.measured,
		CaughtUp:     s.ready,
		Poisoned:     s.poison.count,
		RecentPoison: slices.Clone(s.poison.recent),
		Rebuilds:     s.rebuilt,
		LiveSince:    s.liveFrom,
	}
	if s.failure != nil {
		st.Error = s.failure.Error()
	}
	return st
}

func (s *slot) phaseIs(p Phase) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.phase == p
}

// watchHead polls the log head every HeadInterval and measures each
// projection's lag, until ctx is done.
func (r *Runner) watchHead(ctx context.Context) {
	tick := time.NewTicker(r.cfg.HeadInterval)
	defer tick.Stop()
	for {
		r.pollHead(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (r *Runner) pollHead(ctx context.Context) {
	p, ok, err := r.cfg.Store.Head(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("polling the log head failed", slog.Any("error", err))
		}
		return
	}
	head := mark{pos: p, ok: ok}
	r.mu.Lock()
	r.head = head
	start := r.startHead
	r.mu.Unlock()
	for _, s := range r.slots {
		if err := s.measureLag(ctx, head, start); err != nil && ctx.Err() == nil {
			s.log.Warn("measuring the lag failed", slog.Any("error", err))
		}
	}
}

// measureLag counts the events the projection has still to handle up to
// head, reading at most LagLimit of them; while it has not caught up, a
// count that finds nothing to handle up to the start head makes it ready
// (what remains there is of no concern to projections: offset streams).
func (s *slot) measureLag(ctx context.Context, head, start mark) error {
	s.mu.Lock()
	from, prev, ready := s.handled, s.lag, s.ready
	s.mu.Unlock()
	switch {
	case prev.measured && prev.from == from && prev.head == head:
		return nil
	case prev.measured && prev.atLeast && time.Since(prev.at) < lagRecheck*s.r.cfg.HeadInterval:
		return nil
	}
	if !ready && s.r.reachedStart(from) { // an empty log at the start
		s.markReady()
	}
	reading := lagReading{measured: true, at: time.Now(), from: from, head: head}
	if head.ok && from.before(head.pos) {
		n, atLeast, clearToStart, err := s.r.countPending(ctx, from, head.pos, start)
		if err != nil {
			return err
		}
		reading.n, reading.atLeast = n, atLeast
		if !ready && clearToStart {
			s.markReady()
		}
	}
	s.mu.Lock()
	if !(from.ok && s.handled.before(from.pos)) { // else a rebuild began meanwhile
		s.lag = reading
	}
	s.mu.Unlock()
	return nil
}

// countPending counts the events a projection would handle after from up
// to head, reading at most LagLimit events; atLeast says the count stopped
// at the limit. clearToStart reports that none of them is at or before
// start.
func (r *Runner) countPending(ctx context.Context, from mark, head eventstore.Position, start mark) (n int, atLeast, clearToStart bool, err error) {
	cursor := from.cursor()
	clearToStart = true
	var last eventstore.Position
	for read := 0; read < r.cfg.LagLimit; {
		events, err := r.cfg.Store.ReadAll(ctx, eventstore.Forwards, cursor, min(r.cfg.LagLimit-read, r.cfg.CatchUpPage))
		if err != nil {
			return 0, false, false, err
		}
		if len(events) == 0 {
			return n, false, clearToStart, nil
		}
		for _, ev := range events {
			if head.Less(ev.Position) {
				return n, false, clearToStart, nil
			}
			if deliverable(ev.Stream) {
				n++
				if start.ok && !start.pos.Less(ev.Position) {
					clearToStart = false
				}
			}
		}
		read += len(events)
		last = events[len(events)-1].Position
		cursor = eventstore.After(last)
	}
	// Stopped at the limit: what lies beyond was not looked at.
	sawStart := !start.ok || !last.Less(start.pos)
	return n, true, clearToStart && sawStart, nil
}
