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
