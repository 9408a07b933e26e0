package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
)

// problemFor maps an error of any layer to its problem. It is the one place
// where error kinds become HTTP statuses; it matches kinds with errors.Is
// and errors.As only, so wrapping never changes the answer. internal is true
// when the error is not the client's doing: its text is then logged, never
// sent.
func problemFor(err error) (p Problem, internal bool) {
	var (
		invalid   *domain.ValidationError
		rejection *domain.Rejection
		tooLarge  *http.MaxBytesError
		limited   *rateLimitedError
	)
	// A rejection's detail is its message; its code goes in its own field.
	code, detail := "", err.Error()
	if errors.As(err, &rejection) {
		code, detail = string(rejection.Code), rejection.Message
	}
	switch {
	case errors.Is(err, errUnauthenticated):
		return problem(ProblemUnauthenticated, http.StatusUnauthorized, "Unauthenticated", err.Error()), false
	case errors.As(err, &limited):
		return problem(ProblemRateLimited, http.StatusTooManyRequests, "Too many requests", err.Error()), false
	case errors.As(err, &tooLarge):
		return problem(ProblemTooLarge, http.StatusRequestEntityTooLarge, "Request body too large",
			"the request body exceeds "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes"), false
	case errors.Is(err, errUnsupportedMedia):
		return problem(ProblemUnsupportedMedia, http.StatusUnsupportedMediaType, "Unsupported media type", err.Error()), false
	case errors.Is(err, errMalformed):
		return problem(ProblemMalformed, http.StatusBadRequest, "Malformed request", err.Error()), false
	case errors.Is(err, errRouteNotFound):
		return problem(ProblemNotFound, http.StatusNotFound, "Not found", detail), false
	case errors.Is(err, errMethodNotAllowed):
		return problem(ProblemMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed", err.Error()), false
	case errors.Is(err, commands.ErrCommandIDReused):
		return problem(ProblemCommandIDReused, http.StatusConflict, "Command ID reused",
			"this command_id was already used for a different command; choose a new one"), false
	case errors.Is(err, commands.ErrConflict):
		return problem(ProblemConflict, http.StatusConflict, "Conflict",
			"the resource changed concurrently; retry with the same command_id"), false
	case errors.As(err, &invalid):
		p := problem(ProblemValidation, http.StatusBadRequest, "Invalid input", "the input has problems; see errors")
		p.Errors = invalid.Problems
		return p, false
	case errors.Is(err, domain.ErrInvalid):
		return problem(ProblemValidation, http.StatusBadRequest, "Invalid input", detail), false
	case errors.Is(err, domain.ErrForbidden):
		p := problem(ProblemForbidden, http.StatusForbidden, "Forbidden", detail)
		p.Code = code
		return p, false
	case errors.Is(err, domain.ErrNotFound):
		p := problem(ProblemNotFound, http.StatusNotFound, "Not found", detail)
		p.Code = code
		return p, false
	case errors.Is(err, domain.ErrRejected):
		p := problem(ProblemRuleViolation, http.StatusUnprocessableEntity, "Rule violation", detail)
		p.Code = code
		return p, false
	case errors.Is(err, eventstore.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return problem(ProblemUnavailable, http.StatusServiceUnavailable, "Service unavailable",
			"the event log is unavailable; retry with the same command_id"), true
	}
	return problem(ProblemInternal, http.StatusInternalServerError, "Internal error",
		"the request failed on the server; retry with the same command_id, and report it if it persists"), true
}

func problem(typ string, status int, title, detail string) Problem {
	return Problem{Type: typ, Title: title, Status: status, Detail: detail}
}

// writeError answers a request with the problem of err, with the headers
// its status calls for. Errors that are not the client's doing are logged
// with their text; the client gets a generic detail.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p, internal := problemFor(err)
	p.Instance = r.URL.Path
	if internal {
		log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", p.Status), slog.String("error", err.Error()))
	}
	switch p.Status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", challenge(r))
	case http.StatusTooManyRequests:
		var limited *rateLimitedError
		if errors.As(err, &limited) {
			w.Header().Set("Retry-After", retryAfterSeconds(limited.retryAfter))
		}
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "1")
	}
	writeProblem(w, p)
}

// retryAfterSeconds renders a delay as whole seconds, rounded up: a client
// that waits that long is allowed again.
func retryAfterSeconds(d time.Duration) string {
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}
