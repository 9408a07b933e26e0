package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
)

func TestFieldReportEndToEnd(t *testing.T) {
	clock := &settableClock{t: t0}
	s := newScenario(t, newEnv(t, envOptions{now: clock.now}))
	before := s.events(t)

	cmd := uuid.New()
	body := positionReport(cmd, t0.Add(-time.Second), 47.6, 13.1)
	first := s.mustDo(t, "POST", s.unitReports(unit7)+"/position", s.unit7, body, http.StatusCreated)
	var acc commands.Accepted
	if err := json.Unmarshal(first.body, &acc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(acc.Stream, "unitlog-") || acc.Revision != 0 || acc.Events != 1 || acc.Late || acc.Position == "" {
		t.Fatalf("accepted = %+v", acc)
	}
	if loc := first.header.Get("Location"); loc != s.unitReports(unit7)+"/"+body["report_id"].(string) {
		t.Fatalf("Location = %q", loc)
	}
	if got := s.events(t); got != before+1 {
		t.Fatalf("events = %d, want %d", got, before+1)
	}

	t.Run("retry returns the original outcome and appends nothing", func(t *testing.T) {
		again := s.mustDo(t, "POST", s.unitReports(unit7)+"/position", s.unit7, body, http.StatusCreated)
		if string(again.body) != string(first.body) {
			t.Fatalf("retry answered %s, first answer %s", again.body, first.body)
		}
		if got := s.events(t); got != before+1 {
			t.Fatalf("events = %d after the retry, want %d", got, before+1)
		}
	})
	t.Run("command id reused for another body", func(t *testing.T) {
		other := positionReport(cmd, t0, 47.61, 13.1)
		r := s.do(t, "POST", s.unitReports(unit7)+"/position", s.unit7, other)
		if p := r.problem(t); r.status != http.StatusConflict || p.Type != ProblemCommandIDReused {
			t.Fatalf("reused id = %d %+v", r.status, p)
		}
	})
	t.Run("late report is accepted and flagged", func(t *testing.T) {
		r := s.mustDo(t, "POST", s.unitReports(unit8)+"/position", s.unit8,
			positionReport(uuid.New(), t0.Add(-3*time.Hour), 47.6, 13.1), http.StatusCreated)
		var late commands.Accepted
		if err := json.Unmarshal(r.body, &late); err != nil || !late.Late {
			t.Fatalf("late report answered %s (%v)", r.body, err)
		}
	})
}

func TestAuthorizationOverHTTP(t *testing.T) {
	clock := &settableClock{t: t0}
	s := newScenario(t, newEnv(t, envOptions{now: clock.now}))
	report := func() map[string]any { return positionReport(uuid.New(), t0, 47.6, 13.1) }
	tests := []struct {
		name   string
		method string
		path   string
		token  string
		body   any
		status int
		typ    string
		code   string
	}{
		{"observer cannot report", "POST", s.unitReports(unit7) + "/position", s.observer, report(),
			http.StatusForbidden, ProblemForbidden, string(commands.CodeReadOnlyRole)},
		{"unit reports only as itself", "POST", s.unitReports(unit8) + "/position", s.unit7, report(),
			http.StatusForbidden, ProblemForbidden, string(commands.CodeNotThisUnit)},
		{"unit of a non-participating agency", "POST", s.unitReports(outsiderUnit) + "/position", s.outsiderUnit, report(),
			http.StatusForbidden, ProblemForbidden, string(commands.CodeNotParticipant)},
		{"outsider cannot read the operation", "GET", s.op, s.outsiderCmdr, nil,
			http.StatusForbidden, ProblemForbidden, string(commands.CodeNotVisible)},
		{"reading an unknown operation reveals nothing", "GET", "/v1/operations/" + uuid.NewString(), s.lead, nil,
			http.StatusForbidden, ProblemForbidden, string(commands.CodeNotVisible)},
		{"command on an unknown operation", "POST", "/v1/operations/" + uuid.NewString() + "/activate", s.lead,
			map[string]any{"command_id": uuid.NewString(), "occurred_at": t0.Format(time.RFC3339)},
			http.StatusNotFound, ProblemNotFound, "operation.not_found"},
		{"resuming an active operation is a rule violation", "POST", s.op + "/resume", s.lead,
			map[string]any{"command_id": uuid.NewString(), "occurred_at": t0.Format(time.RFC3339)},
			http.StatusUnprocessableEntity, ProblemRuleViolation, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.events(t)
			r := s.do(t, tt.method, tt.path, tt.token, tt.body)
			p := r.problem(t)
			if r.status != tt.status || p.Type != tt.typ || (tt.code != "" && p.Code != tt.code) {
				t.Fatalf("= %d %+v, want %d %s %s", r.status, p, tt.status, tt.typ, tt.code)
			}
			if tt.status == http.StatusUnprocessableEntity && p.Code == "" {
				t.Fatalf("rule violation without a code: %+v", p)
			}
			if got := s.events(t); got != before {
				t.Fatalf("a refused request appended %d events", got-before)
			}
		})
	}

	t.Run("observer of a participating agency reads the operation", func(t *testing.T) {
		r := s.mustDo(t, "GET", s.op, s.observer, nil, http.StatusOK)
		var v operationView
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		if v.Status != "active" || len(v.Participants) != 2 || v.Lead.String() != leadAgency.String() {
			t.Fatalf("operation view = %+v", v)
		}
	})
}
