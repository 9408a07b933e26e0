package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestHealth(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	h := NewHealth(time.Second,
		Check{Name: "log", Probe: func(context.Context) (string, error) { return "head 3/3", nil }},
		Check{Name: "projections", Probe: func(context.Context) (string, error) {
			if ready.Load() {
				return "caught up", nil
			}
			return "", errors.New("catching up: 12 events behind")
		}},
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", h.Live)
	mux.HandleFunc("GET /readyz", h.Ready)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string) (int, healthBody) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b healthBody
		if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}

	if code, b := get("/healthz"); code != 200 || b.Status != "ok" {
		t.Fatalf("healthz = %d %+v", code, b)
	}
	if code, b := get("/readyz"); code != 200 || b.Status != "ready" || len(b.Checks) != 2 || b.Checks[0].Detail != "head 3/3" {
		t.Fatalf("readyz = %d %+v", code, b)
	}
	ready.Store(false)
	code, b := get("/readyz")
	if code != http.StatusServiceUnavailable || b.Checks[1].OK || b.Checks[1].Detail != "catching up: 12 events behind" {
		t.Fatalf("readyz while catching up = %d %+v", code, b)
	}
}

func TestHealthIsServedWithoutAToken(t *testing.T) {
	e := newEnv(t, envOptions{})
	if r := e.do(t, "GET", "/healthz", "", nil); r.status != http.StatusOK {
		t.Fatalf("GET /healthz = %d %s", r.status, r.body)
	}
	r := e.do(t, "POST", "/healthz", "", "{}")
	if r.status != http.StatusMethodNotAllowed || r.problem(t).Type != ProblemMethodNotAllowed || r.header.Get("Allow") == "" {
		t.Fatalf("POST /healthz = %d %v %s", r.status, r.header, r.body)
	}
}
