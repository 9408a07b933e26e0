package storetest

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func volumeTests() []contractTest {
	return []contractTest{
		{"LargeEvent", testLargeEvent},
		{"ManyStreams", testManyStreams},
	}
}

// testLargeEvent round-trips a 1 MiB payload byte for byte.
func testLargeEvent(t *testing.T, h Harness) {
	s := h.open(t)
	const stream = "large"
	rng := rand.NewChaCha8([32]byte{1})
	big := eventstore.EventData{
		ID:            uuid.New(),
		Type:          "storetest.attachment",
		SchemaVersion: 1,
		Data:          make([]byte, 1<<20),
		Metadata:      make([]byte, 4<<10),
	}
	_, _ = rng.Read(big.Data)
	_, _ = rng.Read(big.Metadata)
	events := []eventstore.EventData{newEvent("before"), big, newEvent("after")}
	mustAppend(t, s, stream, eventstore.NoStream(), events...)

	got := mustReadStream(t, s, stream)
	checkStream(t, got, stream, events)
	checkSameEvents(t, "ReadAll against ReadStream", mustReadAll(t, s), got)
	sub := subscribe(t, s, eventstore.Start, eventstore.Filter{})
	checkDelivered(t, "subscription", mustCollectN(t, sub, 3), got)
}

// testManyStreams writes 10,000 streams of 1–3 events from concurrent
// writers and reads them back.
func testManyStreams(t *testing.T, h Harness) {
	s := h.open(t)
	streams := h.scaled(10_000, 500)
	const writers = 32
	name := func(i int) string { return fmt.Sprintf("unit-%05d", i) }
	want := make([][]eventstore.EventData, streams)
	total := 0
	for i := range want {
		want[i] = newEvents(name(i), 1+i%3)
		total += len(want[i])
	}

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		problems []string
	)
	for w := range writers {
		wg.Go(func() {
			for i := w; i < streams; i += writers {
				res, err := s.Append(t.Context(), name(i), eventstore.NoStream(), want[i]...)
				if err == nil && res.NextExpectedRevision != uint64(len(want[i])-1) {
					err = fmt.Errorf("NextExpectedRevision %d, want %d", res.NextExpectedRevision, len(want[i])-1)
				}
				if err != nil {
					mu.Lock()
					problems = append(problems, fmt.Sprintf("append to %s: %v", name(i), err))
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if len(problems) > 0 {
		t.Fatalf("%d writers failed: %v", len(problems), problems)
	}

	rng := rand.New(rand.NewPCG(5, 6))
	for range 200 {
		i := rng.IntN(streams)
		checkStream(t, mustReadStream(t, s, name(i)), name(i), want[i])
	}
	all := mustReadAll(t, s)
	if len(all) != total {
		t.Errorf("ReadAll: %d events, want %d", len(all), total)
	}
	checkIncreasing(t, "ReadAll", all)
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() || rep.Streams != streams || rep.Events != uint64(total) {
		t.Errorf("Verify: ok %t (broken %v), %d streams, %d events; want ok, %d streams, %d events",
			rep.OK(), rep.Broken, rep.Streams, rep.Events, streams, total)
	}
}
