package commands

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jointops/jointops/domain"
)

// Accepted is the answer to an accepted command.
type Accepted struct {
	// Stream the events were appended to.
	Stream string `json:"stream"`
	// Position of the append in the global log (opaque).
	Position string `json:"position"`
	// Revision of the stream's last event after the append.
	Revision uint64 `json:"revision"`
	// Events appended.
	Events int `json:"events"`
	// Late is set when the fact was recorded later than the lateness
	// threshold after it occurred (an offline unit); LateBy says by how much.
	Late   bool          `json:"late"`
	LateBy time.Duration `json:"late_by_ns,omitempty"`
}

// Refusal is a recorded refusal, kept so that a retry gets the same one.
type Refusal struct {
	// Kind is "invalid", "rejected", "forbidden" or "not_found".
	Kind     string                `json:"kind"`
	Code     domain.Code           `json:"code,omitempty"`
	Message  string                `json:"message,omitempty"`
	Problems []domain.FieldProblem `json:"problems,omitempty"`
}

// refusalOf returns the refusal an error stands for; ok is false for errors
// that are not refusals (conflicts, I/O, cancellation): those are not
// recorded, and a retry runs the command again.
func refusalOf(err error) (Refusal, bool) {
	var v *domain.ValidationError
	if errors.As(err, &v) {
		return Refusal{Kind: "invalid", Problems: v.Problems}, true
	}
	var r *domain.Rejection
	if !errors.As(err, &r) {
		return Refusal{}, false
	}
	kind := ""
	switch {
	case errors.Is(r, domain.ErrForbidden):
		kind = "forbidden"
	case errors.Is(r, domain.ErrNotFound):
		kind = "not_found"
	case errors.Is(r, domain.ErrRejected):
		kind = "rejected"
	default:
		return Refusal{}, false
	}
	return Refusal{Kind: kind, Code: r.Code, Message: r.Message}, true
}

// Err rebuilds the error the refusal was recorded from.
func (r Refusal) Err() error {
	switch r.Kind {
	case "invalid":
		return &domain.ValidationError{Problems: r.Problems}
	case "forbidden":
		return domain.Forbid(r.Code, "%s", r.Message)
	case "not_found":
		return domain.Missing(r.Code, "%s", r.Message)
	default:
		return domain.Reject(r.Code, "%s", r.Message)
	}
}

// fingerprint identifies a command by its use case, its principal and its
// body (JSON of the input), so a reused command ID is told from a retry.
func fingerprint(useCase string, p Principal, input any) ([32]byte, error) {
	body, err := json.Marshal(struct {
		UseCase   string
		Principal Principal
		Input     any
	}{useCase, p, input})
	if err != nil {
		return [32]byte{}, fmt.Errorf("fingerprint %s: %w", useCase, err)
	}
	return sha256.Sum256(body), nil
}
