package boards_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/boards"
)

// TestReconnectUnderLoad applies a log in one goroutine while a client of
// each agency drops its connection at random points — or is cut for being
// slow — and resumes after the last position it received, and while
// other goroutines read the boards, take checkpoints and are refused.
// Every client's reconstructed board must equal the board folded from the
// log, with no delta received twice or out of order. Run it with -race.
func TestReconnectUnderLoad(t *testing.T) {
	l := running()
	newGenerator(3, l).run(800)
	b := newBoards(t, boards.Config{RingSize: 64})
	setUp := len(everyone) + 1 // registrations and the proposal
	applyAll(t, b, l.envs[:setUp])

	applied := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(applied)
		for _, env := range l.envs[setUp:] {
			if err := b.Apply(t.Context(), env); err != nil {
				t.Errorf("Apply %s: %v", env.Position, err)
				return
			}
		}
	})
	results := make([]followed, len(participants))
	for i, a := range participants {
		wg.Go(func() { results[i] = follow(t.Context(), b, a, uint64(i), applied) })
	}
	wg.Go(func() { readAlong(t, b, applied) })
	wg.Wait()

	var reconnects, slow int
	for i, a := range participants {
		r := results[i]
		if r.err != nil {
			t.Errorf("agency %s: %v", a, r.err)
			continue
		}
		if got, want := mustJSON(t, r.client.view), folded(t, l.envs, opID, a); got != want {
			t.Errorf("agency %s after %d reconnections: reconstructed\n%s\nwant\n%s", a, r.reconnects, got, want)
		}
		reconnects += r.reconnects
		slow += r.slow
	}
	if reconnects < len(participants) {
		t.Errorf("%d reconnections in all: the test did not exercise resuming", reconnects)
	}
	t.Logf("%d reconnections, %d of them after a slow-consumer cut", reconnects, slow)
}

type followed struct {
	client     client
	reconnects int
	slow       int
	err        error
}

// follow is a client of agency a that reads a random number of frames,
// drops the connection, and resumes after the last position it received,
// until every event was applied.
func follow(ctx context.Context, b *boards.Boards, a domain.AgencyID, seed uint64, applied <-chan struct{}) followed {
	rng := rand.New(rand.NewPCG(seed, 7))
	var r followed
	for {
		finished := closed(applied)
		s, err := b.Subscribe(ctx, opID, viewer(a), r.client.position, 16)
		if err != nil {
			r.err = fmt.Errorf("subscribe after %q: %w", r.client.position, err)
			return r
		}
		if finished { // nothing more comes: what is queued is the rest
			for _, f := range drain(s) {
				if r.err = r.client.apply(f); r.err != nil {
					break
				}
			}
			s.Close()
			return r
		}
		r.err = read(s, &r.client, rng.IntN(24), applied)
		s.Close()
		if r.err != nil {
			return r
		}
		r.reconnects++
		if errors.Is(s.Err(), boards.ErrSlow) {
			r.slow++
		}
	}
}

// read receives up to n frames, or fewer if the subscription is cut or
// every event was applied.
func read(s *boards.Subscription, c *client, n int, applied <-chan struct{}) error {
	for range n {
		select {
		case f, ok := <-s.C():
			if !ok {
				return nil
			}
			if err := c.apply(f); err != nil {
				return err
			}
		case <-applied:
			return nil
		}
	}
	return nil
}

// readAlong reads the boards as REST handlers and the runner do while they
// change, and checks that an outsider is always refused.
func readAlong(t *testing.T, b *boards.Boards, applied <-chan struct{}) {
	for !closed(applied) {
		if _, _, ok := b.View(opID, viewer(agC)); !ok {
			t.Error("View of a participant: not found")
		}
		b.Operations(agD)
		b.Viewer(agB)
		b.Position()
		if _, err := b.Checkpoint(); err != nil {
			t.Errorf("Checkpoint: %v", err)
		}
		if _, err := b.Subscribe(t.Context(), opID, viewer(outsider), "", 4); !errors.Is(err, boards.ErrNotFound) {
			t.Errorf("Subscribe of an outsider: %v, want ErrNotFound", err)
		}
	}
}

func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
