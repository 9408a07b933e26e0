package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"

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

	sys, err := assemble(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer sys.close()

	// The projections run for the life of the server: a runner that stops
	// (fenced out by another node, a checkpoint it cannot write) stops it.
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	runc := make(chan error, 1)
	go func() { runc <- sys.runner.Run(runCtx) }()
	policyDone := make(chan struct{})
	go func() {
		defer close(policyDone)
		if err := sys.compliance.Run(runCtx); err != nil && runCtx.Err() == nil {
			log.Error("compliance deadlines stopped", "err", err)
		}
	}()
	defer func() { stopRun(); <-policyDone }()

	srv := httpapi.NewServer(cfg.HTTPAddr, sys.handler, log)
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "http"
	if cfg.TLS() {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	log.Info("jointops serving", "url", base, "version", version)

	errc := make(chan error, 1)
	go func() {
		if cfg.TLS() {
			errc <- srv.ServeTLS(ln, cfg.TLSCertFile, cfg.TLSKeyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	if sys.demo != nil {
		if err := sys.demo.start(ctx, base, cfg.TLS(), stdout, log); err != nil && ctx.Err() == nil {
			srv.Close()
			return err
		}
		defer sys.demo.stop()
	}

	var failure error
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case err := <-runc:
		failure = fmt.Errorf("projections stopped: %w", err)
		log.Error("projections stopped; shutting down", "err", err)
	case <-ctx.Done():
	}
	if sys.demo != nil {
		sys.demo.stop()
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	// Boards first: the HTTP server does not track upgraded connections,
	// and each board should hear "going away" rather than a dropped socket.
	if err := sys.shutdownBoards(shutdownCtx); err != nil {
		log.Warn("closing live boards", "err", err)
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return errors.Join(failure, fmt.Errorf("shutdown: %w", err))
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return errors.Join(failure, fmt.Errorf("http server: %w", err))
	}
	stopRun()
	if failure == nil {
		if err := <-runc; err != nil && !errors.Is(err, context.Canceled) {
			failure = fmt.Errorf("projections: %w", err)
		}
	}
	log.Info("stopped")
	return failure
}
