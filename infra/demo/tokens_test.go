package demo

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/auth"
)

// TestTokensCoverEveryPrincipal: one row per agency and role and per unit,
// each token verifying for exactly that agency, subject and role.
func TestTokensCoverEveryPrincipal(t *testing.T) {
	srv := newServer(t)
	tokens := srv.tokens(t)
	w := tokens.World()
	rows := tokens.Rows()
	if want := len(w.Agencies)*len(tokenRoles) + len(w.Units); len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	roles := map[string]int{}
	for _, r := range rows {
		roles[r.Role]++
		c, err := auth.Verify(srv.key.Public().(ed25519.PublicKey), r.Token, time.Now())
		if err != nil {
			t.Fatalf("%s %s: %v", r.Agency, r.Who, err)
		}
		if c.Agency != r.AgencyID.String() || c.Subject != r.Subject.String() || string(c.Role) != r.Role {
			t.Errorf("%s %s: claims %+v, want agency %s subject %s role %s", r.Agency, r.Who, c, r.AgencyID, r.Subject, r.Role)
		}
	}
	for _, role := range tokenRoles {
		if roles[role] != len(w.Agencies) {
			t.Errorf("%d %s tokens, want one per agency", roles[role], role)
		}
	}
	if roles["field_unit"] != len(w.Units) {
		t.Errorf("%d field unit tokens, want one per unit", roles["field_unit"])
	}

	var table strings.Builder
	if err := tokens.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(table.String()), "\n")
	if len(lines) != len(rows)+1 || !strings.HasPrefix(lines[0], "AGENCY") {
		t.Fatalf("table of %d lines, want a header and %d rows:\n%s", len(lines), len(rows), table.String())
	}
	for _, u := range w.Units {
		if !strings.Contains(table.String(), u.CallSign) {
			t.Errorf("the table does not name unit %s", u.CallSign)
		}
	}
}

// TestTokensRenewAtHalfLife: a token is reused until half its lifetime
// has passed, then a new one is issued.
func TestTokensRenewAtHalfLife(t *testing.T) {
	w := mustLoad(t)
	issued := 0
	issue := func(agency, subject uuid.UUID, role string, ttl time.Duration) (string, error) {
		issued++
		return fmt.Sprintf("token-%d", issued), nil
	}
	tokens, err := NewTokens(w, issue, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	start := issued
	now := time.Now()
	tokens.now = func() time.Time { return now }
	p := w.unitPrincipal(&w.Units[0])
	first, _ := tokens.token(p)
	now = now.Add(29 * time.Minute)
	if again, _ := tokens.token(p); again != first || issued != start {
		t.Fatalf("renewed before half-life: %q, %d issued", again, issued-start)
	}
	now = now.Add(2 * time.Minute)
	if renewed, _ := tokens.token(p); renewed == first || issued != start+1 {
		t.Fatalf("not renewed after half-life: %q, %d issued", renewed, issued-start)
	}
}

// TestNewTokensReportsIssuerFailures names the principal the issuer
// refused.
func TestNewTokensReportsIssuerFailures(t *testing.T) {
	w := mustLoad(t)
	refused := errors.New("no key")
	_, err := NewTokens(w, func(uuid.UUID, uuid.UUID, string, time.Duration) (string, error) { return "", refused }, 0)
	if !errors.Is(err, refused) || !strings.Contains(err.Error(), "admin") {
		t.Fatalf("err %v, want the issuer's error naming the principal", err)
	}
	if _, err := NewTokens(nil, nil, -time.Second); err == nil ||
		!strings.Contains(err.Error(), "world") || !strings.Contains(err.Error(), "issuer") || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("err %v, want every problem", err)
	}
}
