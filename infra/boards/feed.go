package boards

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// feed is one operation's board with its live feed: the ring of recent
// deltas and the subscribers grouped by viewer. Its lock orders applying a
// delta against subscribing, so a subscriber gets every delta exactly once.
type feed struct {
	op  domain.OperationID
	log *slog.Logger

	mu     sync.Mutex
	board  *board.Board
	ring   *ring
	groups map[marking.Viewer]*group
	gone   bool // the boards were reset: this feed serves no one any more
}

// group is the subscribers of one agency view.
type group struct {
	viewer marking.Viewer
	subs   []*Subscription
}

func newFeed(b *board.Board, ringSize int, log *slog.Logger) *feed {
	return &feed{
		op: b.Operation(), log: log.With("operation", b.Operation().String()),
		board: b, ring: newRing(ringSize), groups: map[marking.Viewer]*group{},
	}
}

// apply folds one event into the board, keeps its delta in the ring and
// sends it, as each view may see it, to that view's subscribers.
func (f *feed) apply(pos eventstore.Position, env projections.Envelope) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applyLocked(pos, env)
}

// fold folds one event into the board without its delta when no one
// subscribes, and as apply does otherwise. Without the delta the ring
// would have a hole: it restarts after pos instead, so a subscriber
// resuming from before pos gets a snapshot. Subscribing takes f.mu, so no
// subscriber can arrive between the check and the fold.
func (f *feed) fold(pos eventstore.Position, env projections.Envelope) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.groups) > 0 {
		f.applyLocked(pos, env)
		return
	}
	f.board.Fold(env)
	f.ring.restartAfter(pos)
}

// applyLocked is apply with f.mu held.
func (f *feed) applyLocked(pos eventstore.Position, env projections.Envelope) {
	d := f.board.Apply(env)
	if len(d.Changes) == 0 {
		return
	}
	f.ring.push(pos, d)
	var enc encoded
	for _, g := range f.groups {
		f.fanOut(g, d, &enc)
	}
}

// fanOut queues the frame of d as g's viewer may see it for each of g's
// subscribers: one frame for all of them, encoded at most once per view
// (once for all the views that see the same changes, see encoded).
// Called with f.mu held.
func (f *feed) fanOut(g *group, d board.Delta, enc *encoded) {
	fr, err := enc.frame(d, g.viewer)
	if err != nil {
		// Skipping the delta would leave a gap: cut the view's
		// subscribers, whose next subscription starts from a snapshot.
		f.log.Error("boards: cannot encode a delta; ending the view's subscriptions",
			"position", d.Position, "agency", g.viewer.Agency.String(), "error", err)
		for i := len(g.subs) - 1; i >= 0; i-- {
			g.subs[i].end(err)
		}
		return
	}
	if fr == nil {
		return
	}
	// Backwards: a cut subscriber is replaced by the last, already served.
	for i := len(g.subs) - 1; i >= 0; i-- {
		g.subs[i].send(fr)
	}
}

// participant reports whether viewer's agency takes part in the operation.
// Called with f.mu held.
func (f *feed) participant(viewer marking.Viewer) bool {
	return !viewer.Agency.IsZero() && slices.Contains(f.board.Participants(), viewer.Agency)
}

// subscribe registers a subscriber of viewer that has seen the board up to
// after ("" for nothing), ended with ctx. folded tells how far the boards
// have folded the log; it is read under f.mu, so every event up to it
// that belongs to this board is in the board. The subscriber's queue gets
// first what it lacks: the deltas after after when the ring has them all
// and they fit in the queue, a snapshot otherwise.
//
// What it lacks is taken and the subscriber registered under f.mu, so
// nothing is missed or repeated; encoding it, the slow part, happens after
// releasing f.mu, with the subscriber holding back the live frames that
// arrive meanwhile until its first frames are queued.
func (f *feed) subscribe(ctx context.Context, viewer marking.Viewer, after string, queue int, folded func() eventstore.Position) (*Subscription, error) {
	s, c, err := f.register(ctx, viewer, after, queue, folded)
	if err != nil {
		return nil, err
	}
	frames, err := c.encode(f.op)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		s.end(err)
		return nil, fmt.Errorf("boards: subscribe: %w", err)
	}
	if s.err != nil { // ended while encoding: closed, or reset
		return nil, fmt.Errorf("boards: subscribe: %w", s.err)
	}
	s.release(frames)
	return s, nil
}

// register takes what a new subscriber lacks and registers it, holding
// back live frames.
func (f *feed) register(ctx context.Context, viewer marking.Viewer, after string, queue int, folded func() eventstore.Position) (*Subscription, catchUp, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone || !f.participant(viewer) {
		return nil, catchUp{}, ErrNotFound
	}
	c := f.catchUp(viewer, after, queue, folded())
	s := &Subscription{
		feed: f, viewer: viewer, ch: make(chan *Frame, queue), done: make(chan struct{}),
		last: c.from, holding: true, room: queue - c.frames(),
	}
	g := f.groups[viewer]
	if g == nil {
		g = &group{viewer: viewer}
		f.groups[viewer] = g
	}
	s.group, s.index = g, len(g.subs)
	g.subs = append(g.subs, s)
	s.stop = context.AfterFunc(ctx, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		s.end(fmt.Errorf("%w: %w", ErrClosed, context.Cause(ctx)))
	})
	return s, c, nil
}

// catchUp is what a new subscriber lacks, not yet encoded: the deltas it
// missed since from, or a snapshot.
type catchUp struct {
	from   string // the position the deltas follow; "" before a snapshot
	deltas []*board.AgencyDelta
	view   *board.View // the snapshot, if not nil
	at     string      // the snapshot's position
}

func (c catchUp) frames() int {
	if c.view != nil {
		return 1
	}
	return len(c.deltas)
}

// encode returns the frames of c.
func (c catchUp) encode(op domain.OperationID) ([]*Frame, error) {
	if c.view != nil {
		fr, err := snapshotFrame(op, c.at, c.view)
		if err != nil {
			return nil, err
		}
		return []*Frame{fr}, nil
	}
	frames := make([]*Frame, len(c.deltas))
	for i, d := range c.deltas {
		fr, err := deltaFrame(d)
		if err != nil {
			return nil, err
		}
		frames[i] = fr
	}
	return frames, nil
}

// catchUp returns what a subscriber at after lacks, in at most queue
// frames. Called with f.mu held.
func (f *feed) catchUp(viewer marking.Viewer, after string, queue int, folded eventstore.Position) catchUp {
	if c, ok := f.resume(viewer, after, queue, folded); ok {
		return c
	}
	v := f.board.View(viewer)
	return catchUp{view: &v, at: f.board.Position()}
}

// resume returns the deltas viewer may see after position after; ok is
// false when they cannot be given exactly — no or a malformed position,
// one ahead of what was folded, one older than the ring reaches — or do
// not fit in queue frames. Called with f.mu held.
func (f *feed) resume(viewer marking.Viewer, after string, queue int, folded eventstore.Position) (catchUp, bool) {
	if after == "" {
		return catchUp{}, false
	}
	p, err := eventstore.ParsePosition(after)
	if err != nil || folded.Less(p) {
		return catchUp{}, false
	}
	deltas, ok := f.ring.since(p)
	if !ok {
		return catchUp{}, false
	}
	c := catchUp{from: p.String()}
	for _, d := range deltas {
		ad := d.For(viewer)
		if ad == nil {
			continue
		}
		if len(c.deltas) == queue {
			return catchUp{}, false
		}
		c.deltas = append(c.deltas, ad)
	}
	return c, true
}

// remove unregisters s. Called with f.mu held.
func (f *feed) remove(s *Subscription) {
	g := s.group
	if g == nil {
		return
	}
	last := g.subs[len(g.subs)-1]
	g.subs[s.index], last.index = last, s.index
	g.subs[len(g.subs)-1] = nil
	g.subs = g.subs[:len(g.subs)-1]
	if len(g.subs) == 0 {
		delete(f.groups, g.viewer)
	}
	s.group = nil
}

// shutDown ends every subscription with err and serves no one any more.
func (f *feed) shutDown(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gone = true
	for _, g := range f.groups {
		for i := len(g.subs) - 1; i >= 0; i-- {
			g.subs[i].end(err)
		}
	}
}
