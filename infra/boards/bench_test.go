package boards_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/projections"
)

// BenchmarkFanOut measures the live path per delta: Apply one position
// report (the board's fold and delta, the ring) and send it to every
// subscriber, with the subscribers spread evenly over the four agency
// views. Reports are mostly GREEN (seen by all four views), one in ten
// AMBER+STRICT (its originator's view only) and one in ten AMBER to one
// other agency (two views). Encoding happens at most once per view (once
// for all views that see the same changes), so it grows with views, not
// subscribers: compare the sub-benchmarks. Each subscriber has the
// default queue (256 frames); queues are drained outside the timer every
// 128 deltas.
func BenchmarkFanOut(b *testing.B) {
	for _, subscribers := range []int{0, 4, 1000} {
		b.Run(fmt.Sprint("subscribers=", subscribers), func(b *testing.B) {
			const chunk = 128
			l := running()
			brd := newBoards(b, boards.Config{})
			applyAll(b, brd, l.envs)
			subs := make([]*boards.Subscription, subscribers)
			for i := range subs {
				subs[i] = subscribe(b, brd, participants[i%len(participants)], "", boards.DefaultQueue)
			}
			drainAll(subs)
			gen := &reportLoad{log: l, n: 10_000}
			b.ReportAllocs()
			var envs []projections.Envelope
			for b.Loop() {
				if len(envs) == 0 {
					b.StopTimer()
					drainAll(subs)
					envs = gen.next(chunk)
					b.StartTimer()
				}
				if err := brd.Apply(b.Context(), envs[0]); err != nil {
					b.Fatal(err)
				}
				envs = envs[1:]
			}
			b.StopTimer()
			for _, s := range subs {
				if err := s.Err(); err != nil {
					b.Fatalf("a subscriber ended: %v", err)
				}
			}
		})
	}
}

// reportLoad appends position reports of the four agencies' units.
type reportLoad struct {
	log *eventLog
	n   uint64
}

func (r *reportLoad) next(n int) []projections.Envelope {
	start := len(r.log.envs)
	for range n {
		r.n++
		by := participants[r.n%uint64(len(participants))]
		var m marking.Marking
		switch r.n % 10 {
		case 3:
			m = mark(by, marking.TLPAmberStrict)
		case 5:
			m = mark(by, marking.TLPAmber, participants[(r.n+1)%uint64(len(participants))])
		default:
			m = mark(by, marking.TLPGreen)
		}
		r.log.add(positioned(opID, r.n, by, m, 48+float64(r.n%100)/1000))
	}
	envs := r.log.envs[start:]
	r.log.envs = r.log.envs[:start:start] // keep memory flat across chunks
	return envs
}

func drainAll(subs []*boards.Subscription) {
	for _, s := range subs {
		drain(s)
	}
}

// BenchmarkSubscribeSnapshot measures a subscription that starts with a
// snapshot of a board holding 5,000 observations, and reports how much of
// it holds the board's lock (taking the view and registering: Apply of the
// board waits that long) — the rest is encoding, done outside it.
func BenchmarkSubscribeSnapshot(b *testing.B) {
	l := running()
	for i := range 5000 {
		by := participants[i%len(participants)]
		l.add(observed(uint64(10_000+i), by, mark(by, marking.TLPGreen), "vehicle sighted at the crossing"))
	}
	brd := newBoards(b, boards.Config{})
	applyAll(b, brd, l.envs)
	b.ReportAllocs()
	var size int
	var locked time.Duration
	for b.Loop() {
		start := time.Now()
		s, finish, err := boards.SubscribeInSteps(b.Context(), brd, opID, viewer(agB), "", 8)
		if err != nil {
			b.Fatal(err)
		}
		locked += time.Since(start)
		finish()
		size = len((<-s.C()).Data)
		s.Close()
	}
	b.ReportMetric(float64(locked.Nanoseconds())/float64(b.N), "locked-ns/op")
	b.ReportMetric(float64(size), "bytes/snapshot")
}
