package loadgen

import (
	"context"
	"fmt"
	"time"
)

// connected, slowCuts, deltaBytes and duplicates sum the boards' counters.
func (r *runner) connected() int {
	n := 0
	for _, b := range r.boards {
		if b.connected.Load() {
			n++
		}
	}
	return n
}

func (r *runner) slowCuts() int64 {
	var n int64
	for _, b := range r.boards {
		n += b.slowCuts.Load()
	}
	return n
}

func (r *runner) deltaBytes() int64 {
	var n int64
	for _, b := range r.boards {
		n += b.deltaBytes.Load()
	}
	return n
}

func (r *runner) duplicates() int64 {
	var n int64
	for _, b := range r.boards {
		n += b.duplicates()
	}
	return n
}

// fill writes the commands, retries and boards into rep.
func (r *runner) fill(rep *Report, loadTime time.Duration) {
	sent := r.sent.Load()
	r.mu.Lock()
	rep.Commands = Commands{Sent: sent, Unsent: r.unsent.Load(), Accepted: r.accepted.Load(), Late: r.late.Load(), Rejected: r.rejected.Load(),
		Errors: r.errors.Load(), ByKind: r.byKind, ByStatus: r.byStatus,
		OfferedPerSec: float64(sent) / r.cfg.Duration.Seconds(), AcceptedPerSec: float64(r.accepted.Load()) / loadTime.Seconds(),
		Latency: r.cmdLatency.summary()}
	rep.Retries = Retries{Sent: r.retriesSent.Load(), Same: r.retriesSame.Load(), Different: r.retriesDiff.Load(),
		Errors: r.retriesErr.Load(), CommandIDs: r.retriedIDs}
	r.mu.Unlock()
	if sent > 0 {
		rep.Commands.BodyBytes = int(r.bodyBytes.Load() / sent)
	}
	bd := &rep.Boards
	bd.Boards = len(r.boards)
	for _, b := range r.boards {
		bd.Snapshots += b.snapshots.Load()
		bd.Deltas += b.deltas.Load()
		bd.Bytes += b.bytes.Load()
		bd.SlowCuts += b.slowCuts.Load()
		bd.OtherCuts += b.otherCuts.Load()
	}
	bd.Duplicates = r.duplicates()
	l := r.ledger
	bd.Delivered, bd.Gaps, bd.Undelivered, bd.Covered = l.delivered.Load(), l.gaps.Load(), l.undelivered.Load(), l.covered.Load()
	bd.Unchecked = l.unchecked()
	bd.Latency = l.latency.summary()
	bd.FromSend = l.fromSend.summary()
}

// baselines measures the bare store and the bare broadcast at the sizes
// and rates of the run, and the ratios.
func (r *runner) baselines(ctx context.Context, rep *Report, loadTime time.Duration) error {
	cfg := r.cfg
	ab, err := appendBaseline(ctx, cfg.BaselineDir, min(cfg.Senders, cfg.Units), max(rep.Commands.BodyBytes, 64), cfg.Baseline)
	if err != nil {
		return fmt.Errorf("loadgen: %w", err)
	}
	rep.Baseline.Append = &ab
	if cfg.Boards > 0 && rep.Boards.Deltas > 0 {
		size := int(r.deltaBytes() / rep.Boards.Deltas)
		// Each operation's deltas go to its boards: as many messages per
		// second in all as each board received, times the operations.
		groups := min(cfg.Operations, cfg.Boards)
		rate := float64(rep.Boards.Deltas) / float64(cfg.Boards) / loadTime.Seconds() * float64(groups)
		bb, err := broadcastBaseline(ctx, cfg.Boards, groups, size, rate, cfg.Baseline)
		if err != nil {
			return fmt.Errorf("loadgen: %w", err)
		}
		rep.Baseline.Broadcast = &bb
		rep.Ratios.BoardP50OverBroadcast = ratio(rep.Boards.Latency.P50, bb.Latency.P50)
		rep.Ratios.BoardP99OverBroadcast = ratio(rep.Boards.Latency.P99, bb.Latency.P99)
	}
	rep.Ratios.AcceptedOfBareAppends = ratio(rep.Commands.AcceptedPerSec, ab.PerSec)
	rep.Ratios.CommandP50OverAppendP50 = ratio(rep.Commands.Latency.P50, ab.Latency.P50)
	rep.Ratios.CommandP99OverAppendP99 = ratio(rep.Commands.Latency.P99, ab.Latency.P99)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
