package history_test

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
)

// bulkLog writes a busy operation to a real SQLite log fast: its setup,
// then n generated events (about 90% of opID — positions, observations,
// corrections, relaxations, retractions, tasks, resource changes, late
// reports — and 10% of another operation, interleaved), appended in
// rounds, each stream's events of a round in one append, the streams of
// a round concurrently (the store's group commit). It returns the log's
// envelopes in log order.
func bulkLog(tb testing.TB, n int) (*sqlite.Store, *eventlog.Codec, []projections.Envelope) {
	tb.Helper()
	ctx := context.Background()
	f := newFixture(tb).running()
	f.add(registered(agC))
	units := map[domain.AgencyID][]domain.UnitID{}
	for i, a := range participants {
		for k := range 15 {
			units[a] = append(units[a], dt.Unit(uint64(100*(i+1)+k)))
		}
	}
	g := &generator{rng: rand.New(rand.NewPCG(42, 7)), next: 10_000, reports: map[domain.AgencyID][]sent{}, units: units}
	const round = 4000
	seq := 0
	for done := 0; done < n; done += round {
		byStream := map[string][]eventstore.EventData{}
		var order []string
		for range min(round, n-done) {
			seq++
			f.clock = f.clock.Add(200 * 1e6) // 5 events a second
			e := g.event(f.clock)
			if e.recorded.IsZero() {
				e.recorded, e.occurred = f.clock, f.clock
			}
			ev := domain.Event{
				Type: e.p.EventType(), SchemaVersion: e.p.SchemaVersion(), OccurredAt: e.occurred, RecordedAt: e.recorded, LateBy: e.lateBy,
				Actor: domain.Actor{Agency: e.by, Unit: unitOf[e.by]}, Payload: e.p,
			}
			data, err := f.codec.Encode(dt.UUID(uint64(5_000_000+seq)), ev, eventlog.Envelope{CommandID: dt.UUID(uint64(9_000_000 + seq))})
			if err != nil {
				tb.Fatal(err)
			}
			s := streamOf(e.p)
			if byStream[s] == nil {
				order = append(order, s)
			}
			byStream[s] = append(byStream[s], data)
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 32)
		for _, s := range order {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				if _, err := f.store.Append(ctx, s, eventstore.Any(), byStream[s]...); err != nil {
					tb.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	var envs []projections.Envelope
	from := eventstore.Start
	for {
		page, err := f.store.ReadAll(ctx, eventstore.Forwards, from, 8192)
		if err != nil {
			tb.Fatal(err)
		}
		for _, rec := range page {
			ev, known, err := f.codec.Decode(rec)
			if err != nil || !known {
				tb.Fatalf("decode %s: %v", rec.Position, err)
			}
			envs = append(envs, projections.Envelope{Position: rec.Position.String(), Stream: rec.Stream, Revision: rec.Revision, Event: ev})
			from = eventstore.After(rec.Position)
		}
		if len(page) < 8192 {
			break
		}
	}
	return f.store, f.codec, envs
}

// BenchmarkBoardAsOf measures the board of an operation of 100,000 events
// as of an arbitrary position, seen by one agency (FrameAt, then View),
// on a real SQLite log that also holds another operation's events:
// "snapshots" with the default snapshot spacing and the whole index in
// memory, "snapshots_saved" the same with the index saved to checkpoint
// parts (files) every 4,096 events and what was saved loaded back from
// them (as serve runs it), "fold_from_zero" the same-run baseline without
// snapshots (every event of the operation up to the position read by
// stream and folded), and "occurred_at" (and "occurred_at_saved") the
// field-clock board, which always folds every event.
func BenchmarkBoardAsOf(b *testing.B) {
	store, codec, envs := bulkLog(b, 111_000)
	quiet := slog.New(slog.DiscardHandler)
	opPositions := positionsOf(operationEvents(envs))
	b.Logf("log of %d events, %d of the operation", len(envs), len(opPositions))
	index := func(every int) *history.History {
		h := dt.Must(history.New(history.Config{Reader: store, Decoder: codec, SnapshotEvery: every, Logger: quiet}))
		apply(b, h, envs)
		return h
	}
	saved := func(b *testing.B) *history.History {
		h := dt.Must(history.New(history.Config{Reader: store, Decoder: codec, Logger: quiet}))
		applySavingTo(b, h, envs, partsDir(b), saveEvery)
		return h
	}
	ctx := context.Background()
	asOf := func(b *testing.B, h *history.History) {
		rng := rand.New(rand.NewPCG(1, 2))
		b.ReportAllocs()
		b.ResetTimer()
		cpu := processCPU()
		for b.Loop() {
			at := opPositions[rng.IntN(len(opPositions))]
			f, err := h.FrameAt(ctx, opID, eventstore.After(at))
			if err != nil {
				b.Fatal(err)
			}
			_ = f.View(agB)
		}
		reportCPU(b, cpu)
	}
	b.Run("snapshots", func(b *testing.B) { asOf(b, index(history.DefaultSnapshotEvery)) })
	b.Run("snapshots_saved", func(b *testing.B) { asOf(b, saved(b)) })
	b.Run("fold_from_zero", func(b *testing.B) { asOf(b, index(1<<40)) })
	occurredAt := func(b *testing.B, h *history.History) {
		last := envs[len(envs)-1].Event.OccurredAt
		b.ReportAllocs()
		b.ResetTimer()
		cpu := processCPU()
		for b.Loop() {
			f, err := h.FrameOccurredAt(ctx, opID, last)
			if err != nil {
				b.Fatal(err)
			}
			_ = f.View(agB)
		}
		reportCPU(b, cpu)
	}
	b.Run("occurred_at", func(b *testing.B) { occurredAt(b, index(history.DefaultSnapshotEvery)) })
	b.Run("occurred_at_saved", func(b *testing.B) { occurredAt(b, saved(b)) })
}

// reportCPU reports the process's CPU time per iteration since start: on a
// shared machine, wall time per op grows with other jobs' load, CPU time
// does not (it includes the garbage collector and the read-ahead
// goroutine, which run beside the fold).
func reportCPU(b *testing.B, start time.Duration) {
	if used := processCPU() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

// operationEvents returns the events of envs the router sends to opID's
// board, in log order.
func operationEvents(envs []projections.Envelope) []projections.Envelope {
	var mine []projections.Envelope
	r := projections.NewRouter()
	for _, env := range envs {
		if op, ok := r.Route(env); ok && op == opID {
			mine = append(mine, env)
		}
	}
	return mine
}

// positionsOf returns the log positions of envs.
func positionsOf(envs []projections.Envelope) []eventstore.Position {
	out := make([]eventstore.Position, len(envs))
	for i, env := range envs {
		out[i] = dt.Must(eventstore.ParsePosition(env.Position))
	}
	return out
}
