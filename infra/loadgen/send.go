package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// maxRetriedIDs bounds the retried command IDs kept for the report.
const maxRetriedIDs = 100

// job is one scheduled command.
type job struct {
	rep   report
	at    time.Time // when it was due
	retry bool      // send it again once accepted
}

// load runs the units for the configured duration: a scheduler hands each
// report to the senders at its due time (open loop), and every second the
// boards are checked and the progress line written.
func (r *runner) load(ctx context.Context) {
	cfg := r.cfg
	jobs := make(chan job, max(int(cfg.Rate)*10, 1024))
	var senders sync.WaitGroup
	for range cfg.Senders {
		senders.Go(func() {
			for j := range jobs {
				r.send(ctx, j)
			}
		})
	}
	tickCtx, stopTicks := context.WithCancel(ctx)
	var ticks sync.WaitGroup
	ticks.Go(func() { r.tick(tickCtx) })

	begin := time.Now()
	// When the senders fall behind, the queue fills and the schedule
	// ends on time anyway: what was due and never queued is counted.
	over := time.NewTimer(cfg.Duration)
	defer over.Stop()
	retryRng := rand.New(rand.NewPCG(cfg.Seed+1, 0))
	due := int64(math.Ceil(cfg.Rate * cfg.Duration.Seconds()))
	var i int64
schedule:
	for ; i < due; i++ {
		at := begin.Add(time.Duration(float64(i) / cfg.Rate * float64(time.Second)))
		if !sleep(ctx, time.Until(at)) {
			break
		}
		u := r.w.units[i%int64(len(r.w.units))]
		rp, err := r.mix.next(u, at)
		if err != nil {
			cfg.Logger.Error("report not built", "err", err)
			continue
		}
		select {
		case jobs <- job{rep: rp, at: at, retry: retryRng.Float64() < cfg.RetryShare}:
		case <-over.C:
			break schedule
		case <-ctx.Done():
			break schedule
		}
	}
	r.unsent.Store(due - i)
	close(jobs)
	senders.Wait()
	stopTicks()
	ticks.Wait()
}

// send sends one scheduled command and records its answer.
func (r *runner) send(ctx context.Context, j job) {
	r.sent.Add(1)
	r.bodyBytes.Add(int64(len(j.rep.body)))
	sent := time.Since(r.start)
	a, err := r.c.post(ctx, j.rep.unit.token, j.rep.path, j.rep.body)
	if err != nil {
		r.errors.Add(1)
		r.cfg.Logger.Debug("command failed", "err", err)
		return
	}
	r.cmdLatency.record(time.Since(j.at))
	if a.status/100 != 2 {
		if a.status >= 500 {
			r.errors.Add(1)
		} else {
			r.rejected.Add(1)
		}
		r.count(r.byStatus, fmt.Sprint(a.status))
		r.cfg.Logger.Debug("command refused", "status", a.status, "body", string(a.body))
		return
	}
	var out outcome
	pos, err := decodeOutcome(a.body, &out)
	if err != nil {
		r.errors.Add(1)
		r.cfg.Logger.Warn("command answer undecodable", "err", err)
		return
	}
	r.accepted.Add(1)
	r.count(r.byKind, j.rep.kind)
	if out.Late {
		r.late.Add(1)
	}
	r.ledger.ops[j.rep.unit.op].add(acceptance{pos: pos, visible: j.rep.visible, at: time.Since(r.start), sent: sent})
	if j.retry {
		r.retry(ctx, j, out)
	}
}

// retry sends an accepted command again, as a unit does after a lost
// answer: the server must answer with the original outcome and append
// nothing.
func (r *runner) retry(ctx context.Context, j job, first outcome) {
	r.retriesSent.Add(1)
	a, err := r.c.post(ctx, j.rep.unit.token, j.rep.path, j.rep.body)
	if err != nil || a.status/100 != 2 {
		r.retriesErr.Add(1)
		return
	}
	var again outcome
	if _, err := decodeOutcome(a.body, &again); err != nil {
		r.retriesErr.Add(1)
		return
	}
	if again != first {
		r.retriesDiff.Add(1)
		r.cfg.Logger.Warn("a retry got another outcome", "first", first, "retry", again)
		return
	}
	r.retriesSame.Add(1)
	var cmd struct {
		CommandID string `json:"command_id"`
	}
	if json.Unmarshal(j.rep.body, &cmd) == nil {
		r.mu.Lock()
		if len(r.retriedIDs) < maxRetriedIDs {
			r.retriedIDs = append(r.retriedIDs, cmd.CommandID)
		}
		r.mu.Unlock()
	}
}

func decodeOutcome(body []byte, out *outcome) (eventstore.Position, error) {
	if err := json.Unmarshal(body, out); err != nil {
		return eventstore.Position{}, fmt.Errorf("outcome: %w", err)
	}
	return eventstore.ParsePosition(out.Position)
}

// count adds one to m[key]; m is one of the runner's maps.
func (r *runner) count(m map[string]int64, key string) {
	r.mu.Lock()
	m[key]++
	r.mu.Unlock()
}
