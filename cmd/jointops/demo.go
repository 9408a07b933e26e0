package main

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/agreementdemo"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/demo"
	"github.com/jointops/jointops/infra/webui"
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
		req := tokenRequest{agency: agency.String(), subject: subject.String(), role: role, ttl: ttl}
		claims, err := req.claims(time.Now().UTC().Truncate(time.Second))
		if err != nil {
			return "", err
		}
		return auth.Sign(key, claims)
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
	if _, err := demo.Seed(ctx, demo.SeedConfig{BaseURL: base, Tokens: d.tokens, Logger: log, HTTPClient: client,
		Agreements: agreementdemo.DefaultJSON()}); err != nil {
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
			fmt.Fprintf(out, "  %-28s %s/#op=%s&token=%s\n", r.Agency, base, d.world.Operation.ID, r.Token)
		}
	}
	fmt.Fprintf(out, "\nTokens (Authorization: Bearer <token>), valid %s:\n", d.tokens.TTL())
	d.tokens.WriteTable(out)
	fmt.Fprintln(out)
}

// tokensHandler serves the demo's token table to the board page's agency
// switcher, lead agency's observer first. It exists only in demo mode, whose
// tokens are printed on the console anyway; a server without --demo has no
// such route.
func (d *demoRun) tokensHandler() (http.Handler, error) {
	states := map[uuid.UUID]string{}
	for _, a := range d.world.Agencies {
		states[a.ID] = a.State
	}
	lead := d.world.Agency(d.world.Operation.Lead)
	var first, rest []webui.DemoToken
	for _, r := range d.tokens.Rows() {
		agency, err := domain.NewAgencyID(r.AgencyID)
		if err != nil {
			return nil, fmt.Errorf("demo tokens: %w", err)
		}
		state, err := domain.ParseStateCode(states[r.AgencyID])
		if err != nil {
			return nil, fmt.Errorf("demo tokens: %w", err)
		}
		t := webui.DemoToken{Agency: agency, AgencyName: r.Agency, State: state, Role: r.Role,
			Subject: r.Subject.String(), Label: r.Who, Token: r.Token}
		if lead != nil && r.AgencyID == lead.ID && r.Role == "observer" {
			first = append(first, t)
		} else {
			rest = append(rest, t)
		}
	}
	op, err := domain.NewOperationID(d.world.Operation.ID)
	if err != nil {
		return nil, fmt.Errorf("demo tokens: %w", err)
	}
	return webui.DemoTokensHandler(webui.DemoTokens{Operation: op, Tokens: append(first, rest...)})
}

// mapSource draws the demo's states and land borders under the board.
func (d *demoRun) mapSource() (webui.MapSource, error) {
	code := func(s string) (domain.StateCode, error) {
		c, err := domain.ParseStateCode(s)
		if err != nil {
			return c, fmt.Errorf("demo map: %w", err)
		}
		return c, nil
	}
	var m webui.StaticMap
	for _, st := range d.world.States {
		c, err := code(st.Code)
		if err != nil {
			return nil, err
		}
		s := webui.State{Code: c, Name: st.Name, Territory: st.Territory}
		for _, b := range d.world.Borders {
			other := ""
			switch st.Code {
			case b.States[0]:
				other = b.States[1]
			case b.States[1]:
				other = b.States[0]
			default:
				continue
			}
			n, err := code(other)
			if err != nil {
				return nil, err
			}
			s.Borders = append(s.Borders, webui.Border{Neighbour: n, Line: b.Line})
		}
		m = append(m, s)
	}
	return m, nil
}
