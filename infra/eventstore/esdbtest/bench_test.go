package esdbtest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

// BenchmarkAppend measures single-event appends through the real client.
func BenchmarkAppend(b *testing.B) {
	srv, err := Start(context.Background(), Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c := benchClient(b, srv)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.AppendToStream(ctx, "bench", esdb.AppendToStreamOptions{}, jsonEvent("bench", 0)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSubscriptionFanOut measures how fast appended events reach many
// live $all subscribers: b.N single-event appends, timed until every
// subscriber has received all of them.
func BenchmarkSubscriptionFanOut(b *testing.B) {
	for _, subscribers := range []int{1, 50} {
		b.Run(fmt.Sprintf("subscribers=%d", subscribers), func(b *testing.B) {
			srv, err := Start(context.Background(), Config{})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			c := benchClient(b, srv)
			ctx := context.Background()
			var wg sync.WaitGroup
			for range subscribers {
				sub, err := c.SubscribeToAll(ctx, esdb.SubscribeToAllOptions{From: esdb.End{}})
				if err != nil {
					b.Fatal(err)
				}
				defer sub.Close()
				wg.Go(func() {
					for got := 0; got < b.N; {
						ev := sub.Recv()
						if ev.SubscriptionDropped != nil {
							return
						}
						if ev.EventAppeared != nil {
							got++
						}
					}
				})
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := c.AppendToStream(ctx, "fan-out", esdb.AppendToStreamOptions{}, jsonEvent("bench", i)); err != nil {
					b.Fatal(err)
				}
			}
			wg.Wait()
			b.ReportMetric(float64(b.N*subscribers)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}

func benchClient(b *testing.B, srv *Server) *esdb.Client {
	b.Helper()
	conf, err := esdb.ParseConnectionString(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	conf.Logger = esdb.NoopLogging()
	c, err := esdb.NewClient(conf)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	return c
}
