package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

func claims() Claims {
	return Claims{Agency: "DE-BPOL", Subject: "unit-7", Role: RoleFieldUnit, IssuedAt: t0, ExpiresAt: t0.Add(time.Hour), ID: "tok-1"}
}

func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignVerifyRoundTrip(t *testing.T) {
	k := newKey(t)
	tok, err := Sign(k, claims())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(k.Public().(ed25519.PublicKey), tok, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got != claims() {
		t.Fatalf("claims = %+v, want %+v", got, claims())
	}
}

func TestVerifyRejects(t *testing.T) {
	k := newKey(t)
	pub := k.Public().(ed25519.PublicKey)
	good, err := Sign(k, claims())
	if err != nil {
		t.Fatal(err)
	}
	other, err := Sign(newKey(t), claims())
	if err != nil {
		t.Fatal(err)
	}
	// Re-sign a payload that claims the admin role with the wrong key, and
	// splice a forged payload onto a genuine signature.
	forgedPayload := b64.EncodeToString([]byte(`{"agency":"DE-BPOL","sub":"unit-7","role":"admin","iat":"2026-11-28T10:00:00Z","exp":"2027-11-28T10:00:00Z","jti":"x"}`))
	spliced := tokenPrefix + forgedPayload + good[strings.LastIndexByte(good, '.'):]
	extra := tokenPrefix + b64.EncodeToString([]byte(`{"agency":"A","sub":"s","role":"admin","iat":"2026-11-28T10:00:00Z","exp":"2027-11-28T10:00:00Z","jti":"x","super":true}`))
	extra += "." + b64.EncodeToString(ed25519.Sign(k, []byte(extra)))

	tests := []struct {
		name  string
		token string
		now   time.Time
		want  error
	}{
		{"expired", good, t0.Add(time.Hour), ErrExpired},
		{"other key", other, t0, ErrSignature},
		{"spliced payload", spliced, t0, ErrSignature},
		{"empty", "", t0, ErrMalformed},
		{"no prefix", strings.TrimPrefix(good, tokenPrefix), t0, ErrMalformed},
		{"truncated signature", good[:len(good)-3], t0, ErrMalformed},
		{"huge", tokenPrefix + strings.Repeat("A", 10_000), t0, ErrMalformed},
		{"unknown claim", extra, t0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(pub, tt.token, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSignRejectsBadClaims(t *testing.T) {
	k := newKey(t)
	for _, mut := range []func(*Claims){
		func(c *Claims) { c.Agency = "" },
		func(c *Claims) { c.Subject = strings.Repeat("x", 200) },
		func(c *Claims) { c.Role = "superuser" },
		func(c *Claims) { c.ExpiresAt = c.IssuedAt },
	} {
		c := claims()
		mut(&c)
		if _, err := Sign(k, c); err == nil {
			t.Errorf("Sign(%+v) succeeded", c)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "signing.pem")
	k1, created, err := LoadOrCreateKey(path)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := LoadOrCreateKey(path)
	if err != nil || created {
		t.Fatalf("second call: created=%v err=%v", created, err)
	}
	if !k1.Equal(k2) {
		t.Fatal("reloaded key differs")
	}
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKey(path); err == nil {
		t.Fatal("garbage key file accepted")
	}
}
