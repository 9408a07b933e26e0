package main

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/demo"
)

// demoTokenTTL is how long the printed demo tokens stay valid: a working
// day, so a demo left running overnight asks for a restart, not a reissue.
const demoTokenTTL = 12 * time.Hour

// demoRun is the demo world running against this server: seeded through
// the API, then driven by the simulator until stopped.
type demoRun struct {
	world  *demo.World
	tokens *demo.Tokens
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// newDemo loads the demo world and issues its tokens with the server's key.
func newDemo(key ed25519.PrivateKey) (*demoRun, error) {
	world, err := demo.Load()
	if err != nil {
		return nil, fmt.Errorf("demo world: %w", err)
	}
	issue := func(agency, subject uuid.UUID, role string, ttl time.Duration) (string, error) {
		now := time.Now().UTC().Truncate(time.Second)
		return auth.Sign(key, auth.Claims{Agency: agency.String(), Subject: subject.String(),
			Role: auth.Role(role), IssuedAt: now, ExpiresAt: now.Add(ttl), ID: uuid.NewString()})
	}
	tokens, err := demo.NewTokens(world, issue, demoTokenTTL)
	if err != nil {
		return nil, fmt.Errorf("demo tokens: %w", err)
	}
	return &demoRun{world: world, tokens: tokens}, nil
}

// start seeds the world through the API at base (the server must be
// serving), prints the banner to out and runs the simulator in the
// background until stop.
func (d *demoRun) start(ctx context.Context, base string, insecureTLS bool, out io.Writer, log *slog.Logger) error {
	client := &http.Client{Timeout: 30 * time.Second}
	if insecureTLS {
		// The demo talks to its own listener on loopback; its certificate
		// may be self-signed for a name other than 127.0.0.1.
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // loopback to ourselves
	}
	log = log.With("component", "demo")
	if _, err := demo.Seed(ctx, demo.SeedConfig{BaseURL: base, Tokens: d.tokens, Logger: log, HTTPClient: client}); err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	sim, err := demo.NewSimulator(demo.SimConfig{BaseURL: base, Tokens: d.tokens, Logger: log, HTTPClient: client,
		Seed: uint64(time.Now().UnixNano()), Run: time.Now().UTC().Format("20060102T150405")})
	if err != nil {
		return fmt.Errorf("demo simulator: %w", err)
	}
	d.banner(out, base)
	simCtx, cancel := context.WithCancel(ctx)
	d.cancel = cancel
	d.done.Go(func() {
		if err := sim.Run(simCtx); err != nil {
			log.Error("demo simulator stopped", "err", err)
		}
	})
	return nil
}

// stop ends the simulator and waits for it.
func (d *demoRun) stop() {
	if d.cancel != nil {
		d.cancel()
	}
	d.done.Wait()
}

// banner prints what the demo is, where to watch it and the tokens to use.
func (d *demoRun) banner(out io.Writer, base string) {
	fmt.Fprintf(out, "\n%s\n\n", d.world.Notice)
	fmt.Fprintf(out, "Operation %s is live. Open a board (each link is one agency's view):\n", d.world.Operation.ID)
	for _, r := range d.tokens.Rows() {
		if r.Role == "observer" {
			fmt.Fprintf(out, "  %-28s %s/#operation=%s&token=%s\n", r.Agency, base, d.world.Operation.ID, r.Token)
		}
	}
	fmt.Fprintf(out, "\nTokens (Authorization: Bearer <token>), valid %s:\n", d.tokens.TTL())
	d.tokens.WriteTable(out)
	fmt.Fprintln(out)
}

// tokensHandler serves the demo's token table to the board page's agency
// switcher. It exists only in demo mode, whose tokens are printed on the
// console anyway; a server without --demo has no such route.
func (d *demoRun) tokensHandler() http.Handler {
	type row struct {
		Agency   string    `json:"agency"`
		AgencyID uuid.UUID `json:"agency_id"`
		Role     string    `json:"role"`
		Who      string    `json:"who"`
		Subject  uuid.UUID `json:"subject"`
		Token    string    `json:"token"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rows := d.tokens.Rows()
		out := struct {
			Operation uuid.UUID `json:"operation_id"`
			Notice    string    `json:"notice"`
			Tokens    []row     `json:"tokens"`
		}{Operation: d.world.Operation.ID, Notice: d.world.Notice, Tokens: make([]row, len(rows))}
		for i, t := range rows {
			out.Tokens[i] = row{t.Agency, t.AgencyID, t.Role, t.Who, t.Subject, t.Token}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(out)
	})
}
