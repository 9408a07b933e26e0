package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/boardws"
	"github.com/jointops/jointops/infra/compliance"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/infra/metrics"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/infra/replayws"
	"github.com/jointops/jointops/infra/webui"
)

// system is the server, wired: the event log, the command side, the
// projections with their runner, the live board hub, and the HTTP handler
// in front of them all.
type system struct {
	handler http.Handler
	runner  *projector.Runner
	boards  *boards.Boards
	hub     *boardws.Hub
	// replay plays operations' histories to investigators over WebSocket.
	replay *replayws.Server
	// compliance raises and clears compliance flags from the log; its
	// deadline ticker runs beside the runner.
	compliance *compliance.Policy
	// demo is set in demo mode; it is started once the server listens.
	demo    *demoRun
	closers []func() error
}

// close releases everything assemble opened, in reverse order.
func (s *system) close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
}

// shutdownBoards closes every WebSocket the server holds (live boards and
// replays) with "going away"; the HTTP server does not track upgraded
// connections.
func (s *system) shutdownBoards(ctx context.Context) error {
	return errors.Join(s.hub.Shutdown(ctx), s.replay.Shutdown(ctx))
}

// assemble opens and wires the whole server. On error, whatever it opened
// is closed again.
func assemble(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *system, err error) {
	sys := &system{}
	defer func() {
		if err != nil {
			sys.close()
		}
	}()
	key, created, err := auth.LoadOrCreateKey(cfg.TokenKeyPath())
	if err != nil {
		return nil, err
	}
	// The path only: the key never reaches a log.
	log.Info("token signing key", "path", cfg.TokenKeyPath(), "generated", created)
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}

	raw, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	sys.closers = append(sys.closers, raw.Close)
	log.Info("event store open", "store", describeStore(cfg))
	m := metrics.New()
	store := m.InstrumentStore(raw)
	if err := startCheckpointer(ctx, cfg, store, log, sys); err != nil {
		return nil, err
	}

	codec, err := eventlog.NewCodec()
	if err != nil {
		return nil, err
	}
	handlers, err := newCommands(ctx, cfg, store, codec, log, sys)
	if err != nil {
		return nil, err
	}

	sys.boards, err = boards.New(boards.Config{Logger: log})
	if err != nil {
		return nil, err
	}
	hist, err := newHistorySide(store, codec, handlers, log)
	if err != nil {
		return nil, err
	}
	// The compliance policy records flags as the system principal of the
	// deployment: an agency ID no token can name (see systemAgency).
	system, err := app.SystemPrincipal(systemAgency)
	if err != nil {
		return nil, err
	}
	sys.compliance, err = compliance.New(compliance.Config{Recorder: handlers, Principal: system,
		Live: func() bool { return sys.runner.Ready() == nil }, Logger: log.With("component", "compliance")})
	if err != nil {
		return nil, err
	}
	sys.runner, err = projector.New(ctx, projector.Config{
		Store: store, Decoder: codec, CheckpointPath: cfg.ProjectionsPath(),
		Logger: log,
	}, sys.boards, sys.compliance, hist.history.Projection())
	if err != nil {
		return nil, err
	}
	// Saved board snapshots of the history are read back from the
	// checkpoint file rather than kept in memory.
	hist.history.SetPartLoader(sys.runner)
	sys.closers = append(sys.closers, sys.runner.Close)
	m.GroupLag(func() map[string]float64 {
		out := map[string]float64{}
		for _, st := range sys.runner.Status() {
			out[st.Name] = float64(st.Lag)
		}
		return out
	})
	progress := runnerProgress{runner: sys.runner, name: sys.boards.Name()}
	sys.hub, err = boardws.NewHub(boardws.Config{AllowedOrigins: cfg.AllowedOrigins,
		Logger: log.With("component", "boardws"), OnDisconnect: m.BoardDisconnected}, sys.boards, progress)
	if err != nil {
		return nil, err
	}
	m.BoardsConnected(sys.hub.ConnectedByAgency)
	sys.replay, err = replayws.NewServer(replayws.Config{AllowedOrigins: cfg.AllowedOrigins,
		Logger: log.With("component", "replayws")}, hist.history)
	if err != nil {
		return nil, err
	}

	health := httpapi.NewHealth(2*time.Second,
		httpapi.Check{Name: "event-log", Probe: headProbe(store)},
		httpapi.Check{Name: "projections", Probe: func(context.Context) (string, error) {
			if err := sys.runner.Ready(); err != nil {
				return "", err
			}
			return "caught up", nil
		}},
	)
	api, err := httpapi.New(httpapi.Config{
		Logger:       log,
		Health:       health,
		TokenKey:     key.Public().(ed25519.PublicKey),
		Commands:     handlers,
		RateLimit:    cfg.RateLimit,
		RateBurst:    cfg.RateBurst,
		MaxBodyBytes: cfg.MaxBodyBytes,
		Boards:       sys.boards,
		Live:         sys.hub,
		Projections:  sys.runner,
		Metrics:      m.Handler(),

		History:         hist.history,
		HistoryRecorder: hist.recorder,
		Replay:          sys.replay,
		Audit:           auditLog{Reader: store, Codec: codec},
	})
	if err != nil {
		return nil, err
	}

	uiCfg := webui.Config{Logger: log.With("component", "webui")}
	mux := http.NewServeMux()
	mux.Handle("/v1/", m.Commands(api))
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		mux.Handle(p, api)
	}
	if cfg.Demo {
		if sys.demo, err = newDemo(key); err != nil {
			return nil, err
		}
		tokens, err := sys.demo.tokensHandler()
		if err != nil {
			return nil, err
		}
		mux.Handle("/demo/tokens", tokens)
		uiCfg.DemoTokensPath = "/demo/tokens"
		if uiCfg.Map, err = sys.demo.mapSource(); err != nil {
			return nil, err
		}
	}
	page, err := webui.New(uiCfg)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", page)
	sys.handler = mux
	return sys, nil
}

// newCommands wires the command handlers over the event log and the
// outcomes file.
func newCommands(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec, log *slog.Logger, sys *system) (*app.Handlers, error) {
	outcomes, err := eventlog.OpenOutcomes(ctx, cfg.OutcomesPath())
	if err != nil {
		return nil, err
	}
	sys.closers = append(sys.closers, outcomes.Close)
	snaps, err := eventlog.OpenSnapshots(ctx, eventlog.SnapshotsConfig{Path: cfg.SnapshotsPath(), Logger: log})
	if err != nil {
		return nil, err
	}
	sys.closers = append(sys.closers, snaps.Close)
	h, err := app.New(app.Config{Log: eventlog.NewLog(store, codec), Outcomes: outcomes, Snapshots: snaps, CacheWeight: cfg.CacheWeight, Logger: log})
	if err != nil {
		return nil, err
	}
	// Closed before the files above (closers run in reverse): the outcome
	// records and snapshots still being written land first.
	sys.closers = append(sys.closers, func() error {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
		defer cancel()
		return h.Close(ctx)
	})
	return h, nil
}

// systemAgency is the agency of the system principal that records what the
// server itself decides (compliance flags): a fixed name-based UUID, never
// the ID of a real agency.
var systemAgency = func() domain.AgencyID {
	id, err := domain.NewAgencyID(uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:jointops:system-agency")))
	if err != nil {
		panic(err) // a constant, non-nil UUID
	}
	return id
}()

// runnerProgress tells the live boards' heartbeats where the log's head is
// and how far the boards projection is behind it.
type runnerProgress struct {
	runner *projector.Runner
	name   string
}

func (p runnerProgress) Head() string {
	if h, ok := p.runner.Head(); ok {
		return h.String()
	}
	return ""
}

func (p runnerProgress) Behind() int64 {
	for _, st := range p.runner.Status() {
		if st.Name == p.name {
			return int64(st.Lag)
		}
	}
	return 0
}
