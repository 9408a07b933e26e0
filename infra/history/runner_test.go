package history_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/projector"
)

// runToHead runs a projector.Runner with h's projection until it caught
// up with the log and went live (the switch to live saves the
// checkpoint), then closes it.
func runToHead(t *testing.T, f *fixture, h *history.History, path string) {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	r, err := projector.New(context.Background(), projector.Config{Store: f.store, Decoder: f.codec, CheckpointPath: path, Logger: quiet}, h.Projection())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(context.Background()) }()
	want := f.envs[len(f.envs)-1].Position
	deadline := time.Now().Add(20 * time.Second)
	for {
		if head, ok := h.Head(); ok && head.String() == want && r.Ready() == nil && r.Status()[0].Phase == projector.PhaseLive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the runner did not catch up: %v", r.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Under the real runner the index is saved with the checkpoints; a tool
// restores it and reads only the log's tail (CatchUp).
func TestSavedByTheRunnerRestoredByATool(t *testing.T) {
	f := newFixture(t).running()
	f.add(registered(agC))
	f.generate(9, 150)
	cfg := history.Config{SnapshotEvery: 20, ChunkSize: 16}
	path := filepath.Join(t.TempDir(), "projections.db")
	runToHead(t, f, f.newHistory(cfg), path)
	saved := len(f.envs)
	f.generate(10, 30)

	cps, err := projector.OpenCheckpointStore(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	cp, err := cps.LoadCheckpoint(context.Background(), history.Name)
	if err != nil {
		t.Fatal(err)
	}
	_ = cps.Close()
	if cp.Position != f.envs[saved-1].Position {
		t.Fatalf("saved at %q, want %q", cp.Position, f.envs[saved-1].Position)
	}
	tool := f.newHistory(cfg)
	if err := tool.Projection().Restore(cp.Position, cp.Parts); err != nil {
		t.Fatal(err)
	}
	n, err := tool.CatchUp(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != len(f.envs)-saved {
		t.Fatalf("caught up %d events, want the %d after the checkpoint", n, len(f.envs)-saved)
	}
	for _, at := range []int{saved - 40, saved, len(f.envs)} {
		fr, err := tool.FrameAt(context.Background(), opID, position(f.envs[at-1]))
		if err != nil {
			t.Fatal(err)
		}
		checkFrame(t, fr, f.envs, at)
	}
}

// countingLoader counts the parts History loads back; with missing it
// answers that no part is saved.
type countingLoader struct {
	l       history.PartLoader
	missing bool
	n       int
}

func (c *countingLoader) LoadPart(ctx context.Context, projection, part string) ([]byte, bool, error) {
	c.n++
	if c.missing {
		return nil, false, nil
	}
	return c.l.LoadPart(ctx, projection, part)
}

// With a part loader, History drops its snapshots' bytes once a checkpoint
// saved them and loads them back for a frame; a snapshot that cannot be
// loaded only costs a fold from the start.
func TestSnapshotsDroppedOnceSavedAndLoadedBack(t *testing.T) {
	f := newFixture(t).running()
	f.add(registered(agC))
	f.generate(9, 150)
	cfg := history.Config{SnapshotEvery: 20, ChunkSize: 16}
	path := filepath.Join(t.TempDir(), "projections.db")
	h := f.newHistory(cfg)
	runToHead(t, f, h, path)
	cps, err := projector.OpenCheckpointStore(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer cps.Close()
	for _, missing := range []bool{false, true} {
		loads := &countingLoader{l: cps, missing: missing}
		h.SetPartLoader(loads)
		// The runner saved every snapshot: this checkpoint drops their bytes.
		if _, err := h.Projection().Checkpoint(); err != nil {
			t.Fatal(err)
		}
		for _, at := range []int{45, 100, len(f.envs)} {
			fr, err := h.FrameAt(context.Background(), opID, position(f.envs[at-1]))
			if err != nil {
				t.Fatal(err)
			}
			checkFrame(t, fr, f.envs, at)
		}
		if loads.n == 0 {
			t.Fatalf("missing=%v: no snapshot was loaded back, the bytes stayed in memory", missing)
		}
	}
}
