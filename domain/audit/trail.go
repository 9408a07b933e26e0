package audit

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jointops/jointops/domain"
)

// StreamPrefix begins the name of every audit stream.
const StreamPrefix = "audit-"

// Stream names the audit stream of an operation.
func Stream(op domain.OperationID) string { return StreamPrefix + op.String() }

// Limits of an access.
const (
	// MaxPurpose bounds the purpose, in characters.
	MaxPurpose = 1000
	// MaxRole bounds the reader's role, in characters.
	MaxRole = 64
	// MaxParameters bounds how many parameters an access records.
	MaxParameters = 32
	// MaxParameterKey bounds a parameter's name, in characters.
	MaxParameterKey = 64
	// MaxParameterValue bounds a parameter's value, in characters.
	MaxParameterValue = 1000
)

// Trail is the audit trail of one operation. Build it with New, replay its
// stream, then record. It is not safe for concurrent use.
type Trail struct {
	root      domain.Root
	operation domain.OperationID
}

var _ domain.Aggregate = (*Trail)(nil)

// New returns the empty trail of operation op.
func New(op domain.OperationID) *Trail {
	return &Trail{root: domain.NewRoot(Stream(op)), operation: op}
}

// Stream implements domain.Aggregate.
func (t *Trail) Stream() string { return t.root.Stream() }

// Version implements domain.Aggregate.
func (t *Trail) Version() uint64 { return t.root.Version() }

// Changes implements domain.Aggregate.
func (t *Trail) Changes() []domain.Event { return t.root.Changes() }

// Commit implements domain.Aggregate.
func (t *Trail) Commit() { t.root.Commit() }

// Replay implements domain.Aggregate: the trail keeps no state besides its
// version, so it only counts the event.
func (t *Trail) Replay(domain.Event) { t.root.Replayed() }

// Operation returns the operation of the trail.
func (t *Trail) Operation() domain.OperationID { return t.operation }

// Access is what one read of the history says about itself.
type Access struct {
	What Kind
	// Role is the reader's role, as authenticated.
	Role    string
	Purpose string
	// Parameters are the read's arguments as given.
	Parameters map[string]string
}

// RecordAccess records that the actor of m, in role a.Role, read the
// operation's history: what kind of read, why, and with which arguments.
// m's occurred_at is when the read began.
func (t *Trail) RecordAccess(m domain.Meta, a Access) error {
	if err := m.Check(); err != nil {
		return err
	}
	if err := a.Check(); err != nil {
		return err
	}
	e := &HistoryAccessed{OperationID: t.operation, What: a.What, Role: a.Role, Purpose: a.Purpose}
	if len(a.Parameters) > 0 {
		e.Parameters = maps.Clone(a.Parameters)
	}
	t.root.Record(m.Event(e))
	return nil
}

// Check returns a *domain.ValidationError listing every problem of the
// access, or nil when RecordAccess would accept it: for a caller that must
// refuse a malformed read before anything else.
func (a Access) Check() error {
	var p domain.Problems
	if !a.What.Valid() {
		p.Addf("what", "unknown kind of history read %q", a.What)
	}
	p.RequireText("role", a.Role, MaxRole)
	p.RequireText("purpose", a.Purpose, MaxPurpose)
	checkParameters(&p, a.Parameters)
	return p.Err()
}

// checkParameters records the problems of an access's parameters: at most
// MaxParameters, each named by a non-blank key of plain text, each value
// plain text of bounded length.
func checkParameters(p *domain.Problems, parameters map[string]string) {
	if n := len(parameters); n > MaxParameters {
		p.Addf("parameters", "%d parameters; at most %d", n, MaxParameters)
		return
	}
	for _, k := range slices.Sorted(maps.Keys(parameters)) {
		switch {
		case strings.TrimSpace(k) == "":
			p.Add("parameters", "a parameter name is blank")
			continue
		case !utf8.ValidString(k):
			p.Addf("parameters", "parameter name %q is not valid UTF-8", k)
			continue
		case utf8.RuneCountInString(k) > MaxParameterKey:
			p.Addf("parameters", "parameter name %q is longer than %d characters", k, MaxParameterKey)
			continue
		case strings.IndexFunc(k, unicode.IsControl) >= 0:
			p.Addf("parameters", "parameter name %q contains control characters", k)
			continue
		}
		p.OptionalText(fmt.Sprintf("parameters[%q]", k), parameters[k], MaxParameterValue)
	}
}
