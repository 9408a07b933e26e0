package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServeDemo starts serve --demo: the world is seeded through the API,
// the banner names the operation and gives a board link per agency, the
// demo token table is served for the board page and its tokens work, and
// the simulator's reports reach the log.
func TestServeDemo(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	base, stdout, log := startServeOut(t, "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--demo")

	var table struct {
		Operation string `json:"operation_id"`
		Tokens    []struct {
			Agency, Role, Token string
		} `json:"tokens"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), "is live") {
		if time.Now().After(deadline) {
			t.Fatalf("no banner:\n%s\nlog:\n%s", stdout.String(), log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get(base + "/demo/tokens")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&table); err != nil {
		t.Fatal(err)
	}
	if table.Operation == "" || !strings.Contains(stdout.String(), "#op="+table.Operation+"&token=") {
		t.Fatalf("banner lacks a board link to operation %q:\n%s", table.Operation, stdout.String())
	}
	agencies := map[string]bool{}
	var observer string
	for _, r := range table.Tokens {
		agencies[r.Agency] = true
		if r.Role == "observer" && observer == "" {
			observer = r.Token
		}
	}
	if len(agencies) != 4 || observer == "" {
		t.Fatalf("token table: %d agencies, observer token %t", len(agencies), observer != "")
	}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", base+"/v1/operations/"+table.Operation, nil)
	req.Header.Set("Authorization", "Bearer "+observer)
	op, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	op.Body.Close()
	if op.StatusCode != http.StatusOK {
		t.Fatalf("GET the demo operation as an observer: %d", op.StatusCode)
	}
	for !strings.Contains(log.String(), "msg=\"demo simulator started\"") {
		if time.Now().After(deadline) {
			t.Fatalf("simulator did not start:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, secret := range []string{observer} {
		if strings.Contains(log.String(), secret) {
			t.Fatal("a demo token reached the log")
		}
	}
}

// TestServeWithoutDemoHasNoTokenTable: the token table exists only in demo
// mode.
func TestServeWithoutDemoHasNoTokenTable(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	t.Setenv("JOINTOPS_DEMO", "")
	base, _ := startServe(t, "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0")
	resp, err := http.Get(base + "/demo/tokens")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /demo/tokens without --demo: %d, want 404", resp.StatusCode)
	}
}
