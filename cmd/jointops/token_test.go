package main

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/auth"
)

const (
	testAgency  = "5f0c8a52-3c1e-4d55-9a8e-0c6b8f1f0a01"
	testSubject = "9b7d5d0e-7a4c-4b1f-8f61-2f0d8e3c9a02"
)

func TestTokenIssue(t *testing.T) {
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	issue := func(t *testing.T, args ...string) (token, log string) {
		t.Helper()
		var out, errOut bytes.Buffer
		args = append([]string{"token", "issue", "--data-dir", dir}, args...)
		if err := run(t.Context(), args, &out, &errOut); err != nil {
			t.Fatalf("token issue: %v\n%s", err, errOut.String())
		}
		return strings.TrimSpace(out.String()), errOut.String()
	}

	tok, log := issue(t, "--agency", testAgency, "--subject", testSubject, "--role", "field_unit", "--ttl", "2h")
	keyPath := filepath.Join(dir, "keys", "token-signing.pem")
	if !strings.Contains(log, "generated a new token signing key at "+keyPath) {
		t.Fatalf("first issue did not report the new key:\n%s", log)
	}
	key, err := auth.LoadKey(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	c, err := auth.Verify(key.Public().(ed25519.PublicKey), tok, time.Now())
	if err != nil {
		t.Fatalf("issued token does not verify with the data dir's key: %v", err)
	}
	if c.Agency != testAgency || c.Subject != testSubject || c.Role != auth.RoleFieldUnit || c.ExpiresAt.Sub(c.IssuedAt) != 2*time.Hour || c.ID == "" {
		t.Fatalf("claims = %+v", c)
	}
	if strings.Contains(log, tok) {
		t.Fatal("the token was written to the log stream")
	}

	tok2, log := issue(t, "--agency", testAgency, "--subject", testSubject, "--role", "observer")
	if strings.Contains(log, "generated") {
		t.Fatalf("second issue generated another key:\n%s", log)
	}
	c2, err := auth.Verify(key.Public().(ed25519.PublicKey), tok2, time.Now())
	if err != nil || c2.Role != auth.RoleObserver || c2.ExpiresAt.Sub(c2.IssuedAt) != 12*time.Hour || c2.ID == c.ID {
		t.Fatalf("second token: %+v, %v (want the default 12h TTL and a fresh ID)", c2, err)
	}
}

func TestTokenIssueKeyFromConfig(t *testing.T) {
	keyPath := filepath.Join(t.TempDir(), "elsewhere", "signing.pem")
	t.Setenv("JOINTOPS_TOKEN_KEY", keyPath)
	var out bytes.Buffer
	err := run(t.Context(), []string{"token", "issue", "--data-dir", t.TempDir(),
		"--agency", testAgency, "--subject", testSubject, "--role", "admin"}, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := auth.LoadKey(keyPath)
	if err != nil {
		t.Fatalf("no key at JOINTOPS_TOKEN_KEY: %v", err)
	}
	if _, err := auth.Verify(key.Public().(ed25519.PublicKey), strings.TrimSpace(out.String()), time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestTokenIssueRejects(t *testing.T) {
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no subcommand", []string{"token"}, []string{"subcommand issue"}},
		{"unknown subcommand", []string{"token", "revoke"}, []string{"subcommand issue"}},
		{"nothing given", []string{"token", "issue"}, []string{"--agency", "--subject", "--role"}},
		{"every problem at once", []string{"token", "issue", "--agency", "DE-BPOL", "--subject", "unit 7", "--role", "king", "--ttl", "-1h"},
			[]string{`--agency "DE-BPOL"`, `--subject "unit 7"`, `--role "king"`, "--ttl -1h0m0s"}},
		{"ttl too long", []string{"token", "issue", "--agency", testAgency, "--subject", testSubject, "--role", "admin", "--ttl", "9000h"},
			[]string{"--ttl 9000h0m0s"}},
		{"stray argument", []string{"token", "issue", "--agency", testAgency, "now"}, []string{"unexpected arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			err := run(t.Context(), append(tt.args, "--data-dir", dir), &out, &bytes.Buffer{})
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("err = %v, want exit code 2", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if out.Len() != 0 {
				t.Fatalf("printed %q on failure", out.String())
			}
		})
	}
}
