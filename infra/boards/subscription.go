package boards

import "github.com/jointops/jointops/domain/marking"

// Subscription is one subscriber of a board's live feed: first a snapshot
// or the deltas it missed, then every delta its viewer may see, in log
// order. It ends when it is closed, its context ends, it falls behind
// (ErrSlow) or the boards are reset (ErrReset); C then closes once the
// frames already queued are read.
type Subscription struct {
	feed   *feed
	viewer marking.Viewer
	ch     chan *Frame
	done   chan struct{}
	stop   func() bool // stops watching the context

	// Guarded by feed.mu.
	group    *group
	index    int // in group.subs
	last     string
	err      error
	holding  bool     // live frames wait in held until the first frames are queued
	held     []*Frame // live frames held back
	room     int      // how many frames may be held back
	overflow bool     // more were due than room: cut once the first are queued
}

// C delivers the frames in order. It is closed after the subscription
// ended and every frame queued before was read.
func (s *Subscription) C() <-chan *Frame { return s.ch }

// Done is closed when the subscription ends.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err returns why the subscription ended — a *SlowError (ErrSlow),
// ErrClosed (wrapping the context's cause when the context ended),
// ErrReset, or the error of encoding a delta — or nil while it runs.
func (s *Subscription) Err() error {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	return s.err
}

// Position returns the position of the last frame queued for the
// subscriber ("" before the first).
func (s *Subscription) Position() string {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	return s.last
}

// Viewer returns the agency view the subscription follows.
func (s *Subscription) Viewer() marking.Viewer { return s.viewer }

// Close ends the subscription with ErrClosed; it is safe to call more than
// once and concurrently.
func (s *Subscription) Close() {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	s.end(ErrClosed)
}

// send queues f without blocking; a full queue ends the subscription with
// ErrSlow. Called with feed.mu held.
func (s *Subscription) send(f *Frame) {
	if s.holding {
		if len(s.held) == s.room {
			s.overflow = true
			s.feed.remove(s) // nothing more to hold: it is cut on release
			return
		}
		s.held = append(s.held, f)
		return
	}
	select {
	case s.ch <- f:
		s.last = f.Position
	default:
		s.end(&SlowError{Position: s.last})
	}
}

// release queues the subscriber's first frames, then the live frames held
// back meanwhile, which fit as room was left for them — unless more were
// due: then the subscriber is cut for being slow after its first frames.
// Called with feed.mu held.
func (s *Subscription) release(first []*Frame) {
	for _, f := range first {
		s.ch <- f
		s.last = f.Position
	}
	if s.overflow {
		s.end(&SlowError{Position: s.last})
		return
	}
	for _, f := range s.held {
		s.ch <- f
		s.last = f.Position
	}
	s.holding, s.held = false, nil
}

// end ends the subscription with err, once. Called with feed.mu held.
func (s *Subscription) end(err error) {
	if s.err != nil {
		return
	}
	s.err = err
	s.feed.remove(s)
	if s.stop != nil {
		s.stop()
	}
	close(s.done)
	close(s.ch)
}
