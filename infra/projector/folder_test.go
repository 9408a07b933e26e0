package projector_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

// folder is a counter that also implements projector.Folder: it records
// which events came through Fold rather than Apply.
type folder struct {
	*counter

	mu    sync.Mutex
	folds map[string]int
}

var _ projector.Folder = (*folder)(nil)

func newFolder(name string) *folder {
	return &folder{counter: newCounter(name), folds: map[string]int{}}
}

func (f *folder) Fold(ctx context.Context, env projections.Envelope) error {
	f.mu.Lock()
	f.folds[env.Position]++
	f.mu.Unlock()
	return f.Apply(ctx, env)
}

// folded returns how often each position came through Fold.
func (f *folder) folded() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.folds)
}

// TestCatchUpFoldsAndTheSubscriptionApplies: a projection that implements
// Folder gets every event of a catch-up, and of a rebuild, through Fold,
// and every event delivered by the subscription through Apply.
func TestCatchUpFoldsAndTheSubscriptionApplies(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 500)
	f := newFolder("folder")
	r := start(t, e.config(t), f)
	waitLive(t, r.Runner, e.store, "folder")
	caughtUp := foldable(t, e.store, e.world.codec)

	e.appendTraffic(t, 200)
	waitLive(t, r.Runner, e.store, "folder")
	all := foldable(t, e.store, e.world.codec)
	assertOnce(t, f.counter, all)
	checkFolds := func(want []string) {
		t.Helper()
		folds := f.folded()
		for _, p := range want {
			if folds[p] != 1 {
				t.Fatalf("event at %s folded %d times, want once", p, folds[p])
			}
		}
		if len(folds) != len(want) {
			t.Fatalf("%d events folded, want the %d of the catch-up", len(folds), len(want))
		}
	}
	checkFolds(caughtUp)

	// A rebuild is a catch-up from zero.
	f.mu.Lock()
	f.folds = map[string]int{}
	f.mu.Unlock()
	if err := r.Rebuild(t.Context(), "folder"); err != nil {
		t.Fatal(err)
	}
	checkFolds(all)
	assertOnce(t, f.counter, all)
}

// TestAFoldThatKeepsFailingIsPoisoned: Fold errors are retried and
// poisoned as Apply errors are.
func TestAFoldThatKeepsFailingIsPoisoned(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 100)
	evs := foldable(t, e.store, e.world.codec)
	bad := evs[len(evs)/2]
	f := newFolder("folder")
	f.failing = func(pos string) error {
		if pos == bad {
			return errors.New("cannot fold this one")
		}
		return nil
	}
	r := start(t, e.config(t), f)
	waitLive(t, r.Runner, e.store, "folder")
	if st := statusOf(t, r.Runner, "folder"); st.Poisoned != 1 {
		t.Fatalf("status %+v, want one event poisoned", st)
	}
	if applies, _ := f.tries(bad); applies != 1+e.config(t).MaxRetries {
		t.Errorf("the failing event was tried %d times, want %d", applies, 1+e.config(t).MaxRetries)
	}
	if f.folded()[bad] != 1+e.config(t).MaxRetries {
		t.Errorf("the failing event came %d times through Fold", f.folded()[bad])
	}
	assertOnce(t, f.counter, slices.DeleteFunc(evs, func(p string) bool { return p == bad }))
}

// TestTheBoardsCatchUpSubscribeAndRebuild runs the real boards
// projection: caught up with Fold, kept live with Apply — a subscriber
// gets the deltas — and rebuilt to the same boards, ending its
// subscribers with ErrReset.
func TestTheBoardsCatchUpSubscribeAndRebuild(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 400)
	b, err := boards.New(boards.Config{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	r := start(t, e.config(t), b)
	waitLive(t, r.Runner, e.store, boards.Name)
	op, agency := e.world.ops[0], e.world.agencies[1]
	sub, err := b.Subscribe(t.Context(), op, b.Viewer(agency), "", 4096)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	e.appendTraffic(t, 100)
	waitLive(t, r.Runner, e.store, boards.Name)
	deltas := 0
	for len(sub.C()) > 0 {
		if fr := <-sub.C(); fr.Kind == boards.KindDelta {
			deltas++
		}
	}
	if deltas == 0 {
		t.Fatal("the subscriber got no delta from the live subscription")
	}

	views := func() map[string]string {
		out := map[string]string{}
		for _, op := range e.world.ops {
			for _, a := range e.world.agencies {
				v, at, ok := b.View(op, b.Viewer(a))
				data, err := json.Marshal(v)
				if err != nil || !ok {
					t.Fatalf("view of %s for %s: %v, %t", op, a, err, ok)
				}
				out[op.String()+"/"+a.String()] = at + " " + string(data)
			}
		}
		return out
	}
	before := views()
	if err := r.Rebuild(t.Context(), boards.Name); err != nil {
		t.Fatal(err)
	}
	if after := views(); !maps.Equal(after, before) {
		t.Error("the rebuilt boards differ from the boards kept live")
	}
	<-sub.Done()
	if !errors.Is(sub.Err(), boards.ErrReset) {
		t.Errorf("subscription ended with %v, want ErrReset", sub.Err())
	}
}
