package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestServeAdminEndpoints: the projections' status, an online rebuild and
// the Prometheus metrics are served to administrators only; readiness
// reports the projections.
func TestServeAdminEndpoints(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	base, _ := startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0")
	issue := func(role string) string {
		var out bytes.Buffer
		if err := run(t.Context(), []string{"token", "issue", "--data-dir", dir, "--agency", testAgency,
			"--subject", uuid.NewString(), "--role", role}, &out, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(out.String())
	}
	admin, observer := issue("admin"), issue("observer")
	do := func(method, path, token string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := do("GET", "/readyz", "")
		if code == http.StatusOK && strings.Contains(body, `"name":"projections","ok":true`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready: %d %s", code, body)
		}
		time.Sleep(20 * time.Millisecond)
	}

	for _, tc := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/v1/admin/projections", "", http.StatusUnauthorized},
		{"GET", "/v1/admin/projections", observer, http.StatusForbidden},
		{"GET", "/metrics", "", http.StatusUnauthorized},
		{"GET", "/metrics", observer, http.StatusForbidden},
		{"POST", "/v1/admin/projections/boards/rebuild", observer, http.StatusForbidden},
		{"POST", "/v1/admin/projections/nonesuch/rebuild", admin, http.StatusNotFound},
	} {
		if code, body := do(tc.method, tc.path, tc.token); code != tc.want {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, code, body, tc.want)
		}
	}

	code, body := do("GET", "/v1/admin/projections", admin)
	var status struct {
		Projections []struct {
			Name     string `json:"name"`
			Phase    string `json:"phase"`
			Rebuilds int    `json:"rebuilds"`
		} `json:"projections"`
	}
	if err := json.Unmarshal([]byte(body), &status); code != http.StatusOK || err != nil || len(status.Projections) != 3 ||
		status.Projections[0].Name != "boards" || status.Projections[1].Name != "compliance-policy" || status.Projections[2].Name != "history" {
		t.Fatalf("projections status: %d %s (%v), want boards, compliance-policy and history", code, body, err)
	}
	if code, body := do("POST", "/v1/admin/projections/boards/rebuild", admin); code != http.StatusAccepted {
		t.Fatalf("rebuild: %d %s", code, body)
	}
	for {
		_, body := do("GET", "/v1/admin/projections", admin)
		if strings.Contains(body, `"name":"boards","phase":"live"`) && strings.Contains(body, `"rebuilds":1`) {
			break
		}
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatalf("rebuild never finished: %s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, body = do("GET", "/metrics", admin)
	for _, want := range []string{`jointops_subscriber_lag_events{group="boards"}`, "go_goroutines", "process_cpu_seconds_total"} {
		if code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("/metrics: %d, lacks %q", code, want)
		}
	}
}

// TestProjectionsRebuildCommand: the command line of the offline rebuild
// (what a reset checkpoint does is projector.ResetCheckpoint's, tested
// there).
func TestProjectionsRebuildCommand(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if err := run(t.Context(), []string{"projections", "rebuild", "--data-dir", dir, "--name", "boards"}, &out, &errb); err != nil {
		t.Fatalf("rebuild with no checkpoint file: %v %s", err, errb.String())
	}
	if !strings.Contains(out.String(), "projection boards will be rebuilt") {
		t.Fatalf("output: %q", out.String())
	}
	if err := run(t.Context(), []string{"projections", "rebuild", "--data-dir", dir, "--name", "Not A Name!"}, &out, &errb); err == nil {
		t.Fatal("a malformed projection name was accepted")
	}
	if err := run(t.Context(), []string{"projections"}, &out, &errb); err == nil {
		t.Fatal("projections without a subcommand was accepted")
	}
}
