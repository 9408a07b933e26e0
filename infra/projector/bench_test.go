package projector_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// BenchmarkRebuild1M rebuilds, with Runner.Rebuild, a projection of the
// boards of 4 busy operations (200 units) from a SQLite log of 1,000,000
// events encoded with the eventlog codec: read in pages, decoded in
// parallel, routed (projections.Router) and folded (board.Board.Fold, one
// board per operation), then checkpointed (every board's snapshot) and
// resubscribed. The log is built once, untimed. In the same run, each
// iteration also times a bare ReadAll of the same events in the same pages
// (not decoded, not folded): ratio is the rebuild's rate over it.
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

	boards := newBoardsFold()
	cfg := projector.Config{Store: store, Decoder: w.codec, CheckpointPath: filepath.Join(dir, "projections.db"),
		Logger: slog.New(slog.DiscardHandler)}
	r, err := projector.New(ctx, cfg, boards)
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
		if err := r.Rebuild(ctx, boards.Name()); err != nil {
			b.Fatal(err)
		}
		rebuild += time.Since(start)
	}
	if got := boards.events(); got != uint64(total) {
		b.Fatalf("the boards folded %d events, want %d", got, total)
	}
	n := float64(b.N) * float64(total)
	b.ReportMetric(rebuild.Seconds()/float64(b.N), "s/rebuild")
	b.ReportMetric(n/rebuild.Seconds(), "events/s")
	b.ReportMetric(n/bare.Seconds(), "readall_events/s")
	b.ReportMetric(bare.Seconds()/rebuild.Seconds(), "ratio")
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

// boardsFold is the boards projection reduced to its fold: the Router
// sends each event to its operation's board, created on first sight and
// fed with Fold; a checkpoint holds the router and each changed board.
type boardsFold struct {
	mu       sync.Mutex
	router   *projections.Router
	boards   map[domain.OperationID]*board.Board
	dirty    map[domain.OperationID]bool
	position string
}

var _ projector.Projection = (*boardsFold)(nil)

func newBoardsFold() *boardsFold {
	f := &boardsFold{}
	f.Reset()
	return f
}

func (f *boardsFold) Name() string { return "boards" }

func (f *boardsFold) Apply(_ context.Context, env projections.Envelope) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.position = env.Position
	op, ok := f.router.Route(env)
	if !ok {
		return nil
	}
	brd := f.boards[op]
	if brd == nil {
		var err error
		if brd, err = board.New(op, board.Config{}); err != nil {
			return err
		}
		f.boards[op] = brd
	}
	brd.Fold(env)
	f.dirty[op] = true
	return nil
}

func (f *boardsFold) Checkpoint() (projector.Checkpoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cp := projector.Checkpoint{Position: f.position, Parts: map[string][]byte{}}
	for _, op := range slices.SortedFunc(maps.Keys(f.dirty), domain.OperationID.Compare) {
		data, err := f.boards[op].MarshalBinary()
		if err != nil {
			return projector.Checkpoint{}, err
		}
		cp.Parts["board/"+op.String()] = data
	}
	router, err := f.router.MarshalBinary()
	if err != nil {
		return projector.Checkpoint{}, err
	}
	cp.Parts["router"] = router
	f.dirty = map[domain.OperationID]bool{}
	return cp, nil
}

func (f *boardsFold) Restore(position string, parts map[string][]byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, data := range parts {
		if name == "router" {
			if err := f.router.UnmarshalBinary(data); err != nil {
				return err
			}
			continue
		}
		id, ok := strings.CutPrefix(name, "board/")
		if !ok {
			return fmt.Errorf("unknown part %q: %w", name, projections.ErrSnapshotCorrupt)
		}
		op, err := domain.ParseOperationID(id)
		if err != nil {
			return fmt.Errorf("part %q: %w", name, projections.ErrSnapshotCorrupt)
		}
		if f.boards[op], err = board.Restore(data); err != nil {
			return err
		}
	}
	f.position = position
	return nil
}

func (f *boardsFold) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.router = projections.NewRouter()
	f.boards = map[domain.OperationID]*board.Board{}
	f.dirty = map[domain.OperationID]bool{}
	f.position = ""
}

// events returns the number of events folded into the boards: every
// event of the benchmark's log belongs to an operation, so after a
// rebuild it is the length of the log.
func (f *boardsFold) events() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n uint64
	for _, brd := range f.boards {
		n += brd.Events()
	}
	return n
}

// BenchmarkCatchUpStages measures, per event of the same field traffic as
// BenchmarkRebuild1M, the two stages that bound a catch-up on their own:
// reading pages from the SQLite log and decoding with the eventlog codec,
// each on one goroutine.
func BenchmarkCatchUpStages(b *testing.B) {
	const events = 20_000
	store := openStore(b, filepath.Join(b.TempDir(), "log.db"))
	w := newWorld(b, 4, 50)
	appendBatches(b, store, w.setUp(b))
	appendBatches(b, store, w.traffic(b, events, 20))
	evs, err := store.ReadAll(b.Context(), eventstore.Forwards, eventstore.Start, events)
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
		i := 0
		for b.Loop() {
			if _, _, err := w.codec.Decode(evs[i%len(evs)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
