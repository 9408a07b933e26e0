package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

// benchPayload is a ~400-byte JSON-ish payload, the size of a field report.
var benchPayload = []byte(`{"operation":"op-4b1e","unit":"unit-17","kind":"position","lat":50.8503,"lon":4.3517,"heading":271,"speed_kmh":42,"accuracy_m":8,"marking":"RESTRICTED//JOINT-OP","note":"moving west along the border road, two vehicles, no contact","reported_by":"agency-be/unit-17/device-3","occurred_at":"2026-03-01T11:00:00.123Z","sequence":1234567,"battery":0.71,"signal":"weak","padding":"................................................"}`)

// fillLog appends n messages to topic in batches of 100.
func fillLog(b *testing.B, store eventstore.Store, topic string, n int) {
	b.Helper()
	pub := newPublisher(b, store)
	for done := 0; done < n; {
		batch := min(100, n-done)
		msgs := make([]*message.Message, batch)
		for i := range msgs {
			msgs[i] = message.NewMessage(newUUID(), benchPayload)
		}
		if err := pub.Publish(topic, msgs...); err != nil {
			b.Fatal(err)
		}
		done += batch
	}
}

// BenchmarkPublish measures durable single-message publishes from one
// goroutine.
func BenchmarkPublish(b *testing.B) {
	store, _ := openStore(b)
	pub := newPublisher(b, store)
	b.ResetTimer()
	for b.Loop() {
		if err := pub.Publish("op", message.NewMessage(newUUID(), benchPayload)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkDeliverAck measures delivery through a consumer-group
// subscription (decode, one-at-a-time hand-over, ack, coalesced offsets)
// against reading the same events from the store's own subscription, the
// ceiling, in the same run.
func BenchmarkDeliverAck(b *testing.B) {
	const events = 20_000
	store, _ := openStore(b)
	fillLog(b, store, "op", events)

	var rawRate float64
	b.Run("store-baseline", func(b *testing.B) {
		for b.Loop() {
			ctx, cancel := context.WithCancel(context.Background())
			feed, err := store.SubscribeAll(ctx, eventstore.Start, eventstore.Filter{StreamPrefix: "op"})
			if err != nil {
				b.Fatal(err)
			}
			for range events {
				if _, err := feed.Next(ctx); err != nil {
					b.Fatal(err)
				}
			}
			_ = feed.Close()
			cancel()
		}
		rawRate = float64(b.N*events) / b.Elapsed().Seconds()
		b.ReportMetric(rawRate, "events/s")
	})
	b.Run("bus-group", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			sub, err := bus.NewSubscriber(store, bus.SubscriberConfig{ConsumerGroup: "bench-" + newUUID(), Logger: testLogger(b)})
			if err != nil {
				b.Fatal(err)
			}
			ch, err := sub.Subscribe(context.Background(), "op")
			if err != nil {
				b.Fatal(err)
			}
			for range events {
				select {
				case msg := <-ch:
					msg.Ack()
				case <-time.After(waitTimeout):
					b.Fatal("delivery stalled")
				}
			}
			if err := sub.Close(); err != nil {
				b.Fatal(err)
			}
		}
		rate := float64(b.N*events) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "msgs/s")
		if rawRate > 0 {
			b.ReportMetric(rate/rawRate, "x-store")
		}
	})
}
