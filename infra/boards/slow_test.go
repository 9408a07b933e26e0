package boards_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
)

// TestSlowSubscriberIsCut fills a subscriber's queue and checks that it
// is cut with ErrSlow naming the last position queued, that the frames
// queued before are still delivered, that other subscribers are not held
// up, and that resuming after that position continues exactly.
func TestSlowSubscriberIsCut(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	slow := subscribe(t, b, agB, "", 3) // the snapshot, then room for two deltas
	fast := subscribe(t, b, agB, "", 64)

	start := len(l.envs)
	for i := range 5 {
		l.add(positioned(opID, uint64(200+i), agB, mark(agB, marking.TLPGreen), 48+float64(i)/100))
	}
	applyAll(t, b, l.envs[start:])

	select {
	case <-slow.Done():
	default:
		t.Fatal("the slow subscriber was not cut")
	}
	var slowErr *boards.SlowError
	if err := slow.Err(); !errors.Is(err, boards.ErrSlow) || !errors.As(err, &slowErr) {
		t.Fatalf("Err = %v, want a *SlowError (ErrSlow)", err)
	}
	queued := readAll(t, slow)
	if len(queued) != 3 || slowErr.Position != queued[2].Position || slowErr.Position != l.envs[start+1].Position {
		t.Fatalf("queued %v, error names %q; want the snapshot and two deltas, the error naming the last (%s)",
			positions(queued), slowErr.Position, l.envs[start+1].Position)
	}
	if got := drain(fast); len(got) != 6 {
		t.Errorf("the other subscriber got %d frames, want the snapshot and 5 deltas", len(got))
	}

	var c client
	c.receive(t, queued)
	resumed := drain(subscribe(t, b, agB, slowErr.Position, 64))
	if got, want := positions(resumed), []string{l.envs[start+2].Position, l.envs[start+3].Position, l.envs[start+4].Position}; !slices.Equal(got, want) {
		t.Fatalf("resumed with %v, want %v", got, want)
	}
	c.receive(t, resumed)
	if got, want := mustJSON(t, c.view), folded(t, l.envs, opID, agB); got != want {
		t.Errorf("reconstructed\n%s\nwant\n%s", got, want)
	}
}

// TestSubscriptionEnds checks each way a subscription ends: Close, its
// context, and a reset of the boards; and that Subscribe refuses an
// ended context.
func TestSubscriptionEnds(t *testing.T) {
	l := running()
	tests := []struct {
		name string
		end  func(b *boards.Boards, s *boards.Subscription, cancel context.CancelFunc)
		want []error
	}{
		{"closed", func(_ *boards.Boards, s *boards.Subscription, _ context.CancelFunc) { s.Close(); s.Close() }, []error{boards.ErrClosed}},
		{"context cancelled", func(_ *boards.Boards, _ *boards.Subscription, cancel context.CancelFunc) { cancel() }, []error{boards.ErrClosed, context.Canceled}},
		{"boards reset", func(b *boards.Boards, _ *boards.Subscription, _ context.CancelFunc) { b.Reset() }, []error{boards.ErrReset}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBoards(t, boards.Config{})
			applyAll(t, b, l.envs)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := b.Subscribe(ctx, opID, viewer(agA), "", 8)
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			if err := s.Err(); err != nil {
				t.Fatalf("Err before the end = %v", err)
			}
			tt.end(b, s, cancel)
			<-s.Done()
			for _, want := range tt.want {
				if err := s.Err(); !errors.Is(err, want) {
					t.Errorf("Err = %v, want %v", err, want)
				}
			}
			if frames := readAll(t, s); len(frames) != 1 || frames[0].Kind != boards.KindSnapshot {
				t.Errorf("frames %v, want the snapshot queued before the end", positions(frames))
			}
		})
	}
	t.Run("ended context", func(t *testing.T) {
		b := newBoards(t, boards.Config{})
		applyAll(t, b, l.envs)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if s, err := b.Subscribe(ctx, opID, viewer(agA), "", 8); !errors.Is(err, context.Canceled) {
			t.Fatalf("Subscribe = %v, %v; want context.Canceled", s, err)
		}
	})
}

// readAll reads the frames of an ended subscription until C closes.
func readAll(t testing.TB, s *boards.Subscription) []*boards.Frame {
	t.Helper()
	var out []*boards.Frame
	for f := range s.C() {
		out = append(out, f)
	}
	return out
}

// TestLiveDeltasWaitForTheSnapshot applies events while a new subscriber's
// snapshot is being encoded (outside the board's lock) and checks that
// they come after it, in order — or, when more came than its queue has
// room for, that it is cut for being slow right after the snapshot.
func TestLiveDeltasWaitForTheSnapshot(t *testing.T) {
	tests := []struct {
		name   string
		queue  int
		deltas int
		cut    bool
	}{
		{"room for them", 4, 3, false},
		{"more than the room", 3, 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := running()
			b := newBoards(t, boards.Config{})
			applyAll(t, b, l.envs)
			s, finish, err := boards.SubscribeInSteps(t.Context(), b, opID, viewer(agC), "", tt.queue)
			if err != nil {
				t.Fatalf("register: %v", err)
			}
			defer s.Close()
			_, snapshotAt, _ := b.View(opID, viewer(agC))
			start := len(l.envs)
			for i := range tt.deltas {
				l.add(observed(uint64(900+i), agC, mark(agC, marking.TLPGreen), "meanwhile"))
			}
			applyAll(t, b, l.envs[start:])
			if got := drain(s); len(got) != 0 {
				t.Fatalf("frames %v before the snapshot was queued", positions(got))
			}
			finish()

			got := drain(s)
			var want []string
			if want = []string{snapshotAt}; !tt.cut {
				for _, env := range l.envs[start:] {
					want = append(want, env.Position)
				}
			}
			if !slices.Equal(positions(got), want) || got[0].Kind != boards.KindSnapshot {
				t.Fatalf("frames %v, want %v, a snapshot first", positions(got), want)
			}
			var slowErr *boards.SlowError
			if cut := errors.As(s.Err(), &slowErr); cut != tt.cut || (cut && slowErr.Position != snapshotAt) {
				t.Fatalf("Err = %v, want cut %t after %s", s.Err(), tt.cut, snapshotAt)
			}
			var c client
			c.receive(t, got)
			if tt.cut {
				c.receive(t, drain(subscribe(t, b, agC, slowErr.Position, 8)))
			}
			if got, want := mustJSON(t, c.view), folded(t, l.envs, opID, agC); got != want {
				t.Errorf("reconstructed\n%s\nwant\n%s", got, want)
			}
		})
	}
}
