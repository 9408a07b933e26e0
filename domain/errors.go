package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Kinds of failure. Every error a decision returns Is exactly one of them, so
// the edge maps kinds to statuses once (400, 422, 403, 404) with errors.Is.
var (
	// ErrInvalid: the input is malformed whatever the state (a
	// *ValidationError lists the fields).
	ErrInvalid = errors.New("invalid input")
	// ErrRejected: the input is well formed but a rule forbids it in the
	// current state (a *Rejection names the rule).
	ErrRejected = errors.New("rejected")
	// ErrForbidden: the actor may not do this (a *Rejection names the rule).
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: the command refers to something that does not exist (a
	// *Rejection names what).
	ErrNotFound = errors.New("not found")
)

// Code is a stable, machine-readable rejection reason such as
// "operation.not_active". Codes are part of the API: never rename one.
type Code string

// Rejection is a decision's refusal: a stable code, a message for humans and
// a kind (ErrRejected, ErrForbidden or ErrNotFound) that errors.Is matches.
type Rejection struct {
	Code    Code
	Message string
	kind    error
}

// Reject builds a rejection of kind ErrRejected.
func Reject(code Code, format string, args ...any) *Rejection {
	return &Rejection{Code: code, Message: fmt.Sprintf(format, args...), kind: ErrRejected}
}

// Forbid builds a rejection of kind ErrForbidden.
func Forbid(code Code, format string, args ...any) *Rejection {
	return &Rejection{Code: code, Message: fmt.Sprintf(format, args...), kind: ErrForbidden}
}

// Missing builds a rejection of kind ErrNotFound.
func Missing(code Code, format string, args ...any) *Rejection {
	return &Rejection{Code: code, Message: fmt.Sprintf(format, args...), kind: ErrNotFound}
}

// Error renders "code: message".
func (r *Rejection) Error() string { return string(r.Code) + ": " + r.Message }

// Is makes errors.Is(err, kind) true for the rejection's kind.
func (r *Rejection) Is(target error) bool { return r.kind != nil && target == r.kind }

// Kind returns ErrRejected, ErrForbidden or ErrNotFound.
func (r *Rejection) Kind() error { return r.kind }

// CodeOf returns the code of the first *Rejection in err's chain.
func CodeOf(err error) (Code, bool) {
	var r *Rejection
	if errors.As(err, &r) {
		return r.Code, true
	}
	return "", false
}

// FieldProblem is one problem with one input field. Field is a path such as
// "area.rings[0]" or "participants[2]".
type FieldProblem struct {
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// ValidationError lists every problem found in an input; it Is ErrInvalid.
type ValidationError struct {
	Problems []FieldProblem
}

// Error lists every problem as "field: problem".
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Field == "" {
			parts[i] = p.Problem
			continue
		}
		parts[i] = p.Field + ": " + p.Problem
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Problems collects field problems while an input is checked; Err turns them
// into a *ValidationError. The zero value is ready to use.
type Problems struct {
	list []FieldProblem
}

// Add records a problem with field.
func (p *Problems) Add(field, problem string) {
	p.list = append(p.list, FieldProblem{Field: field, Problem: problem})
}

// Addf records a formatted problem with field.
func (p *Problems) Addf(field, format string, args ...any) {
	p.Add(field, fmt.Sprintf(format, args...))
}

// Merge records err under field: the problems of a *ValidationError keep
// their own paths below field; any other error becomes one problem. A nil
// err records nothing.
func (p *Problems) Merge(field string, err error) {
	if err == nil {
		return
	}
	var v *ValidationError
	if !errors.As(err, &v) {
		p.Add(field, err.Error())
		return
	}
	for _, fp := range v.Problems {
		p.Add(JoinPath(field, fp.Field), fp.Problem)
	}
}

// Len returns the number of problems recorded so far.
func (p *Problems) Len() int { return len(p.list) }

// Empty reports whether no problem was recorded.
func (p *Problems) Empty() bool { return len(p.list) == 0 }

// Err returns nil when no problem was recorded, else a *ValidationError.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: append([]FieldProblem(nil), p.list...)}
}

// JoinPath joins two parts of a field path: "area" and "rings[0]" give
// "area.rings[0]"; an index part such as "[2]" is appended without a dot.
func JoinPath(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}

// Index renders the path of the i-th element of a list field: "objectives[3]".
func Index(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }
