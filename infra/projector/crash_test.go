package projector_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/projector"
)

// The crash test runs the test binary again as a child process that runs a
// runner while appending, and kills it with SIGKILL: no Close, no final
// flush, whatever was acknowledged but not yet saved is lost with the
// process.
const (
	crashChildEnv = "JOINTOPS_PROJECTOR_CRASH_CHILD"
	crashDirEnv   = "JOINTOPS_PROJECTOR_CRASH_DIR"
	crashFlushEnv = "JOINTOPS_PROJECTOR_CRASH_FLUSH"
	crashRoundEnv = "JOINTOPS_PROJECTOR_CRASH_ROUND"
)

// TestCrashChild is the child of TestCrashBetweenAckAndFlush; it does
// nothing in a normal run. It prints "applied N" every 100 folds.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) != "1" {
		t.Skip("child process of TestCrashBetweenAckAndFlush")
	}
	dir := os.Getenv(crashDirEnv)
	flush, err := time.ParseDuration(os.Getenv(crashFlushEnv))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{dir: dir, store: openStore(t, filepath.Join(dir, "log.db")), checkpoints: filepath.Join(dir, "projections.db"), world: newWorld(t, 2, 6)}
	// Event IDs must not repeat those of the parent's world, nor of the
	// children before.
	round, err := strconv.Atoi(os.Getenv(crashRoundEnv))
	if err != nil {
		t.Fatal(err)
	}
	e.world.ids, e.world.n = uint64(round+1)<<30, uint64(round+1)<<20
	c := newCounter("count")
	c.encodeTime = time.Millisecond
	c.onApply = func(n int) {
		if n%100 == 0 {
			fmt.Printf("applied %d\n", n)
		}
	}
	cfg := e.config(t)
	cfg.FlushInterval = flush
	r, err := projector.New(t.Context(), cfg, c)
	if err != nil {
		t.Fatal(err)
	}
	// The parent kills the child; the deadline only guards against an
	// orphan if the parent died first.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	go func() { _ = r.Run(ctx) }()
	for ctx.Err() == nil {
		e.appendTraffic(t, 40)
	}
}

// crashRounds is how many children each crash test kills in a row.
const crashRounds = 3

// crashChild runs TestCrashChild on the files in dir and kills it once it
// has folded 1,500 events.
func crashChild(t *testing.T, dir string, flush time.Duration, round int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashDirEnv+"="+dir, crashFlushEnv+"="+flush.String(),
		crashRoundEnv+"="+strconv.Itoa(round))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	applied := 0
	for applied < 1500 && lines.Scan() {
		if n, ok := strings.CutPrefix(lines.Text(), "applied "); ok {
			applied, _ = strconv.Atoi(n)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if applied < 1500 {
		t.Fatalf("round %d: the child stopped after %d folds: %v", round, applied, lines.Err())
	}
}

func TestCrashBetweenAckAndFlush(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	tests := []struct {
		name  string
		flush time.Duration
	}{
		// Nothing is saved after the switch to the subscription: every
		// event acknowledged since is lost with the process and delivered
		// again.
		{name: "acknowledged, never flushed", flush: time.Hour},
		// Saves race with the folds: the saved state is ahead of the saved
		// offset (encoding a checkpoint takes a while), and those events
		// come again and must be skipped.
		{name: "flushing while folding", flush: 3 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			appendBatches(t, e.store, e.world.setUp(t))
			e.appendTraffic(t, 600)
			if err := e.store.Close(); err != nil {
				t.Fatal(err)
			}

			// Kill the child in full flight, well after its switch to the
			// subscription, while it folds and appends; three times over,
			// each child resuming from what the last one saved.
			for round := range crashRounds {
				crashChild(t, e.dir, tt.flush, round)
			}

			e.store = openStore(t, filepath.Join(e.dir, "log.db"))
			c := newCounter("count")
			r := start(t, e.config(t), c)
			waitLive(t, r.Runner, e.store, "count")
			assertOnce(t, c, foldable(t, e.store, e.world.codec))
			if _, restores := c.tries(""); restores != 1 {
				t.Errorf("Restore called %d times, want 1: the child saved a checkpoint", restores)
			}
		})
	}
}
