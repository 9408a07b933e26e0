package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/infra/loadgen"
)

// loadgenFlags are the flags of `jointops loadgen` beyond the server
// configuration's.
type loadgenFlags struct {
	embedded   bool
	url        string
	tokenKey   string
	storeDir   string
	jsonFile   string
	cpuProfile string
	memProfile string
	quiet      bool
	mix        string
	gen        loadgen.Config
}

func (f *loadgenFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.embedded, "embedded", false, "start a server on a temporary store and load it (the default without --url)")
	fs.StringVar(&f.url, "url", "", "server to load, http(s)://host:port (instead of --embedded)")
	fs.StringVar(&f.tokenKey, "token-key", "", "with --url: the server's token signing key (default: the data dir's, as token issue uses)")
	fs.StringVar(&f.storeDir, "store-dir", "", "embedded: the server's data directory, kept after the run (default: a temporary one, removed)")
	fs.StringVar(&f.jsonFile, "json", "", "also write the report as JSON to this file")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the load phase to this file (embedded: server and load generator)")
	fs.StringVar(&f.memProfile, "memprofile", "", "write a heap profile at the end of the load phase to this file (embedded: server and load generator)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress line")
	fs.StringVar(&f.mix, "mix", "", "report mix as kind=share,… of "+strings.Join(loadgen.Kinds, ", ")+" (default: mostly positions)")
	g := &f.gen
	fs.IntVar(&g.Units, "units", loadgen.DefaultUnits, "field units reporting")
	fs.IntVar(&g.Boards, "boards", loadgen.DefaultBoards, "live boards (WebSocket) spread over the operations and agencies")
	fs.IntVar(&g.Operations, "ops", loadgen.DefaultOperations, "operations seeded; each board follows one")
	fs.Float64Var(&g.Rate, "rate", loadgen.DefaultRate, "reports per second, all units together (open loop)")
	fs.DurationVar(&g.Duration, "duration", loadgen.DefaultDuration, "how long the units report")
	fs.IntVar(&g.Senders, "senders", loadgen.DefaultSenders, "requests in flight at most")
	fs.Float64Var(&g.LateShare, "late", loadgen.DefaultLateShare, "share of sightings and situation reports filed minutes late (negative: none)")
	fs.Float64Var(&g.RetryShare, "retries", loadgen.DefaultRetryShare, "share of accepted commands sent again with the same command ID (negative: none)")
	fs.DurationVar(&g.Drain, "drain", loadgen.DefaultDrain, "wait at most this long after the load for the boards to catch up")
	fs.DurationVar(&g.Baseline, "baseline", loadgen.DefaultBaseline, "duration of each baseline (bare appends, bare broadcast)")
	fs.BoolVar(&g.SkipBaselines, "no-baselines", false, "skip the baselines")
	fs.DurationVar(&g.SampleEvery, "sample-every", loadgen.DefaultSample, "read the server's metrics this often during the load")
	fs.Uint64Var(&g.Seed, "seed", 1, "seed of the report mix")
}

// runLoadgen loads a server (its own, embedded, by default) and reports.
func runLoadgen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f loadgenFlags
	cfg, err := loadConfig("loadgen", args, stderr, f.register)
	if err != nil {
		return err
	}
	if f.embedded && f.url != "" {
		return &exitError{code: 2, err: errors.New("loadgen: --embedded and --url exclude each other")}
	}
	if f.mix != "" {
		if f.gen.Mix, err = loadgen.ParseMix(f.mix); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	log := newLogger(stderr, cfg)
	f.gen.Logger = log.With("component", "loadgen")
	if !f.quiet {
		f.gen.Progress = stderr
	}
	f.gen.AroundLoad = profiles(f.cpuProfile, f.memProfile, log)
	var rep *loadgen.Report
	if f.url != "" {
		rep, err = loadRemote(ctx, cfg, f)
	} else {
		rep, err = loadEmbedded(ctx, cfg, f, log)
	}
	if err != nil {
		return err
	}
	if err := rep.WriteText(stdout); err != nil {
		return err
	}
	if f.jsonFile != "" {
		if err := writeReport(f.jsonFile, rep); err != nil {
			return err
		}
	}
	if !rep.OK() {
		return &exitError{code: 1, err: errors.New("loadgen: the run's invariants failed (see the report)")}
	}
	return nil
}

// loadRemote loads a running server, signing the run's tokens with its key.
func loadRemote(ctx context.Context, cfg config.Config, f loadgenFlags) (*loadgen.Report, error) {
	path := f.tokenKey
	if path == "" {
		path = cfg.TokenKeyPath()
	}
	key, err := auth.LoadKey(path)
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("token key: %w", err)}
	}
	f.gen.BaseURL, f.gen.Issue = f.url, issuer(key, f.gen.Duration)
	gen, err := loadgen.New(f.gen)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	return gen.Run(ctx)
}

// loadEmbedded starts a server on a temporary store, wired as serve wires
// it, loads it and stops it.
func loadEmbedded(ctx context.Context, cfg config.Config, f loadgenFlags, log *slog.Logger) (*loadgen.Report, error) {
	dir := f.storeDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "jointops-loadgen-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	// The store is the configured one (SQLite by default, in dir; --store
	// esdb loads that cluster instead); keys and files are dir's own.
	cfg.DataDir, cfg.TokenKeyFile, cfg.CheckpointKeyFile = dir, "", ""
	cfg.TLSCertFile, cfg.TLSKeyFile, cfg.Demo = "", "", false
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store dir: %w", err)
	}
	key, _, err := auth.LoadOrCreateKey(cfg.TokenKeyPath())
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	f.gen.BaseURL, f.gen.Issue = "http://"+ln.Addr().String(), issuer(key, f.gen.Duration)
	gen, err := loadgen.New(f.gen)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	srv, err := startEmbedded(ctx, cfg, ln, log.With("component", "server"))
	if err != nil {
		return nil, err
	}
	rep, runErr := gen.Run(ctx)
	if err := srv.stop(); err != nil && runErr == nil {
		runErr = err
	}
	if rep != nil {
		rep.Server.Embedded = true
	}
	return rep, runErr
}

// embedded is a server the load generator started in its own process.
type embedded struct {
	sys     *system
	http    *http.Server
	cfg     config.Config
	stopRun context.CancelFunc
	runc    chan error
	served  chan error
	policy  chan struct{}
}

// startEmbedded assembles the server as serve does, serves it on ln and
// waits until it is ready.
func startEmbedded(ctx context.Context, cfg config.Config, ln net.Listener, log *slog.Logger) (*embedded, error) {
	sys, err := assemble(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	runCtx, stopRun := context.WithCancel(ctx)
	e := &embedded{sys: sys, cfg: cfg, stopRun: stopRun, runc: make(chan error, 1), served: make(chan error, 1),
		policy: make(chan struct{}), http: httpapi.NewServer(ln.Addr().String(), sys.handler, log)}
	go func() { e.runc <- sys.runner.Run(runCtx) }()
	go func() {
		defer close(e.policy)
		if err := sys.compliance.Run(runCtx); err != nil && runCtx.Err() == nil {
			log.Error("compliance deadlines stopped", "err", err)
		}
	}()
	go func() { e.served <- e.http.Serve(ln) }()
	if err := e.awaitReady(ctx, "http://"+ln.Addr().String()+"/readyz"); err != nil {
		return nil, errors.Join(err, e.stop())
	}
	return e, nil
}

// awaitReady polls the readiness probe until it answers 200.
func (e *embedded) awaitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("embedded server: not ready after 30s")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-e.runc:
			e.runc <- err
			return fmt.Errorf("embedded server: projections stopped: %w", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop shuts the server down as serve does: boards first, then HTTP, then
// the projections, then everything assemble opened.
func (e *embedded) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.ShutdownTimeout)
	defer cancel()
	var errs []error
	if err := e.sys.hub.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("closing live boards: %w", err))
	}
	if err := e.http.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := <-e.served; !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, fmt.Errorf("http server: %w", err))
	}
	e.stopRun()
	if err := <-e.runc; err != nil && !errors.Is(err, context.Canceled) {
		errs = append(errs, fmt.Errorf("projections: %w", err))
	}
	<-e.policy
	e.sys.close()
	return errors.Join(errs...)
}

// issuer signs the run's tokens with key, valid for the run and an hour.
func issuer(key ed25519.PrivateKey, run time.Duration) loadgen.Issuer {
	ttl := min(run+time.Hour, maxTokenTTL)
	return func(agency, subject uuid.UUID, role string) (string, error) {
		req := tokenRequest{agency: agency.String(), subject: subject.String(), role: role, ttl: ttl}
		claims, err := req.claims(time.Now().UTC().Truncate(time.Second))
		if err != nil {
			return "", err
		}
		return auth.Sign(key, claims)
	}
}

// profiles profiles the load phase: its CPU into cpuPath, the heap at its
// end into heapPath (either may be empty); nil when both are.
func profiles(cpuPath, heapPath string, log *slog.Logger) func() func() {
	if cpuPath == "" && heapPath == "" {
		return nil
	}
	return func() func() {
		stopCPU := startCPUProfile(cpuPath, log)
		return func() {
			stopCPU()
			if heapPath != "" {
				writeHeapProfile(heapPath, log)
			}
		}
	}
}

// startCPUProfile starts profiling the CPU into path, if set, and returns
// the function that stops it.
func startCPUProfile(path string, log *slog.Logger) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		log.Error("cpu profile", "err", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Error("cpu profile", "err", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			log.Error("cpu profile", "err", err)
		}
	}
}

// writeHeapProfile writes the live heap, after a collection, to path.
func writeHeapProfile(path string, log *slog.Logger) {
	f, err := os.Create(path)
	if err != nil {
		log.Error("heap profile", "err", err)
		return
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		log.Error("heap profile", "err", err)
	}
	if err := f.Close(); err != nil {
		log.Error("heap profile", "err", err)
	}
}

// writeReport writes the JSON report to path.
func writeReport(path string, rep *loadgen.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	if err := rep.WriteJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("json report: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}
