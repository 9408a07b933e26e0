package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestServeAcceptsIssuedTokens runs serve and token issue on one data dir:
// serve generates the key, token issue signs with it, and the API accepts
// the token; nothing secret reaches the log.
func TestServeAcceptsIssuedTokens(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	base, log := startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0")
	keyPath := filepath.Join(dir, "keys", "token-signing.pem")
	if !strings.Contains(log.String(), "msg=\"token signing key\" path="+keyPath+" generated=true") {
		t.Fatalf("serve did not log where the key is:\n%s", log.String())
	}

	var out bytes.Buffer
	err := run(t.Context(), []string{"token", "issue", "--data-dir", dir,
		"--agency", testAgency, "--subject", testSubject, "--role", "observer"}, &out, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())

	get := func(auth string) (int, string, map[string]any) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "GET", base+"/v1/operations/"+uuid.NewString(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body
	}
	if code, challenge, body := get(""); code != http.StatusUnauthorized || !strings.HasPrefix(challenge, "Bearer") {
		t.Fatalf("without a token: %d %q %v", code, challenge, body)
	}
	if code, _, body := get("Bearer " + token); code != http.StatusForbidden || body["code"] != "read.not_visible" {
		t.Fatalf("with an issued token: %d %v, want 403 read.not_visible for an operation it cannot see", code, body)
	}

	pem, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	seed := strings.Split(strings.TrimSpace(string(pem)), "\n")[1]
	if strings.Contains(log.String(), seed) || strings.Contains(log.String(), token) {
		t.Fatal("the key or the token reached the log")
	}
}
