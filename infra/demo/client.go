package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Outcome is the API's answer to an accepted command (docs/API.md,
// "Answers").
type Outcome struct {
	Stream   string `json:"stream"`
	Position string `json:"position"`
	Revision uint64 `json:"revision"`
	Events   int    `json:"events"`
	Late     bool   `json:"late"`
	LateByNS int64  `json:"late_by_ns,omitempty"`
}

// APIError is a refusal by the API: the status and the problem details
// (RFC 9457) it answered with.
type APIError struct {
	Method string
	Path   string
	Status int
	// Type, Code and Detail are the problem's; Code is the domain's
	// rejection code, when there is one.
	Type   string
	Code   string
	Detail string
	// Problems lists the field problems of an invalid input.
	Problems []FieldProblem
}

// FieldProblem is one problem of an invalid input.
type FieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	}
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "; %s: %s", p.Field, p.Problem)
	}
	return b.String()
}

// problemConflict is the problem type of a concurrent change, to retry.
const problemConflict = "https://jointops.dev/problems/conflict"

// client sends requests to the API as the demo's principals. A command
// that meets a transient failure (no answer, 429, 503, a concurrent
// change) is sent again with the same command ID, which the API answers
// without doing it twice.
type client struct {
	base     string
	http     *http.Client
	tokens   *Tokens
	log      *slog.Logger
	attempts int
}

// maxBackoff bounds the wait before one retry, Retry-After included.
const maxBackoff = 5 * time.Second

// post sends a command and decodes its outcome.
func (c *client) post(ctx context.Context, who principal, path string, body any) (Outcome, int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return Outcome{}, 0, fmt.Errorf("encode %s: %w", path, err)
	}
	status, resp, err := c.do(ctx, who, http.MethodPost, path, raw)
	if err != nil {
		return Outcome{}, status, err
	}
	var out Outcome
	if err := json.Unmarshal(resp, &out); err != nil {
		return Outcome{}, status, fmt.Errorf("POST %s: decode the outcome: %w", path, err)
	}
	return out, status, nil
}

// get reads a resource into out.
func (c *client) get(ctx context.Context, who principal, path string, out any) error {
	_, resp, err := c.do(ctx, who, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp, out); err != nil {
		return fmt.Errorf("GET %s: decode: %w", path, err)
	}
	return nil
}

// do sends one request, retrying transient failures, and returns the body
// of a 2xx answer or an error: an *APIError for any other answer.
func (c *client) do(ctx context.Context, who principal, method, path string, body []byte) (int, []byte, error) {
	var last error
	for attempt := range max(c.attempts, 1) {
		status, resp, wait, err := c.once(ctx, who, method, path, body)
		if err == nil || wait < 0 {
			return status, resp, err
		}
		last = err
		if attempt == c.attempts-1 {
			break
		}
		if wait == 0 {
			wait = min(100*time.Millisecond<<attempt, maxBackoff)
		}
		c.log.Debug("demo request retried", "method", method, "path", path, "attempt", attempt+1, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("%s %s: %w", method, path, context.Cause(ctx))
		case <-time.After(wait):
		}
	}
	return 0, nil, last
}

// once sends a request once. wait is negative when the answer is final,
// otherwise how long to wait before a retry (0: the caller's backoff).
func (c *client) once(ctx context.Context, who principal, method, path string, body []byte) (status int, resp []byte, wait time.Duration, err error) {
	token, err := c.tokens.token(who)
	if err != nil {
		return 0, nil, -1, err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, -1, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, -1, fmt.Errorf("%s %s: %w", method, path, context.Cause(ctx))
		}
		return 0, nil, 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	resp, err = io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return res.StatusCode, nil, 0, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if res.StatusCode/100 == 2 {
		return res.StatusCode, resp, -1, nil
	}
	apiErr := problemOf(method, path, res.StatusCode, resp)
	switch {
	case res.StatusCode == http.StatusTooManyRequests, res.StatusCode == http.StatusServiceUnavailable:
		return res.StatusCode, nil, retryAfter(res.Header.Get("Retry-After")), apiErr
	case res.StatusCode == http.StatusConflict && apiErr.Type == problemConflict:
		return res.StatusCode, nil, 0, apiErr
	}
	return res.StatusCode, nil, -1, apiErr
}

// problemOf decodes a problem answer; a body that is none still gives an
// error with the status.
func problemOf(method, path string, status int, body []byte) *APIError {
	var p struct {
		Type   string         `json:"type"`
		Code   string         `json:"code"`
		Detail string         `json:"detail"`
		Errors []FieldProblem `json:"errors"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		p.Detail = strings.TrimSpace(string(body))
	}
	return &APIError{Method: method, Path: path, Status: status, Type: p.Type, Code: p.Code, Detail: p.Detail, Problems: p.Errors}
}

// retryAfter reads a Retry-After of whole seconds; 0 when absent or
// unreadable.
func retryAfter(h string) time.Duration {
	s, err := strconv.Atoi(h)
	if err != nil || s < 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, maxBackoff)
}
