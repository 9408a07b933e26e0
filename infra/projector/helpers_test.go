package projector_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

// waitTimeout bounds every wait for something that should happen promptly.
const waitTimeout = 20 * time.Second

// testLogger writes warnings and errors to the test's output.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// openStore opens the SQLite log at path; it is closed when the test ends.
func openStore(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), sqlite.Config{Path: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("open store %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, eventstore.ErrClosed) {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

// env is a test's log and checkpoint file.
type env struct {
	dir         string
	store       *sqlite.Store
	checkpoints string
	world       *world
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	return &env{
		dir:         dir,
		store:       openStore(t, filepath.Join(dir, "log.db")),
		checkpoints: filepath.Join(dir, "projections.db"),
		world:       newWorld(t, 2, 6),
	}
}

// config is a runner configuration with short intervals and small pages,
// so that tests exercise catch-up, switch-over and flushes quickly.
func (e *env) config(t testing.TB) projector.Config {
	return projector.Config{
		Store:                e.store,
		Decoder:              e.world.codec,
		CheckpointPath:       e.checkpoints,
		FlushInterval:        10 * time.Millisecond,
		CatchUpThreshold:     16,
		CatchUpPage:          64,
		HeadInterval:         5 * time.Millisecond,
		LagLimit:             1000,
		MaxRetries:           2,
		RetryInitialInterval: time.Millisecond,
		RetryMaxInterval:     2 * time.Millisecond,
		Logger:               testLogger(t),
	}
}

// appendTraffic appends n events of field traffic.
func (e *env) appendTraffic(t testing.TB, n int) {
	t.Helper()
	appendBatches(t, e.store, e.world.traffic(t, n, 8))
}

// started is a running runner.
type started struct {
	*projector.Runner
	done chan error // receives Run's result
}

// start builds a runner and runs it until the test ends (or stop).
func start(t testing.TB, cfg projector.Config, ps ...projector.Projection) *started {
	t.Helper()
	r, err := projector.New(context.Background(), cfg, ps...)
	if err != nil {
		t.Fatalf("new runner: %v", err)
	}
	s := &started{Runner: r, done: make(chan error, 1)}
	go func() { s.done <- r.Run(context.Background()) }()
	t.Cleanup(func() { _ = r.Close() })
	return s
}

// stop closes the runner and returns what Run returned.
func (s *started) stop(t testing.TB) error {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("close runner: %v", err)
	}
	select {
	case err := <-s.done:
		return err
	case <-time.After(waitTimeout):
		t.Fatal("Run did not return after Close")
		return nil
	}
}

// waitSaved waits until the checkpoint of name saved in the file at path
// is at pos.
func waitSaved(t testing.TB, path, name string, pos eventstore.Position) {
	t.Helper()
	store, err := projector.OpenCheckpointStore(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	waitFor(t, "checkpoint of "+name+" saved at "+pos.String(), func() bool {
		off, err := store.Load(context.Background(), name, "*")
		if err != nil {
			t.Fatal(err)
		}
		return off.Found() && off.Position == pos
	})
}

// waitFor polls cond until it holds, failing the test after waitTimeout.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// statusOf returns the status of the named projection.
func statusOf(t testing.TB, r *projector.Runner, name string) projector.ProjectionStatus {
	t.Helper()
	for _, st := range r.Status() {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no status for %s", name)
	return projector.ProjectionStatus{}
}

// waitLive waits until the projection is live at the log's head.
func waitLive(t testing.TB, r *projector.Runner, store eventstore.Store, name string) {
	t.Helper()
	waitFor(t, name+" live at the head", func() bool {
		head, ok, err := store.Head(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		st := statusOf(t, r, name)
		return st.Phase == projector.PhaseLive && (!ok || st.Position == head.String())
	})
}

// foldable returns the positions of the events of the log a projection
// folds: deliverable streams, types the codec knows.
func foldable(t testing.TB, store eventstore.Store, codec *eventlog.Codec) []string {
	t.Helper()
	var out []string
	cursor := eventstore.Start
	for {
		evs, err := store.ReadAll(context.Background(), eventstore.Forwards, cursor, 1024)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return out
		}
		for _, ev := range evs {
			if strings.HasPrefix(ev.Stream, "jointops.offsets-") {
				continue
			}
			if _, known, err := codec.Decode(ev); err == nil && known {
				out = append(out, ev.Position.String())
			}
		}
		cursor = eventstore.After(evs[len(evs)-1].Position)
	}
}

// counter is a projection that counts how often each event was applied,
// by position, and checkpoints one part per event. Hooks let tests make
// it fail, block, or refuse its checkpoint.
type counter struct {
	name string

	mu       sync.Mutex
	position string
	counts   map[string]int
	dirty    map[string]bool
	applies  int // Apply calls that folded an event
	attempts map[string]int
	restores int

	// failing makes Apply fail on the event at a position.
	failing func(pos string) error
	// gate, when set, makes Apply wait until it is closed.
	gate chan struct{}
	// restoreErr, when set, is what Restore returns.
	restoreErr error
	// onApply is called after each fold with the number of folds so far.
	onApply func(applies int)
	// encodeTime is how long Checkpoint takes before it looks at the
	// state, as encoding a large read model does: folds go on meanwhile,
	// so the state saved is ahead of the offset saved with it.
	encodeTime time.Duration
}

var _ projector.Projection = (*counter)(nil)

func newCounter(name string) *counter {
	return &counter{name: name, counts: map[string]int{}, dirty: map[string]bool{}, attempts: map[string]int{}}
}

func (c *counter) Name() string { return c.name }

func (c *counter) Apply(ctx context.Context, env projections.Envelope) error {
	c.mu.Lock()
	gate := c.gate
	c.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.attempts[env.Position]++
	if c.failing != nil {
		if err := c.failing(env.Position); err != nil {
			return err
		}
	}
	c.counts[env.Position]++
	c.dirty[env.Position] = true
	c.position = env.Position
	c.applies++
	if c.onApply != nil {
		c.onApply(c.applies)
	}
	return nil
}

func (c *counter) Checkpoint() (projector.Checkpoint, error) {
	time.Sleep(c.encodeTime)
	c.mu.Lock()
	defer c.mu.Unlock()
	cp := projector.Checkpoint{Position: c.position, Parts: map[string][]byte{}}
	for pos := range c.dirty {
		cp.Parts["n/"+pos] = []byte(strconv.Itoa(c.counts[pos]))
	}
	c.dirty = map[string]bool{}
	return cp, nil
}

func (c *counter) Restore(position string, parts map[string][]byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.restores++
	if c.restoreErr != nil {
		return c.restoreErr
	}
	c.position = position
	for name, data := range parts {
		n, err := strconv.Atoi(string(data))
		if err != nil {
			return err
		}
		c.counts[strings.TrimPrefix(name, "n/")] = n
	}
	return nil
}

func (c *counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.position, c.counts, c.dirty = "", map[string]int{}, map[string]bool{}
}

// state returns the counts and the number of folds.
func (c *counter) state() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.counts), c.applies
}

// tries returns how often Apply was called with the event at pos, and
// how often Restore was called.
func (c *counter) tries(pos string) (applies, restores int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[pos], c.restores
}

func (c *counter) setGate(g chan struct{}) {
	c.mu.Lock()
	c.gate = g
	c.mu.Unlock()
}

// assertOnce checks that exactly the positions want were applied, each
// once.
func assertOnce(t testing.TB, c *counter, want []string) {
	t.Helper()
	counts, _ := c.state()
	bad := 0
	for _, pos := range want {
		if n := counts[pos]; n != 1 && bad < 10 {
			t.Errorf("event at %s applied %d times, want once", pos, n)
			bad++
		}
		delete(counts, pos)
	}
	if len(counts) > 0 {
		t.Errorf("%d positions applied that should not be: %v", len(counts), firstKeys(counts, 10))
	}
}

func firstKeys(m map[string]int, n int) []string {
	var out []string
	for k := range m {
		if len(out) == n {
			break
		}
		out = append(out, k)
	}
	return out
}
