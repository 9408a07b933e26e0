package history_test

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// saveEvery is how many events the benchmarks fold between two saved
// checkpoints (a live runner saves every second, a catch-up every ten).
const saveEvery = 4096

// dirParts keeps saved checkpoint parts in files, one a part, and loads
// them back: a part loader whose parts take no room in the Go heap, so the
// heap measured is the index's alone.
type dirParts struct{ dir string }

func partsDir(tb testing.TB) dirParts { return dirParts{dir: tb.TempDir()} }

func (d dirParts) file(part string) string { return filepath.Join(d.dir, url.PathEscape(part)) }

// save takes h's checkpoint and writes its parts.
func (d dirParts) save(tb testing.TB, h *history.History) {
	tb.Helper()
	cp, err := h.Projection().Checkpoint()
	if err != nil {
		tb.Fatal(err)
	}
	for name, data := range cp.Parts {
		if data == nil {
			err = os.Remove(d.file(name))
		} else {
			err = os.WriteFile(d.file(name), data, 0o600)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			tb.Fatal(err)
		}
	}
}

func (d dirParts) LoadPart(_ context.Context, projection, part string) ([]byte, bool, error) {
	if projection != history.Name {
		return nil, false, errors.New("another projection's part")
	}
	data, err := os.ReadFile(d.file(part))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// applySavingTo feeds envs to h with d as its part loader, saving a
// checkpoint every so many events, after the last, and once more: the
// checkpoint after a save lets go of what that save wrote.
func applySavingTo(tb testing.TB, h *history.History, envs []projections.Envelope, d dirParts, every int) {
	tb.Helper()
	h.SetPartLoader(d)
	p := h.Projection()
	for i, env := range envs {
		if err := p.Apply(context.Background(), env); err != nil {
			tb.Fatal(err)
		}
		if (i+1)%every == 0 {
			d.save(tb, h)
		}
	}
	d.save(tb, h)
	d.save(tb, h)
}

// liveHeap returns the bytes of the heap still in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkIndexHeap reports the live heap the history index takes (after
// runtime.GC) per event of an operation of 100,000 events, on the log of
// BenchmarkBoardAsOf: "saved" with its parts saved every 4,096 events to
// files it may load back (as serve runs it), "in_memory" without a part
// loader (an offline tool), and "live_board" a bare board folded from the
// same events, which the index keeps as its operation's live board and is
// counted in the other two.
func BenchmarkIndexHeap(b *testing.B) {
	store, codec, envs := bulkLog(b, 111_000)
	quiet := slog.New(slog.DiscardHandler)
	mine := operationEvents(envs)
	measure := func(b *testing.B, build func(b *testing.B) any) {
		for b.Loop() {
			before := liveHeap()
			kept := build(b)
			after := liveHeap()
			runtime.KeepAlive(kept)
			b.ReportMetric(float64(int64(after)-int64(before))/float64(len(mine)), "B/event")
		}
	}
	b.Run("saved", func(b *testing.B) {
		measure(b, func(b *testing.B) any {
			h := dt.Must(history.New(history.Config{Reader: store, Decoder: codec, Logger: quiet}))
			applySavingTo(b, h, envs, partsDir(b), saveEvery)
			return h
		})
	})
	b.Run("in_memory", func(b *testing.B) {
		measure(b, func(b *testing.B) any {
			h := dt.Must(history.New(history.Config{Reader: store, Decoder: codec, Logger: quiet}))
			apply(b, h, envs)
			return h
		})
	})
	b.Run("live_board", func(b *testing.B) {
		measure(b, func(b *testing.B) any {
			bd := dt.Must(board.New(opID, board.Config{}))
			for _, env := range mine {
				bd.Fold(env)
			}
			return bd
		})
	})
}
