package board_test

import (
	"testing"

	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// BenchmarkSnapshot1M takes and restores the snapshot of the board of
// BenchmarkFold1M: a busy operation after 1,000,000 events (940,000
// position reports, 30,000 observations, 10,000 tasks). It reports the
// snapshot's size, in bytes and per event folded, with the time per
// snapshot; MB/s is of the snapshot.
func BenchmarkSnapshot1M(b *testing.B) {
	const events = 1_000_000
	l := newLoad(200)
	brd := dt.Must(board.New(opID, board.Config{}))
	for _, env := range l.setUp() {
		brd.Fold(env)
	}
	buf := make([]projections.Envelope, 1<<16)
	for done := 0; done < events; done += len(buf) {
		n := min(len(buf), events-done)
		l.next(buf[:n])
		for _, env := range buf[:n] {
			brd.Fold(env)
		}
	}
	data, err := brd.MarshalBinary()
	if err != nil {
		b.Fatalf("MarshalBinary: %v", err)
	}
	// report sets the size metrics after the loop: b.Loop resets them.
	report := func(b *testing.B) {
		b.ReportMetric(float64(len(data)), "bytes")
		b.ReportMetric(float64(len(data))/events, "bytes/event")
	}
	b.Run("marshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := brd.MarshalBinary(); err != nil {
				b.Fatalf("MarshalBinary: %v", err)
			}
		}
		report(b)
	})
	b.Run("restore", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := board.Restore(data); err != nil {
				b.Fatalf("Restore: %v", err)
			}
		}
		report(b)
	})
}
