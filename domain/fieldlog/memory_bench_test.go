package fieldlog_test

import (
	"runtime"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// BenchmarkLogMemory measures what a loaded log keeps per report, the
// memory the command side's aggregate cache holds for a busy unit: it folds
// 100,000 reports (75 % positions, the rest observations, situation
// reports and border crossings) under markings that vary from report to
// report, each built afresh as if decoded from the store, and reports the
// live heap the log holds after a collection, per report. The other sizes
// show how the cost per report varies with the fill of the entries' map.
func BenchmarkLogMemory(b *testing.B) {
	b.Run("100k", func(b *testing.B) { logMemory(b, 100_000) })
	b.Run("30k", func(b *testing.B) { logMemory(b, 30_000) })
	b.Run("1M", func(b *testing.B) { logMemory(b, 1_000_000) })
}

func logMemory(b *testing.B, n int) {
	specs := []marking.Spec{
		{Originator: own, TLP: marking.TLPAmber, Evaluation: b2},
		{Originator: own, TLP: marking.TLPGreen, Evaluation: b2},
		{Originator: own, TLP: marking.TLPAmber, Evaluation: b2, Handling: []marking.HandlingCode{marking.H1}},
		{Originator: own, TLP: marking.TLPClear, Evaluation: b2},
	}
	report := func(i int) domain.Payload {
		h := fieldlog.Header{ReportID: dt.Report(uint64(i + 1)), OperationID: opID, UnitID: unit,
			Marking: dt.Must(marking.New(specs[i%len(specs)]))}
		switch i % 20 {
		case 0, 1:
			return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "grey van at the rest area"}}
		case 2, 3:
			return &fieldlog.SituationReported{Header: h, Situation: fieldlog.Situation{Summary: "patrol on the A35, all quiet"}}
		case 4:
			return &fieldlog.BorderCrossed{Header: h, BorderCrossing: fieldlog.BorderCrossing{
				From: dt.State("DE"), To: dt.State("FR"), Point: pt, Mode: fieldlog.ModeLand}}
		}
		return &fieldlog.PositionReported{Header: h, Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}}
	}
	var perReport float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := fieldlog.New(opID, unit)
		for i := range n {
			l.Replay(domain.Event{Payload: report(i)})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(l)
		perReport = (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
	}
	b.ReportMetric(perReport, "B/report")
}
