package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/jointops/jointops/domain"
)

// ProblemBase is the prefix of every problem type URI. The URIs name error
// kinds; they are part of the API and never change meaning (docs/API.md).
const ProblemBase = "https://jointops.dev/problems/"

// Problem types, one per error kind.
const (
	ProblemMalformed        = ProblemBase + "malformed-request"
	ProblemValidation       = ProblemBase + "validation"
	ProblemUnauthenticated  = ProblemBase + "unauthenticated"
	ProblemForbidden        = ProblemBase + "forbidden"
	ProblemNotFound         = ProblemBase + "not-found"
	ProblemMethodNotAllowed = ProblemBase + "method-not-allowed"
	ProblemConflict         = ProblemBase + "conflict"
	ProblemCommandIDReused  = ProblemBase + "command-id-reused"
	ProblemTooLarge         = ProblemBase + "payload-too-large"
	ProblemUnsupportedMedia = ProblemBase + "unsupported-media-type"
	ProblemRuleViolation    = ProblemBase + "rule-violation"
	ProblemRateLimited      = ProblemBase + "rate-limited"
	ProblemUnavailable      = ProblemBase + "unavailable"
	ProblemInternal         = ProblemBase + "internal"
)

// ProblemContentType is the media type of every error response (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is an error response body as RFC 9457 defines it, with two
// extensions: the rejection code of a rule violation, forbidden action or
// missing resource, and the list of field problems of invalid input.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Code is the stable domain rejection code, e.g. "operation.not_active".
	Code string `json:"code,omitempty"`
	// Errors lists every problem of an invalid input, field by field.
	Errors []domain.FieldProblem `json:"errors,omitempty"`
}

func writeProblem(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Set("Content-Type", ProblemContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	// The status line is already out; an encoding error can only be a
	// broken connection, which the client sees anyway.
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}
