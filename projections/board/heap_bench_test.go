package board_test

import (
	"runtime"
	"testing"

	"github.com/jointops/jointops/projections"
)

// BenchmarkBoardLiveHeap folds 100,000 events into a fresh board and
// reports the heap the board keeps live afterwards, after a full
// collection, per event folded (B/event): what a server holds, and its
// collector marks, for each board it keeps. The load of BenchmarkFold1M
// (94 % positions) and a report-heavy one (75 % positions, as in a
// server's heap profile) are measured apart.
func BenchmarkBoardLiveHeap(b *testing.B) {
	for _, bm := range []struct {
		name string
		load func(units int) *load
	}{
		{name: "positions=94%", load: newLoad},
		{name: "positions=75%", load: newReportLoad},
	} {
		b.Run(bm.name, func(b *testing.B) {
			const events, chunk = 100_000, 1 << 14
			buf := make([]projections.Envelope, chunk)
			var live int64
			for range b.N {
				l := bm.load(200)
				before := liveHeap()
				brd := setUpBoard(l)
				inChunks(l, events, buf, func(evs []projections.Envelope) {
					for i := range evs {
						brd.Fold(evs[i])
					}
				})
				clear(buf) // the events are not the board's
				live += liveHeap() - before
				runtime.KeepAlive(brd)
			}
			b.ReportMetric(float64(live)/float64(b.N*events), "B/event")
		})
	}
}

// liveHeap returns the bytes of live heap objects after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
