package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/auth"
	"github.com/jointops/jointops/infra/eventstore"
)

// TestProblemFor maps every error kind, also when wrapped, to its status
// and problem type.
func TestProblemFor(t *testing.T) {
	var invalid domain.Problems
	invalid.Add("point.lat", "must be a number in [-90, 90]")
	wrap := func(err error) error { return fmt.Errorf("report_position: load unitlog-x: %w", err) }
	tests := []struct {
		name     string
		err      error
		status   int
		typ      string
		code     string
		internal bool
	}{
		{"unauthenticated", fmt.Errorf("%w: %w", errUnauthenticated, auth.ErrExpired), 401, ProblemUnauthenticated, "", false},
		{"rate limited", &rateLimitedError{retryAfter: time.Second}, 429, ProblemRateLimited, "", false},
		{"too large", fmt.Errorf("request body: %w", &http.MaxBytesError{Limit: 1024}), 413, ProblemTooLarge, "", false},
		{"unsupported media", fmt.Errorf("%w: text/plain", errUnsupportedMedia), 415, ProblemUnsupportedMedia, "", false},
		{"malformed", malformed("truncated JSON"), 400, ProblemMalformed, "", false},
		{"validation", wrap(invalid.Err()), 400, ProblemValidation, "", false},
		{"forbidden", wrap(domain.Forbid(commands.CodeReadOnlyRole, "read-only")), 403, ProblemForbidden, "auth.read_only_role", false},
		{"not found", wrap(domain.Missing("operation.not_found", "no such operation")), 404, ProblemNotFound, "operation.not_found", false},
		{"no route", fmt.Errorf("%w: /v2", errRouteNotFound), 404, ProblemNotFound, "", false},
		{"method", fmt.Errorf("%w: DELETE", errMethodNotAllowed), 405, ProblemMethodNotAllowed, "", false},
		{"conflict", wrap(fmt.Errorf("%w: append: %w", commands.ErrConflict, eventstore.ErrWrongExpectedRevision)), 409, ProblemConflict, "", false},
		{"command id reused", wrap(commands.ErrCommandIDReused), 409, ProblemCommandIDReused, "", false},
		{"rule violation", wrap(domain.Reject("operation.not_active", "not active")), 422, ProblemRuleViolation, "operation.not_active", false},
		{"store unavailable", wrap(eventstore.ErrUnavailable), 503, ProblemUnavailable, "", true},
		{"deadline", wrap(context.DeadlineExceeded), 503, ProblemUnavailable, "", true},
		{"anything else", wrap(errors.New("disk I/O error at /var/lib/jointops/events.db")), 500, ProblemInternal, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, internal := problemFor(tt.err)
			if p.Status != tt.status || p.Type != tt.typ || p.Code != tt.code || internal != tt.internal {
				t.Fatalf("problemFor = %+v internal=%v, want %d %s %q internal=%v", p, internal, tt.status, tt.typ, tt.code, tt.internal)
			}
			if tt.typ == ProblemValidation && (len(p.Errors) != 1 || p.Errors[0].Field != "point.lat") {
				t.Fatalf("validation problem lists %+v", p.Errors)
			}
		})
	}
}

// TestInternalErrorsStayInTheLog: a 500 tells the client nothing of the
// cause, and the server's log has it.
func TestInternalErrorsStayInTheLog(t *testing.T) {
	var log syncLog
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/operations", nil)
	writeError(rec, req, slog.New(slog.NewTextHandler(&log, nil)), errors.New("disk I/O error at /var/lib/jointops/events.db"))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 500 || strings.Contains(string(body), "disk") || strings.Contains(string(body), "/var/lib") {
		t.Fatalf("500 answer leaks the cause: %d %s", rec.Code, body)
	}
	if !strings.Contains(log.String(), "disk I/O error") {
		t.Fatalf("the cause is not logged: %q", log.String())
	}
}
