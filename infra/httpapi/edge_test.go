package httpapi

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/auth"
)

func TestAuthentication(t *testing.T) {
	clock := &settableClock{t: t0}
	e := newEnv(t, envOptions{now: clock.now})
	path := "/v1/operations/" + uuid.NewString()
	good := e.token(t, leadAgency, leadCommander, commands.RoleCommander)

	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(key ed25519.PrivateKey, c auth.Claims) string {
		tok, err := auth.Sign(key, c)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	claims := auth.Claims{Agency: leadAgency.String(), Subject: leadCommander.String(), Role: auth.RoleCommander,
		IssuedAt: t0.Add(-2 * time.Hour), ExpiresAt: t0.Add(time.Hour), ID: "t"}
	expired := claims
	expired.ExpiresAt = t0.Add(-time.Second)
	notAnAgency := claims
	notAnAgency.Agency = "DE-BPOL"

	tests := []struct {
		name          string
		header        string
		wantChallenge string
	}{
		{"no header", "", `Bearer realm="jointops"`},
		{"basic auth", "Basic dXNlcjpwYXNz", `Bearer realm="jointops", error="invalid_token"`},
		{"garbage", "Bearer not-a-token", `Bearer realm="jointops", error="invalid_token"`},
		{"other key", "Bearer " + sign(otherKey, claims), `Bearer realm="jointops", error="invalid_token"`},
		{"expired", "Bearer " + sign(e.key, expired), `Bearer realm="jointops", error="invalid_token"`},
		{"agency is not an ID", "Bearer " + sign(e.key, notAnAgency), `Bearer realm="jointops", error="invalid_token"`},
		{"tampered", "Bearer " + good[:len(good)-4] + "AAAA", `Bearer realm="jointops", error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), "GET", e.url+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != ProblemContentType {
				t.Fatalf("= %d %s, want 401 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != tt.wantChallenge {
				t.Fatalf("WWW-Authenticate = %q, want %q", got, tt.wantChallenge)
			}
		})
	}
	if r := e.do(t, "GET", path, good, nil); r.status != http.StatusForbidden {
		t.Fatalf("a good token got %d, want 403 for an operation it cannot see: %s", r.status, r.body)
	}
	// The verified token is remembered, but not past its expiry.
	clock.set(t0.Add(time.Hour))
	if r := e.do(t, "GET", path, good, nil); r.status != http.StatusUnauthorized {
		t.Fatalf("a remembered token after its expiry got %d, want 401", r.status)
	}
}

func TestTokensNeverLogged(t *testing.T) {
	e := newEnv(t, envOptions{logLevel: -8}) // debug: every request is logged
	tok := e.token(t, leadAgency, leadCommander, commands.RoleCommander)
	e.do(t, "GET", "/v1/operations/"+uuid.NewString(), tok, nil)
	e.do(t, "POST", "/v1/operations", tok, `{"command_id":`)
	if !strings.Contains(e.log.String(), "http request") {
		t.Fatalf("no request was logged:\n%s", e.log.String())
	}
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	if strings.Contains(e.log.String(), sig) {
		t.Fatalf("the token reached the log:\n%s", e.log.String())
	}
}

func TestRateLimitOverHTTP(t *testing.T) {
	clock := &settableClock{t: t0}
	e := newEnv(t, envOptions{now: clock.now, rateLimit: 1, rateBurst: 2})
	tok := e.token(t, leadAgency, leadCommander, commands.RoleCommander)
	other := e.token(t, partnerAgency, partnerCmdr, commands.RoleCommander)
	path := "/v1/operations/" + uuid.NewString()
	for i := range 2 {
		if r := e.do(t, "GET", path, tok, nil); r.status != http.StatusForbidden {
			t.Fatalf("request %d within the burst = %d", i+1, r.status)
		}
	}
	r := e.do(t, "GET", path, tok, nil)
	if p := r.problem(t); r.status != http.StatusTooManyRequests || p.Type != ProblemRateLimited {
		t.Fatalf("over the limit = %d %+v", r.status, p)
	}
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || retry < 1 {
		t.Fatalf("Retry-After = %q, want whole seconds ≥ 1", r.header.Get("Retry-After"))
	}
	if r := e.do(t, "GET", path, other, nil); r.status != http.StatusForbidden {
		t.Fatalf("another principal was throttled: %d", r.status)
	}
	clock.set(t0.Add(time.Duration(retry) * time.Second))
	if r := e.do(t, "GET", path, tok, nil); r.status != http.StatusForbidden {
		t.Fatalf("after Retry-After = %d", r.status)
	}
}

func TestUnknownRoutes(t *testing.T) {
	e := newEnv(t, envOptions{})
	tok := e.token(t, leadAgency, leadCommander, commands.RoleCommander)
	r := e.do(t, "GET", "/v1/nothing-here", tok, nil)
	if p := r.problem(t); r.status != http.StatusNotFound || p.Type != ProblemNotFound {
		t.Fatalf("unknown path = %d %+v", r.status, p)
	}
	r = e.do(t, "DELETE", "/v1/operations/"+uuid.NewString(), tok, nil)
	if p := r.problem(t); r.status != http.StatusMethodNotAllowed || p.Type != ProblemMethodNotAllowed || !strings.Contains(r.header.Get("Allow"), "GET") {
		t.Fatalf("wrong method = %d %+v Allow=%q", r.status, p, r.header.Get("Allow"))
	}
}
