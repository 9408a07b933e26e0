package eventlog_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/eventstore"
)

// BenchmarkFieldReports200Units drives position reports from 200 units at
// once through the whole command path (outcome lookup, authorization against
// the operation, the unit's log, decide, durable append, durable outcome
// record) on the SQLite store and, in the same run, the bare store append
// rate of the same shape (200 writers, one ~400-byte event per append,
// distinct streams): ratio is the share of the store's rate the command
// path keeps.
func BenchmarkFieldReports200Units(b *testing.B) {
	const units = 200
	bare := bareAppendRate(b, units)

	e := newEnv(b)
	defer e.close()
	e.activeOperation(b)
	ps := make([]commands.Principal, units)
	for i := range ps {
		ps[i] = principal(partner, uint64(1000+i), commands.RoleFieldUnit)
	}
	var next, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	runParallelN(b.N, units, func(u int) {
		n := next.Add(1)
		in := position(uint64(1000+u), uint64(n), partner, now)
		if _, err := e.h.ReportPosition(b.Context(), ps[u], commands.CommandID(uuid.New()), in); err != nil {
			failed.Add(1)
		}
	})
	rate := float64(b.N) / time.Since(start).Seconds()
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d reports failed", failed.Load())
	}
	b.ReportMetric(rate, "reports/s")
	b.ReportMetric(bare, "bare_appends/s")
	b.ReportMetric(rate/bare, "ratio")
}

// bareAppendRate measures b.N appends straight to a fresh store from
// writers goroutines, each to its own stream.
func bareAppendRate(b *testing.B, writers int) float64 {
	b.Helper()
	e := newEnv(b)
	defer e.close()
	data := []byte(fmt.Sprintf(`{"point":{"lat":48.5,"lon":7.5},"source":"gps","pad":%q}`, make([]byte, 300)))
	start := time.Now()
	runParallelN(b.N, writers, func(w int) {
		_, err := e.store.Append(b.Context(), fmt.Sprintf("bench-%d", w), eventstore.Any(),
			eventstore.EventData{ID: uuid.New(), Type: "bench", SchemaVersion: 1, Data: data})
		if err != nil {
			b.Error(err)
		}
	})
	return float64(b.N) / time.Since(start).Seconds()
}

// runParallelN runs n calls of f spread over workers goroutines; f gets
// its worker's index.
func runParallelN(n, workers int, f func(worker int)) {
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				f(w)
			}
		}()
	}
	wg.Wait()
}
