package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/jointops/jointops/infra/httpapi"
)

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	var addr string
	cfg, err := loadConfig("serve", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&addr, "addr", "", "listen address (JOINTOPS_HTTP_ADDR, default 127.0.0.1:8080)")
	})
	if err != nil {
		return err
	}
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

	health := httpapi.NewHealth(2*time.Second, httpapi.Check{Name: "event-log", Probe: headProbe(store)})
	srv := httpapi.NewServer(cfg.HTTPAddr, httpapi.Routes(log, health), log)

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
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
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
