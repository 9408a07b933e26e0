package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jointops/jointops/domain"
)

func TestRejectionKinds(t *testing.T) {
	tests := []struct {
		name string
		err  *domain.Rejection
		kind error
	}{
		{name: "reject", err: domain.Reject("operation.not_active", "operation %d is not active", 7), kind: domain.ErrRejected},
		{name: "forbid", err: domain.Forbid("command.not_authorized", "no"), kind: domain.ErrForbidden},
		{name: "missing", err: domain.Missing("task.not_found", "no task"), kind: domain.ErrNotFound},
	}
	kinds := []error{domain.ErrInvalid, domain.ErrRejected, domain.ErrForbidden, domain.ErrNotFound}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrapped := fmt.Errorf("handle command: %w", tt.err)
			for _, k := range kinds {
				if got := errors.Is(wrapped, k); got != (k == tt.kind) {
					t.Errorf("errors.Is(%v, %v) = %v", wrapped, k, got)
				}
			}
			code, ok := domain.CodeOf(wrapped)
			if !ok || code != tt.err.Code {
				t.Errorf("CodeOf = %q, %v", code, ok)
			}
			if tt.err.Kind() != tt.kind {
				t.Errorf("Kind() = %v", tt.err.Kind())
			}
		})
	}
	if _, ok := domain.CodeOf(errors.New("plain")); ok {
		t.Error("CodeOf found a code in a plain error")
	}
	if got := domain.Reject("a.b", "x %s", "y").Error(); got != "a.b: x y" {
		t.Errorf("Error() = %q", got)
	}
}

func TestProblems(t *testing.T) {
	var inner domain.Problems
	inner.Add("lat", "out of range")
	inner.Add("", "whole thing wrong")

	var p domain.Problems
	if p.Err() != nil || !p.Empty() {
		t.Fatal("empty Problems must give a nil error")
	}
	p.Add("purpose", "required")
	p.Addf(domain.Index("objectives", 2), "longer than %d characters", 10)
	p.Merge("area", inner.Err())
	p.Merge(domain.Index("points", 1), inner.Err())
	p.Merge("period", errors.New("end before start"))
	p.Merge("ignored", nil)

	err := p.Err()
	var v *domain.ValidationError
	if !errors.As(err, &v) || !errors.Is(err, domain.ErrInvalid) || errors.Is(err, domain.ErrRejected) {
		t.Fatalf("Err() = %#v", err)
	}
	want := []domain.FieldProblem{
		{"purpose", "required"},
		{"objectives[2]", "longer than 10 characters"},
		{"area.lat", "out of range"},
		{"area", "whole thing wrong"},
		{"points[1].lat", "out of range"},
		{"points[1]", "whole thing wrong"},
		{"period", "end before start"},
	}
	if fmt.Sprint(v.Problems) != fmt.Sprint(want) {
		t.Errorf("problems\n got %v\nwant %v", v.Problems, want)
	}
	if p.Len() != len(want) {
		t.Errorf("Len() = %d", p.Len())
	}
	const msg = "invalid input: purpose: required; objectives[2]: longer than 10 characters; area.lat: out of range; " +
		"area: whole thing wrong; points[1].lat: out of range; points[1]: whole thing wrong; period: end before start"
	if err.Error() != msg {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestTextChecks(t *testing.T) {
	long := make([]rune, domain.MaxName+1)
	for i := range long {
		long[i] = 'é'
	}
	tests := []struct {
		name     string
		in       string
		required bool
		ok       bool
	}{
		{name: "plain", in: "Operation Lynx", required: true, ok: true},
		{name: "newlines and tabs are text", in: "line 1\n\tline 2", required: true, ok: true},
		{name: "empty optional", in: "", ok: true},
		{name: "empty required", in: "", required: true},
		{name: "blank required", in: " \t\n", required: true},
		{name: "control character", in: "bell\a"},
		{name: "invalid UTF-8", in: "\xff\xfe"},
		{name: "exactly at the limit", in: string(long[:domain.MaxName]), ok: true},
		{name: "over the limit in runes", in: string(long)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p domain.Problems
			if tt.required {
				p.RequireText("f", tt.in, domain.MaxName)
			} else {
				p.OptionalText("f", tt.in, domain.MaxName)
			}
			if p.Empty() != tt.ok {
				t.Errorf("problems: %v", p.Err())
			}
		})
	}
}
