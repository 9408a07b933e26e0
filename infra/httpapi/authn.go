package httpapi

import (
	"crypto/ed25519"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jointops/jointops/infra/auth"
)

// authenticator establishes who sends a request from its bearer token. It
// never logs or echoes the token. A token that verified is remembered until
// it expires, so a unit reporting every second pays for one signature
// check, not one per report.
type authenticator struct {
	key ed25519.PublicKey
	now func() time.Time

	mu       sync.Mutex
	verified map[string]auth.Claims
}

// maxVerified bounds the remembered tokens; past it, the expired ones are
// dropped, and if none is, all of them (they verify again on next use).
const maxVerified = 16384

func newAuthenticator(key ed25519.PublicKey, now func() time.Time) *authenticator {
	return &authenticator{key: key, now: now, verified: make(map[string]auth.Claims)}
}

// claims verifies the request's "Authorization: Bearer <token>" header.
// Every failure Is errUnauthenticated.
func (a *authenticator) claims(r *http.Request) (auth.Claims, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.Claims{}, fmt.Errorf("%w: no bearer token (send Authorization: Bearer <token>)", errUnauthenticated)
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return auth.Claims{}, fmt.Errorf("%w: the Authorization header must use the Bearer scheme", errUnauthenticated)
	}
	token = strings.TrimSpace(token)
	now := a.now()
	if c, ok := a.remembered(token, now); ok {
		return c, nil
	}
	c, err := auth.Verify(a.key, token, now)
	if err != nil {
		return auth.Claims{}, fmt.Errorf("%w: %w", errUnauthenticated, err)
	}
	a.remember(token, c, now)
	return c, nil
}

func (a *authenticator) remembered(token string, now time.Time) (auth.Claims, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.verified[token]
	if !ok {
		return auth.Claims{}, false
	}
	if !now.Before(c.ExpiresAt) {
		delete(a.verified, token)
		return auth.Claims{}, false
	}
	return c, true
}

func (a *authenticator) remember(token string, c auth.Claims, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.verified) >= maxVerified {
		for t, old := range a.verified {
			if !now.Before(old.ExpiresAt) {
				delete(a.verified, t)
			}
		}
		if len(a.verified) >= maxVerified {
			clear(a.verified)
		}
	}
	a.verified[token] = c
}

// challenge is the WWW-Authenticate header of a 401 (RFC 6750): it says
// whether a token was missing or was presented and refused.
func challenge(r *http.Request) string {
	if r.Header.Get("Authorization") == "" {
		return `Bearer realm="jointops"`
	}
	return `Bearer realm="jointops", error="invalid_token"`
}
