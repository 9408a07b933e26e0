package loadgen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Generator is a configured load generator; Run runs it once.
type Generator struct {
	cfg Config
}

// New checks cfg and returns a generator of it.
func New(cfg Config) (*Generator, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	return &Generator{cfg: cfg}, nil
}

// Run seeds the run's operations on the server, connects the boards,
// drives the units for the configured duration, waits for the boards to
// receive what they are owed, reads the server's numbers and measures the
// baselines. An error means the run could not take place (a server that
// refuses the seeding or its metrics); what went wrong under load is in
// the report (see Report.OK).
func (g *Generator) Run(ctx context.Context) (*Report, error) {
	cfg := g.cfg
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5deece66d))
	w, err := newWorld(cfg, rng)
	if err != nil {
		return nil, fmt.Errorf("loadgen: %w", err)
	}
	r := &runner{cfg: cfg, w: w, c: &client{base: strings.TrimRight(cfg.BaseURL, "/"), http: cfg.HTTPClient},
		mix: &mixer{w: w, rng: rng, mix: cfg.Mix, lateShare: cfg.LateShare}, cmdLatency: newHistogram(),
		byStatus: map[string]int64{}, byKind: map[string]int64{}}
	return r.run(ctx)
}

// runner is one run.
type runner struct {
	cfg    Config
	w      *world
	c      *client
	mix    *mixer
	start  time.Time
	boards []*board
	ledger *ledger

	cmdLatency *histogram
	sent       atomic.Int64
	unsent     atomic.Int64
	accepted   atomic.Int64
	late       atomic.Int64
	rejected   atomic.Int64
	errors     atomic.Int64
	bodyBytes  atomic.Int64

	retriesSent atomic.Int64
	retriesSame atomic.Int64
	retriesDiff atomic.Int64
	retriesErr  atomic.Int64

	mu         sync.Mutex
	byStatus   map[string]int64
	byKind     map[string]int64
	retriedIDs []string
	samples    []TimedSample
}

func (r *runner) run(ctx context.Context) (*Report, error) {
	cfg := r.cfg
	rep := &Report{Started: time.Now().UTC(), Setup: Setup{URL: cfg.BaseURL, Units: cfg.Units, Boards: cfg.Boards,
		Operations: cfg.Operations, Rate: cfg.Rate, Duration: cfg.Duration, Senders: cfg.Senders,
		Mix: cfg.Mix, LateShare: cfg.LateShare, RetryShare: cfg.RetryShare}}
	r.start = time.Now()
	if err := r.w.seed(ctx, r.c, cfg.Issue); err != nil {
		return nil, fmt.Errorf("loadgen: seed: %w", err)
	}
	cfg.Logger.Info("operations seeded", "operations", cfg.Operations, "units", cfg.Units)

	boardCtx, stopBoards := context.WithCancel(ctx)
	var boardsDone sync.WaitGroup
	defer func() { stopBoards(); boardsDone.Wait() }()
	connectTime, never := r.connectBoards(boardCtx, &boardsDone)
	rep.Boards.ConnectTime, rep.Boards.NeverSnapshot = connectTime, never
	r.ledger = newLedger(cfg.Operations, r.boards)

	before, err := scrape(ctx, r.c, r.w.admin)
	if err != nil {
		return nil, fmt.Errorf("loadgen: server metrics: %w", err)
	}
	beforeAt := time.Now()

	loadStart := time.Now()
	var endLoad func()
	if cfg.AroundLoad != nil {
		endLoad = cfg.AroundLoad()
	}
	r.load(ctx)
	if endLoad != nil {
		endLoad()
	}
	loadEnd := time.Now()
	r.drain(ctx)

	after, err := scrape(ctx, r.c, r.w.admin)
	if err != nil {
		return nil, fmt.Errorf("loadgen: server metrics: %w", err)
	}
	afterAt := time.Now()
	stopBoards()
	boardsDone.Wait()

	r.fill(rep, loadEnd.Sub(loadStart))
	rep.Server = Server{Before: before, After: after, Samples: r.samples, CPUSeconds: after.CPUSeconds - before.CPUSeconds,
		SlowDisconnects: after.BoardDisconnects["slow"] - before.BoardDisconnects["slow"]}
	rep.Server.CPUCores = rep.Server.CPUSeconds / afterAt.Sub(beforeAt).Seconds()
	if g, ok := heapGrowth(r.samples); ok {
		rep.Server.HeapGrowth = &g
	}

	if !cfg.SkipBaselines && ctx.Err() == nil {
		if err := r.baselines(ctx, rep, loadEnd.Sub(loadStart)); err != nil {
			return nil, err
		}
	}
	rep.Elapsed = time.Since(r.start)
	return rep, nil
}

// connectBoards opens every board, a hundred at a time, and waits until
// each has its first snapshot or a deadline passes. It returns how long
// that took and how many boards never got one.
func (r *runner) connectBoards(ctx context.Context, wg *sync.WaitGroup) (time.Duration, int) {
	dialer := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
	wsBase := "ws" + strings.TrimPrefix(r.c.base, "http")
	began := time.Now()
	for i, spec := range r.w.boards {
		b := &board{spec: spec, url: wsBase + r.w.ops[spec.op].path + "/board/live", start: r.start,
			log: r.cfg.Logger, ready: make(chan struct{})}
		r.boards = append(r.boards, b)
		wg.Go(func() { b.run(ctx, dialer) })
		if (i+1)%100 == 0 {
			r.awaitReady(ctx, r.boards[i+1-100:], 10*time.Second)
		}
	}
	r.awaitReady(ctx, r.boards, 30*time.Second)
	never := 0
	for _, b := range r.boards {
		select {
		case <-b.ready:
		default:
			never++
		}
	}
	return time.Since(began), never
}

// awaitReady waits until every board has its first snapshot, at most
// limit.
func (r *runner) awaitReady(ctx context.Context, boards []*board, limit time.Duration) {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for _, b := range boards {
		select {
		case <-b.ready:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// tick checks the boards and writes the progress line every second.
func (r *runner) tick(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var lastSent int64
	nextSample := time.Now().Add(r.cfg.SampleEvery)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.ledger.check(time.Since(r.start)-r.cfg.Settle, false)
		if time.Now().After(nextSample) {
			nextSample = nextSample.Add(r.cfg.SampleEvery)
			r.sample(ctx)
		}
		sent := r.sent.Load()
		if r.cfg.Progress != nil {
			fmt.Fprintf(r.cfg.Progress, "loadgen %5.0fs  sent %d (%d/s)  accepted %d  rejected %d  errors %d  cmd p99 %.1f ms  boards %d/%d  slow %d  gaps %d  dups %d  board p99 %.1f ms\n",
				time.Since(r.start).Seconds(), sent, sent-lastSent, r.accepted.Load(), r.rejected.Load(), r.errors.Load(),
				ms(r.cmdLatency.quantile(99)), r.connected(), len(r.boards), r.slowCuts(), r.ledger.gaps.Load(), r.duplicates(),
				ms(r.ledger.latency.quantile(99)))
		}
		lastSent = sent
	}
}

// sample reads the server's numbers during the load, for the report's
// series (memory growth over a soak).
func (r *runner) sample(ctx context.Context) {
	s, err := scrape(ctx, r.c, r.w.admin)
	if err != nil {
		r.cfg.Logger.Warn("server metrics", "err", err)
		return
	}
	r.mu.Lock()
	r.samples = append(r.samples, TimedSample{At: time.Since(r.start), ServerSample: s})
	r.mu.Unlock()
}

// drain checks the boards until none is owed a delivery or the drain
// time is up, then a last time counting what is missing.
func (r *runner) drain(ctx context.Context) {
	deadline := time.Now().Add(r.cfg.Drain)
	for r.ledger.check(time.Duration(math.MaxInt64), false) > 0 && time.Now().Before(deadline) {
		if !sleep(ctx, 100*time.Millisecond) {
			break
		}
	}
	r.ledger.check(time.Duration(math.MaxInt64), true)
}
