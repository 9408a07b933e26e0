package history_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/projector"
)

// runToHead runs a projector.Runner with h's projection until it caught
// up with the log and went live (the switch to live saves the
// checkpoint), then closes it. With loadParts, h loads its parts from the
// runner while it runs, as serve wires it.
func runToHead(t testing.TB, f *fixture, h *history.History, path string, loadParts bool) {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	r, err := projector.New(context.Background(), projector.Config{Store: f.store, Decoder: f.codec, CheckpointPath: path, Logger: quiet}, h.Projection())
	if err != nil {
		t.Fatal(err)
	}
	if loadParts {
		h.SetPartLoader(r)
		defer h.SetPartLoader(nil)
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
	runToHead(t, f, f.newHistory(cfg), path, false)
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
// answers that no board snapshot is saved.
type countingLoader struct {
	l       history.PartLoader
	missing bool
	n       atomic.Int64
}

func (c *countingLoader) LoadPart(ctx context.Context, projection, part string) ([]byte, bool, error) {
	c.n.Add(1)
	if c.missing && strings.HasPrefix(part, "snap/") {
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
	runToHead(t, f, h, path, false)
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
		if loads.n.Load() == 0 {
			t.Fatalf("missing=%v: no snapshot was loaded back, the bytes stayed in memory", missing)
		}
	}
}

// Wired as serve wires it (the runner is the part loader), the index
// restored at a restart keeps only its summaries, loads back what the
// events after the restore need, and answers as an index kept in memory.
func TestRunnerRestartKeepsOnlyTheSummaries(t *testing.T) {
	f := longLog(t)
	path := filepath.Join(t.TempDir(), "projections.db")
	runToHead(t, f, f.newHistory(smallChunks), path, true)
	f.generate(24, 100)
	h := f.newHistory(smallChunks)
	runToHead(t, f, h, path, true)

	cps, err := projector.OpenCheckpointStore(context.Background(), path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer cps.Close()
	loads := &countingLoader{l: cps}
	h.SetPartLoader(loads)
	resident, full := history.ResidentChunks(h, opID)
	// The chunks restored left memory (about 21 of 16 entries); those
	// filled since (about 6) were saved when the runner went live, and
	// leave at the next checkpoint.
	if resident == 0 || full-resident < 20 {
		t.Fatalf("after the restart %d of %d chunks are in memory, want only those filled since", resident, full)
	}
	if _, err := h.Projection().Checkpoint(); err != nil {
		t.Fatal(err)
	}
	if resident, _ := history.ResidentChunks(h, opID); resident != 0 {
		t.Fatalf("%d chunks in memory after the next checkpoint, want none", resident)
	}
	reference := f.newHistory(oneChunk)
	apply(t, reference, f.envs)
	sameAnswers(t, reference, h, f.envs)
	if loads.n.Load() == 0 {
		t.Fatal("nothing was loaded back")
	}
}
