package projector_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

func TestRunnerFoldsEveryEventOnceThroughCatchUpAndSubscription(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 500)
	// Neither the bus's offset streams nor types this build does not know
	// reach the projection.
	if _, err := e.store.Append(t.Context(), "integration-partner", eventstore.Any(), rawEvent("partner.thing_happened")); err != nil {
		t.Fatal(err)
	}
	offsets := bus.NewLogOffsets(e.store)
	if _, err := offsets.Save(t.Context(), "hub", bus.TopicAll, bus.Offset{Position: eventstore.Position{Commit: 1, Prepare: 1}}); err != nil {
		t.Fatal(err)
	}

	c := newCounter("count")
	r := start(t, e.config(t), c)
	waitLive(t, r.Runner, e.store, "count")
	e.appendTraffic(t, 300) // delivered by the subscription
	waitLive(t, r.Runner, e.store, "count")

	assertOnce(t, c, foldable(t, e.store, e.world.codec))
	st := statusOf(t, r.Runner, "count")
	head, _, _ := e.store.Head(t.Context())
	if !st.CaughtUp || st.Head != head.String() || st.Poisoned != 0 || st.Error != "" {
		t.Errorf("status = %+v, want caught up at head %s, nothing poisoned", st, head)
	}
	waitFor(t, "lag measured as zero", func() bool {
		st := statusOf(t, r.Runner, "count")
		return st.LagMeasured && st.Lag == 0 && !st.LagAtLeast
	})
	if err := r.Ready(); err != nil {
		t.Errorf("Ready = %v, want nil", err)
	}
	if err := r.stop(t); err != nil {
		t.Errorf("Run = %v, want nil after Close", err)
	}
}

func TestRestartResumesWithoutReprocessingOrMissing(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 400)

	first := newCounter("count")
	r := start(t, e.config(t), first)
	waitLive(t, r.Runner, e.store, "count")
	e.appendTraffic(t, 100)
	waitLive(t, r.Runner, e.store, "count")
	if err := r.stop(t); err != nil {
		t.Fatalf("Run: %v", err)
	}
	_, before := first.state()

	e.appendTraffic(t, 200)
	second := newCounter("count")
	r = start(t, e.config(t), second)
	waitLive(t, r.Runner, e.store, "count")
	e.appendTraffic(t, 50)
	waitLive(t, r.Runner, e.store, "count")

	all := foldable(t, e.store, e.world.codec)
	assertOnce(t, second, all)
	if _, applies := second.state(); applies != len(all)-before {
		t.Errorf("the restarted projection folded %d events, want only the %d new ones", applies, len(all)-before)
	}
	if _, restores := second.tries(""); restores != 1 {
		t.Errorf("Restore called %d times, want 1", restores)
	}
}

func TestStoppingDuringCatchUpKeepsItsProgress(t *testing.T) {
	e := newEnv(t)
	e.appendTraffic(t, 600)
	first := newCounter("count")
	first.onApply = func(applies int) {
		if applies == 100 { // from now on, block until stopped
			first.gate = make(chan struct{})
		}
	}
	r := start(t, e.config(t), first)
	waitFor(t, "100 events folded", func() bool { _, n := first.state(); return n == 100 })
	if err := r.stop(t); err != nil {
		t.Fatalf("Run = %v", err)
	}

	second := newCounter("count")
	r = start(t, e.config(t), second)
	waitLive(t, r.Runner, e.store, "count")
	all := foldable(t, e.store, e.world.codec)
	assertOnce(t, second, all)
	if _, n := second.state(); n != len(all)-100 {
		t.Errorf("the second run folded %d events, want the %d the first had not", n, len(all)-100)
	}
}

func TestPoisonedEventIsRetriedRecordedAndSkipped(t *testing.T) {
	tests := []struct {
		name string
		// live: the bad event arrives through the subscription, else it is
		// in the log before the start (catch-up).
		live bool
	}{
		{name: "during catch-up", live: false},
		{name: "through the subscription", live: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			appendBatches(t, e.store, e.world.setUp(t))
			e.appendTraffic(t, 200)
			c := newCounter("count")
			var bad string
			if !tt.live {
				all := foldable(t, e.store, e.world.codec)
				bad = all[len(all)/2]
			}
			c.failing = func(pos string) error {
				if pos == bad {
					return errors.New("cannot fold this")
				}
				return nil
			}
			cfg := e.config(t)
			r := start(t, cfg, c)
			waitLive(t, r.Runner, e.store, "count")
			if tt.live {
				head, _, _ := e.store.Head(t.Context())
				c.mu.Lock()
				bad = eventstore.Position{Commit: head.Commit + 1, Prepare: head.Prepare + 1}.String()
				c.mu.Unlock()
			}
			e.appendTraffic(t, 50)
			waitFor(t, "the bad event poisoned", func() bool { return statusOf(t, r.Runner, "count").Poisoned == 1 })
			waitLive(t, r.Runner, e.store, "count")

			attempts, _ := c.tries(bad)
			if want := cfg.MaxRetries + 1; attempts != want {
				t.Errorf("the bad event was tried %d times, want %d", attempts, want)
			}
			var want []string
			for _, pos := range foldable(t, e.store, e.world.codec) {
				if pos != bad {
					want = append(want, pos)
				}
			}
			assertOnce(t, c, want)

			st := statusOf(t, r.Runner, "count")
			if len(st.RecentPoison) != 1 {
				t.Fatalf("recent poison = %+v, want one record", st.RecentPoison)
			}
			rec := st.RecentPoison[0]
			badEvent := eventAt(t, e.store, bad)
			if rec.Position != bad || rec.EventID != badEvent.ID.String() || rec.Stream != badEvent.Stream ||
				rec.Type != badEvent.Type || !strings.Contains(rec.Reason, "cannot fold this") {
				t.Errorf("poison record = %+v, want event %s at %s with the reason", rec, badEvent.ID, bad)
			}
			logged, err := e.store.ReadStream(t.Context(), projector.DefaultPoisonTopic, eventstore.Forwards, 0, 10)
			if err != nil {
				t.Fatalf("read poison topic: %v", err)
			}
			if len(logged) != 1 || !strings.Contains(string(logged[0].Metadata), badEvent.ID.String()) ||
				!strings.Contains(string(logged[0].Metadata), middleware.ReasonForPoisonedKey) {
				t.Errorf("poison topic holds %d events (%v), want the bad one with its reason", len(logged), logged)
			}
		})
	}
}

func TestPoisonedEventStaysSkippedAfterRestart(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 100)
	all := foldable(t, e.store, e.world.codec)
	bad := all[10]
	failing := func(pos string) error {
		if pos == bad {
			return errors.New("cannot fold this")
		}
		return nil
	}
	c := newCounter("count")
	c.failing = failing
	r := start(t, e.config(t), c)
	waitLive(t, r.Runner, e.store, "count")
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}

	again := newCounter("count")
	again.failing = failing
	r = start(t, e.config(t), again)
	waitLive(t, r.Runner, e.store, "count")
	if st := statusOf(t, r.Runner, "count"); st.Poisoned != 0 {
		t.Errorf("poisoned %d events after the restart, want 0: the bad one was already skipped", st.Poisoned)
	}
	if n, _ := again.tries(bad); n != 0 {
		t.Errorf("the bad event was tried %d times after the restart, want 0", n)
	}
}

func TestReadinessUntilTheStartHeadIsReached(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 300)
	c := newCounter("boards")
	gate := make(chan struct{})
	c.setGate(gate)
	cfg := e.config(t)
	r, err := projector.New(t.Context(), cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Ready(); !errors.Is(err, projector.ErrNotRunning) {
		t.Errorf("Ready before Run = %v, want ErrNotRunning", err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(t.Context()) }()

	want := len(foldable(t, e.store, e.world.codec))
	waitFor(t, "the lag measured", func() bool { return statusOf(t, r, "boards").LagMeasured })
	err = r.Ready()
	if !errors.Is(err, projector.ErrCatchingUp) {
		t.Fatalf("Ready while blocked = %v, want ErrCatchingUp", err)
	}
	if msg := fmt.Sprintf("catching up: boards %d events behind", want); err.Error() != msg {
		t.Errorf("Ready = %q, want %q", err, msg)
	}

	close(gate)
	waitFor(t, "ready", func() bool { return r.Ready() == nil })

	// Ready stays: a projection behind again (a burst, a rebuild) does
	// not withdraw it.
	c.setGate(make(chan struct{}))
	e.appendTraffic(t, 20)
	waitFor(t, "the projection behind", func() bool {
		st := statusOf(t, r, "boards")
		return st.LagMeasured && st.Lag > 0
	})
	if err := r.Ready(); err != nil {
		t.Errorf("Ready after a burst = %v, want nil", err)
	}
	// Stopping while an event is being applied does not poison it.
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	if st := statusOf(t, r, "boards"); st.Poisoned != 0 {
		t.Errorf("poisoned %d events while stopping, want 0", st.Poisoned)
	}
	if err := r.Ready(); !errors.Is(err, projector.ErrNotRunning) {
		t.Errorf("Ready after Close = %v, want ErrNotRunning", err)
	}
}

func TestLagIsCountedWithABoundedRead(t *testing.T) {
	e := newEnv(t)
	e.appendTraffic(t, 300)
	c := newCounter("boards")
	c.setGate(make(chan struct{})) // never folds anything
	cfg := e.config(t)
	cfg.LagLimit = 50
	r := start(t, cfg, c)
	waitFor(t, "the lag measured", func() bool { return statusOf(t, r.Runner, "boards").LagMeasured })
	st := statusOf(t, r.Runner, "boards")
	if st.Lag != 50 || !st.LagAtLeast || st.LagText() != "50+" {
		t.Errorf("lag = %d (at least: %v, text %q), want 50+", st.Lag, st.LagAtLeast, st.LagText())
	}
	if err := r.Ready(); err == nil || err.Error() != "catching up: boards 50+ events behind" {
		t.Errorf("Ready = %v, want catching up: boards 50+ events behind", err)
	}
}

func TestReadyOnAnEmptyLog(t *testing.T) {
	e := newEnv(t)
	c := newCounter("count")
	r := start(t, e.config(t), c)
	waitFor(t, "ready", func() bool { return r.Ready() == nil })
	e.appendTraffic(t, 30)
	waitLive(t, r.Runner, e.store, "count")
	assertOnce(t, c, foldable(t, e.store, e.world.codec))
}

func TestReadyWhenOnlyOffsetStreamsRemain(t *testing.T) {
	e := newEnv(t)
	e.appendTraffic(t, 20)
	// The head is an offset event, which no subscription delivers.
	if _, err := bus.NewLogOffsets(e.store).Save(t.Context(), "hub", bus.TopicAll, bus.Offset{}); err != nil {
		t.Fatal(err)
	}
	r := start(t, e.config(t), newCounter("count"))
	waitFor(t, "ready", func() bool { return r.Ready() == nil })
}

func TestRebuildGivesTheSameState(t *testing.T) {
	e := newEnv(t)
	appendBatches(t, e.store, e.world.setUp(t))
	e.appendTraffic(t, 400)
	c := newCounter("count")
	r := start(t, e.config(t), c)
	waitLive(t, r.Runner, e.store, "count")
	before, applies := c.state()

	if err := r.Rebuild(t.Context(), "count"); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	after, reapplies := c.state()
	if len(after) != len(before) || reapplies != 2*applies {
		t.Errorf("after the rebuild: %d events folded (%d folds in all), want %d (%d folds)", len(after), reapplies, len(before), 2*applies)
	}
	assertOnce(t, c, foldable(t, e.store, e.world.codec))
	if st := statusOf(t, r.Runner, "count"); st.Rebuilds != 1 || st.Phase != projector.PhaseLive {
		t.Errorf("status = %+v, want one rebuild, live", st)
	}

	e.appendTraffic(t, 30)
	waitLive(t, r.Runner, e.store, "count")
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	// The rebuilt checkpoint restores to the same state.
	again := newCounter("count")
	r = start(t, e.config(t), again)
	waitLive(t, r.Runner, e.store, "count")
	assertOnce(t, again, foldable(t, e.store, e.world.codec))
	if _, n := again.state(); n != 0 {
		t.Errorf("the restarted projection folded %d events, want 0", n)
	}

	if err := r.Rebuild(t.Context(), "nope"); !errors.Is(err, projector.ErrUnknownProjection) {
		t.Errorf("Rebuild of an unknown projection = %v, want ErrUnknownProjection", err)
	}
}

func TestRebuildAskedForDuringCatchUp(t *testing.T) {
	e := newEnv(t)
	e.appendTraffic(t, 600)
	c := newCounter("count")
	r, err := projector.New(t.Context(), e.config(t), c)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	asked := make(chan error, 1)
	c.onApply = func(applies int) {
		if applies == 1 { // the first event of the first catch-up
			go func() { asked <- r.Rebuild(context.Background(), "count") }()
		}
	}
	go func() { _ = r.Run(t.Context()) }()
	if err := <-asked; err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	waitLive(t, r, e.store, "count")
	assertOnce(t, c, foldable(t, e.store, e.world.codec))
	if st := statusOf(t, r, "count"); st.Rebuilds != 1 {
		t.Errorf("rebuilds = %d, want 1", st.Rebuilds)
	}
}

func TestUnreadableCheckpointRebuildsFromZero(t *testing.T) {
	tests := []struct {
		name       string
		restoreErr error
		wantFail   bool
	}{
		{name: "snapshot of another version", restoreErr: fmt.Errorf("board: %w", projections.ErrSnapshotVersion)},
		{name: "damaged snapshot", restoreErr: fmt.Errorf("board: %w", projections.ErrSnapshotCorrupt)},
		{name: "any other failure stops the runner", restoreErr: errors.New("disk on fire"), wantFail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.appendTraffic(t, 100)
			r := start(t, e.config(t), newCounter("count"))
			waitLive(t, r.Runner, e.store, "count")
			if err := r.stop(t); err != nil {
				t.Fatal(err)
			}

			c := newCounter("count")
			c.restoreErr = tt.restoreErr
			r = start(t, e.config(t), c)
			if tt.wantFail {
				if err := <-r.done; err == nil || !strings.Contains(err.Error(), "disk on fire") {
					t.Fatalf("Run = %v, want the restore failure", err)
				}
				if st := statusOf(t, r.Runner, "count"); st.Phase != projector.PhaseFailed || st.Error == "" {
					t.Errorf("status = %+v, want failed with the error", st)
				}
				return
			}
			waitLive(t, r.Runner, e.store, "count")
			assertOnce(t, c, foldable(t, e.store, e.world.codec))
		})
	}
}

func TestSecondRunnerOnTheSameCheckpointFencesTheFirstOut(t *testing.T) {
	e := newEnv(t)
	e.appendTraffic(t, 100)
	a := newCounter("count")
	ra := start(t, e.config(t), a)
	waitLive(t, ra.Runner, e.store, "count")
	head, _, _ := e.store.Head(t.Context())
	waitSaved(t, e.checkpoints, "count", head)

	b := newCounter("count")
	rb := start(t, e.config(t), b)
	waitLive(t, rb.Runner, e.store, "count")
	// b took the offset over at its switch; a is fenced out when it saves
	// what it folds next.
	e.appendTraffic(t, 10)
	select {
	case err := <-ra.done:
		if !errors.Is(err, bus.ErrFenced) {
			t.Fatalf("first runner's Run = %v, want ErrFenced", err)
		}
	case <-t.Context().Done():
		t.Fatal("the first runner was not fenced out")
	}
	if st := statusOf(t, ra.Runner, "count"); st.Phase != projector.PhaseFailed || !strings.Contains(st.Error, "taken over") {
		t.Errorf("first runner's status = %+v, want failed: fenced", st)
	}
	waitLive(t, rb.Runner, e.store, "count")
	assertOnce(t, b, foldable(t, e.store, e.world.codec))
	if err := rb.stop(t); err != nil {
		t.Errorf("second runner's Run = %v", err)
	}
	// What the second saved is what a third restores.
	c := newCounter("count")
	rc := start(t, e.config(t), c)
	waitLive(t, rc.Runner, e.store, "count")
	assertOnce(t, c, foldable(t, e.store, e.world.codec))
}

func TestNewValidates(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		ps   []projector.Projection
		want string
	}{
		{name: "no projection", want: "no projection"},
		{name: "duplicate names", ps: []projector.Projection{newCounter("a"), newCounter("a")}, want: "used twice"},
		{name: "name with a space", ps: []projector.Projection{newCounter("my boards")}, want: "letters, digits"},
		{name: "empty name", ps: []projector.Projection{newCounter("")}, want: "1 to 100"},
		{name: "nil projection", ps: []projector.Projection{nil}, want: "nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := projector.New(t.Context(), e.config(t), tt.ps...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRunOnlyOnce(t *testing.T) {
	e := newEnv(t)
	r := start(t, e.config(t), newCounter("count"))
	waitLive(t, r.Runner, e.store, "count")
	if err := r.Run(context.Background()); !errors.Is(err, projector.ErrAlreadyRunning) {
		t.Errorf("second Run = %v, want ErrAlreadyRunning", err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if err := r.Run(context.Background()); !errors.Is(err, projector.ErrClosed) {
		t.Errorf("Run after Close = %v, want ErrClosed", err)
	}
	if err := r.Rebuild(t.Context(), "count"); !errors.Is(err, projector.ErrNotRunning) {
		t.Errorf("Rebuild after Close = %v, want ErrNotRunning", err)
	}
}

// eventAt reads the event at a position.
func eventAt(t testing.TB, store eventstore.Store, pos string) eventstore.RecordedEvent {
	t.Helper()
	p, err := eventstore.ParsePosition(pos)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := store.ReadAll(t.Context(), eventstore.Forwards, eventstore.After(eventstore.Position{Commit: p.Commit - 1, Prepare: p.Prepare - 1}), 1)
	if err != nil || len(evs) != 1 || evs[0].Position != p {
		t.Fatalf("read event at %s: %v %v", pos, evs, err)
	}
	return evs[0]
}
