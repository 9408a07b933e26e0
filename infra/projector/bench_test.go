package projector_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

// BenchmarkRebuild1M rebuilds, with Runner.Rebuild, the real boards
// projection (infra/boards) of 4 busy operations (200 units) from a
// SQLite log of 1,000,000 events encoded with the eventlog codec: read in
// pages, decoded in parallel, folded in log order (Boards.Fold: routing,
// the agencies' lists and directory, each operation's board), then
// checkpointed (every board's snapshot) and resubscribed. The log is
// built once, untimed. In the same run, each iteration also times a bare
// ReadAll of the same events in the same pages (not decoded, not folded):
// ratio is the rebuild's rate over it.
func BenchmarkRebuild1M(b *testing.B) {
	const events = 1_000_000
	ctx := context.Background()
	dir := b.TempDir()
	store := openStore(b, filepath.Join(dir, "log.db"))
	w := newWorld(b, 4, 50)
	appendBatches(b, store, w.setUp(b))
	for made := 0; made < events; made += 100_000 {
		appendBatches(b, store, w.traffic(b, min(100_000, events-made), 20))
	}
	head, _, err := store.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	total := int(head.Commit) // the SQLite log's positions are 1, 2, 3 …

	brd, err := boards.New(boards.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	cfg := projector.Config{Store: store, Decoder: w.codec, CheckpointPath: filepath.Join(dir, "projections.db"),
		Logger: slog.New(slog.DiscardHandler)}
	r, err := projector.New(ctx, cfg, brd)
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		if err := r.Close(); err != nil {
			b.Error(err)
		}
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	deadline := time.Now().Add(5 * time.Minute)
	for r.Ready() != nil {
		if time.Now().After(deadline) {
			b.Fatalf("not ready: %v", r.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}

	var rebuild, bare time.Duration
	for b.Loop() {
		b.StopTimer()
		start := time.Now()
		if n := readAll(b, store, projector.DefaultCatchUpPage); n != total {
			b.Fatalf("read %d events, want %d", n, total)
		}
		bare += time.Since(start)
		b.StartTimer()

		start = time.Now()
		if err := r.Rebuild(ctx, brd.Name()); err != nil {
			b.Fatal(err)
		}
		rebuild += time.Since(start)
	}
	checkRebuilt(b, brd, w, head)
	n := float64(b.N) * float64(total)
	b.ReportMetric(rebuild.Seconds()/float64(b.N), "s/rebuild")
	b.ReportMetric(n/rebuild.Seconds(), "events/s")
	b.ReportMetric(n/bare.Seconds(), "readall_events/s")
	b.ReportMetric(bare.Seconds()/rebuild.Seconds(), "ratio")
}

// checkRebuilt fails the benchmark unless the boards folded the whole log:
// at its head, with every operation's units checked in and tracked.
func checkRebuilt(b *testing.B, brd *boards.Boards, w *world, head eventstore.Position) {
	b.Helper()
	if got := brd.Position(); got != head.String() {
		b.Fatalf("the boards are at %s, want the head %s", got, head)
	}
	for o, op := range w.ops {
		v, _, ok := brd.View(op, brd.Viewer(w.agencies[0]))
		if !ok || len(v.Units) != len(w.units[o]) || len(v.Tracks) != len(w.units[o]) {
			b.Fatalf("board of %s: %d units, %d tracks (exists: %t), want %d of each", op, len(v.Units), len(v.Tracks), ok, len(w.units[o]))
		}
	}
}

// readAll reads the whole log in pages and returns the number of events.
func readAll(tb testing.TB, store eventstore.Store, page int) int {
	n, cursor := 0, eventstore.Start
	for {
		evs, err := store.ReadAll(context.Background(), eventstore.Forwards, cursor, page)
		if err != nil {
			tb.Fatal(err)
		}
		n += len(evs)
		if len(evs) < page {
			return n
		}
		cursor = eventstore.After(evs[len(evs)-1].Position)
	}
}

// BenchmarkCatchUpStages measures, per event of the same field traffic as
// BenchmarkRebuild1M, the stages of a catch-up on their own, each on one
// goroutine: reading pages from the SQLite log, decoding with the
// eventlog codec, and folding into the boards — with Boards.Fold, as the
// catch-up does, and with Boards.Apply (deltas kept in the rings), as the
// live subscription does.
func BenchmarkCatchUpStages(b *testing.B) {
	const events = 20_000
	store := openStore(b, filepath.Join(b.TempDir(), "log.db"))
	w := newWorld(b, 4, 50)
	appendBatches(b, store, w.setUp(b))
	appendBatches(b, store, w.traffic(b, events, 20))
	evs, err := store.ReadAll(b.Context(), eventstore.Forwards, eventstore.Start, events+1000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n += readAll(b, store, projector.DefaultCatchUpPage)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, _, err := w.codec.Decode(evs[i%len(evs)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	envs := make([]projections.Envelope, len(evs))
	for i, ev := range evs {
		e, known, err := w.codec.Decode(ev)
		if err != nil || !known {
			b.Fatalf("decode %s: known %t, %v", ev.Position, known, err)
		}
		envs[i] = projections.Envelope{Position: ev.Position.String(), Stream: ev.Stream, Revision: ev.Revision, Event: e}
	}
	for _, stage := range []struct {
		name string
		fold func(*boards.Boards, context.Context, projections.Envelope) error
	}{
		{"fold", (*boards.Boards).Fold},
		{"apply", (*boards.Boards).Apply},
	} {
		b.Run(stage.name, func(b *testing.B) {
			b.ReportAllocs()
			var brd *boards.Boards
			i := 0
			for b.Loop() {
				if i%len(envs) == 0 { // the log again, into new boards
					b.StopTimer()
					if brd, err = boards.New(boards.Config{Logger: slog.New(slog.DiscardHandler)}); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				if err := stage.fold(brd, b.Context(), envs[i%len(envs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
