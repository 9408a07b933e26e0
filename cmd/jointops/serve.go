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
	"time"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/httpapi"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var addr string
	var demoMode bool
	cfg, err := loadConfig("serve", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&addr, "addr", "", "listen address (JOINTOPS_HTTP_ADDR, default 127.0.0.1:8080)")
		fs.BoolVar(&demoMode, "demo", false, "load the demo world and run the field simulator (JOINTOPS_DEMO)")
	})
	if err != nil {
		return err
	}
	cfg.Demo = cfg.Demo || demoMode
	if addr != "" {
		cfg.HTTPAddr = addr
		if err := cfg.Validate(); err != nil {
			return &exitError{code: 2, err: err}
		}
	}
	log := newLogger(stderr, cfg)

	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	log.Info("event store open", "store", describeStore(cfg))

	api, err := newAPI(ctx, cfg, store, log)
	if err != nil {
		return err
	}
	defer api.close()
	mux := http.NewServeMux()
	mux.Handle("/", api.handler)
	var demoWorld *demoRun
	if cfg.Demo {
		if demoWorld, err = newDemo(api.key); err != nil {
			return err
		}
		mux.Handle("GET /demo/tokens", demoWorld.tokensHandler())
	}
	srv := httpapi.NewServer(cfg.HTTPAddr, mux, log)

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	log.Info("jointops serving", "url", scheme+"://"+ln.Addr().String(), "version", version)

	errc := make(chan error, 1)
	go func() {
		if cfg.TLS() {
			errc <- srv.ServeTLS(ln, cfg.TLSCertFile, cfg.TLSKeyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	if demoWorld != nil {
		base := scheme + "://" + ln.Addr().String()
		if err := demoWorld.start(ctx, base, cfg.TLS(), stdout, log); err != nil && ctx.Err() == nil {
			srv.Close()
			return err
		}
		defer demoWorld.stop()
	}
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	if demoWorld != nil {
		demoWorld.stop()
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	log.Info("stopped")
	return nil
}

// served is the HTTP API as wired by newAPI.
type served struct {
	handler http.Handler
	// key signs tokens: the demo issues its own with it.
	key   ed25519.PrivateKey
	close func()
}

// newAPI wires the HTTP API: the token key (generated on first start), the
// command handlers over the event log and the outcomes file, and the
// health checks. close releases what it opened.
func newAPI(ctx context.Context, cfg config.Config, store eventstore.Store, log *slog.Logger) (_ *served, err error) {
	key, created, err := auth.LoadOrCreateKey(cfg.TokenKeyPath())
	if err != nil {
		return nil, err
	}
	// The path only: the key never reaches a log.
	log.Info("token signing key", "path", cfg.TokenKeyPath(), "generated", created)

	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	outcomes, err := eventlog.OpenOutcomes(ctx, cfg.OutcomesPath())
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			outcomes.Close()
		}
	}()
	codec, err := eventlog.NewCodec()
	if err != nil {
		return nil, err
	}
	events := eventlog.NewLog(store, codec)
	handlers, err := app.New(app.Config{Log: events, Outcomes: outcomes, Logger: log})
	if err != nil {
		return nil, err
	}
	health := httpapi.NewHealth(2*time.Second, httpapi.Check{Name: "event-log", Probe: headProbe(store)})
	h, err := httpapi.New(httpapi.Config{
		Logger:       log,
		Health:       health,
		TokenKey:     key.Public().(ed25519.PublicKey),
		Commands:     handlers,
		RateLimit:    cfg.RateLimit,
		RateBurst:    cfg.RateBurst,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})
	if err != nil {
		return nil, err
	}
	return &served{handler: h, key: key, close: func() { outcomes.Close() }}, nil
}
