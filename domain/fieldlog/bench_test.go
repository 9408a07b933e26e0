package fieldlog_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
)

// BenchmarkReportPosition measures one decision of the hot path: a position
// report into a warm log that already holds 10,000 reports, then Commit, as
// a command handler keeping the log loaded would do.
func BenchmarkReportPosition(b *testing.B) {
	l := fieldlog.New(opID, unit)
	meta := dt.Meta(b, crew, dt.At(time.Hour))
	pos := fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}
	const warm = 10_000
	for i := range warm {
		if err := l.ReportPosition(meta, entry(uint64(i+1)), pos); err != nil {
			b.Fatal(err)
		}
		l.Commit()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := l.ReportPosition(meta, entry(uint64(warm+i+1)), pos); err != nil {
			b.Fatal(err)
		}
		l.Commit()
	}
}

// BenchmarkReplay measures loading a log: folding recorded position
// reports into a fresh aggregate, per event.
func BenchmarkReplay(b *testing.B) {
	const n = 10_000
	events := make([]domain.Event, n)
	for i := range events {
		events[i] = domain.Event{Payload: positioned(uint64(i+1), pt)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += n {
		l := fieldlog.New(opID, unit)
		for _, e := range events[:min(n, b.N-i)] {
			l.Replay(e)
		}
	}
}

// BenchmarkSnapshot measures taking and restoring a snapshot of a log of
// 10,000 position reports, against folding those reports (BenchmarkReplay):
// a snapshot's cost grows with the log, like the fold it replaces.
func BenchmarkSnapshot(b *testing.B) {
	const n = 10_000
	l := fieldlog.New(opID, unit)
	for i := range n {
		l.Replay(domain.Event{Payload: positioned(uint64(i+1), pt)})
	}
	snap, err := l.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("take", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := l.Snapshot(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(snap)), "bytes")
	})
	b.Run("restore", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := fieldlog.New(opID, unit).RestoreSnapshot(n, snap); err != nil {
				b.Fatal(err)
			}
		}
	})
}
