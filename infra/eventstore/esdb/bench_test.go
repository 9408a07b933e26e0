package esdb_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdb"
	"github.com/jointops/jointops/infra/eventstore/esdbtest"
)

// The benchmarks run the adapter against the in-process esdbtest server
// over loopback gRPC: they measure the adapter and client overhead per
// operation (an append is three round trips: tail read, append, read-back),
// not a real server's disk.

// BenchmarkAppendOneStream appends single events to one stream; the
// idempotency window is the number of tail events each append reads.
func BenchmarkAppendOneStream(b *testing.B) {
	for _, window := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			srv := startServer(b, esdbtest.Config{})
			s := openStore(b, esdb.Config{ConnectionString: srv.URL(), Logger: discard(), IdempotencyWindow: window})
			expected := eventstore.NoStream()
			for b.Loop() {
				res, err := s.Append(b.Context(), "bench", expected, event("e"))
				if err != nil {
					b.Fatal(err)
				}
				expected = eventstore.Exact(res.NextExpectedRevision)
			}
		})
	}
}

func BenchmarkAppendParallelStreams(b *testing.B) {
	srv := startServer(b, esdbtest.Config{})
	s := openStore(b, esdb.Config{ConnectionString: srv.URL(), Logger: discard()})
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		stream := fmt.Sprintf("unit-%d", next.Add(1))
		for pb.Next() {
			if _, err := s.Append(b.Context(), stream, eventstore.Any(), event("e")); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkAppendBatch10(b *testing.B) {
	srv := startServer(b, esdbtest.Config{})
	s := openStore(b, esdb.Config{ConnectionString: srv.URL(), Logger: discard()})
	batch := 0
	for b.Loop() {
		batch++
		if _, err := s.Append(b.Context(), fmt.Sprintf("batch-%d", batch), eventstore.NoStream(), events("e", 10)...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10*b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkReadAllPages(b *testing.B) {
	srv := startServer(b, esdbtest.Config{})
	s := openStore(b, esdb.Config{ConnectionString: srv.URL(), Logger: discard()})
	const total, page = 5000, 1000
	for i := range total / 100 {
		if _, err := s.Append(b.Context(), fmt.Sprintf("s-%d", i), eventstore.NoStream(), events("e", 100)...); err != nil {
			b.Fatal(err)
		}
	}
	read := 0
	for b.Loop() {
		from := eventstore.Start
		for {
			got, err := s.ReadAll(b.Context(), eventstore.Forwards, from, page)
			if err != nil {
				b.Fatal(err)
			}
			read += len(got)
			if len(got) < page {
				break
			}
			from = eventstore.After(got[len(got)-1].Position)
		}
	}
	b.ReportMetric(float64(read)/b.Elapsed().Seconds(), "events/s")
}
