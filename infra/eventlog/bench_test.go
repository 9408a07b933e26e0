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
// once through the whole command path (authorize against the operation,
// load the unit log, decide, durable append, record the outcome) on the
// SQLite store, and, in the same run, the bare store append rate of the same
// shape (200 writers, one ~400-byte event per append, distinct streams), so
// the ratio shows the cost of the command path.
func BenchmarkFieldReports200Units(b *testing.B) {
	const units = 200
	b.Run("commands", func(b *testing.B) {
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
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
		if failed.Load() > 0 {
			b.Fatalf("%d reports failed", failed.Load())
		}
	})
	b.Run("bare-append", func(b *testing.B) {
		e := newEnv(b)
		defer e.close()
		data := []byte(fmt.Sprintf(`{"point":{"lat":48.5,"lon":7.5},"source":"gps","pad":%q}`, make([]byte, 300)))
		b.ResetTimer()
		start := time.Now()
		runParallelN(b.N, units, func(u int) {
			_, err := e.store.Append(b.Context(), fmt.Sprintf("bench-%d", u), eventstore.Any(),
				eventstore.EventData{ID: uuid.New(), Type: "bench", SchemaVersion: 1, Data: data})
			if err != nil {
				b.Error(err)
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
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
