package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Check is one readiness condition, such as "the event log answers" or
// "projections have caught up".
type Check struct {
	Name string
	// Probe returns nil when the condition holds, or an error saying why not
	// (e.g. "catching up: 1200 events behind"). It must honour ctx.
	Probe func(ctx context.Context) (detail string, err error)
}

// Health serves liveness and readiness. Both are unauthenticated by design:
// orchestrators and load balancers call them, and they reveal no operational
// data — only check names and their states.
type Health struct {
	checks  []Check
	timeout time.Duration
}

// NewHealth returns a Health running the given readiness checks, each bounded
// by timeout.
func NewHealth(timeout time.Duration, checks ...Check) *Health {
	return &Health{checks: checks, timeout: timeout}
}

type checkState struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

type healthBody struct {
	Status string       `json:"status"`
	Checks []checkState `json:"checks,omitempty"`
}

// Live answers 200 while the process serves HTTP at all.
func (h *Health) Live(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, healthBody{Status: "ok"})
}

// Ready answers 200 when every check passes and 503 otherwise, listing each
// check's state.
func (h *Health) Ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
	defer cancel()
	body := healthBody{Status: "ready"}
	code := http.StatusOK
	for _, c := range h.checks {
		detail, err := c.Probe(ctx)
		st := checkState{Name: c.Name, OK: err == nil, Detail: detail}
		if err != nil {
			st.Detail = err.Error()
			body.Status = "not ready"
			code = http.StatusServiceUnavailable
		}
		body.Checks = append(body.Checks, st)
	}
	writeJSON(w, code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	// The status line is already out; an encoding error can only be a broken
	// connection, which the client sees anyway.
	_ = json.NewEncoder(w).Encode(v)
}
