package commands

import "testing"

// BenchmarkFieldReportsWarm measures the engine's own cost of a field
// report on a warm unit log, without a store's: the in-memory log and
// outcomes stand in for the ports, 200 units of one operation report in
// turn, and every command finds the operation's facts and its unit's log
// cached. Run it with a fixed -benchtime (e.g. 50000x): the in-memory log
// checks a command's idempotency by scanning its stream, so the cost per
// report grows slowly with b.N.
func BenchmarkFieldReportsWarm(b *testing.B) {
	const units = 200
	h := newTestHandlers(b, newMemLog(), newMemOutcomes(), nil)
	ctx := b.Context()
	must(b)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	for _, p := range []Principal{lead, partner} {
		must(b)(h.AgreeToOperation(ctx, p, newCmd(), Agreement{OperationCommand: onTestOp(), ArrangementVersion: 1}))
	}
	must(b)(h.ActivateOperation(ctx, lead, newCmd(), onTestOp()))
	ps := make([]Principal, units)
	for u := range ps {
		ps[u] = testPrincipal(agency2, uint64(1000+u), RoleFieldUnit)
	}
	report := func(i int) {
		u := i % units
		must(b)(h.ReportPosition(ctx, ps[u], newCmd(), testPosition(uint64(1000+u), uint64(i+1), agency2)))
	}
	for i := range units { // the cold load of every unit's log
		report(i)
	}
	var reports uint64
	for b.Loop() {
		report(units + int(reports))
		reports++
	}
	b.StopTimer()
	if err := h.Close(ctx); err != nil {
		b.Fatal(err)
	}
}
