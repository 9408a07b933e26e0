package compliance

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jointops/jointops/domain"
	flags "github.com/jointops/jointops/domain/compliance"
)

// deadlineKey names the pending deadline of a rule for what ids name (an
// activity; an operation, unit and subject).
func deadlineKey(rule flags.Rule, ids ...fmt.Stringer) string {
	var b strings.Builder
	b.WriteString(string(rule))
	for _, id := range ids {
		b.WriteByte('/')
		b.WriteString(id.String())
	}
	return b.String()
}

// schedule adds a deadline that raises flag unless resolved by due.
func (p *Policy) schedule(key string, op domain.OperationID, due time.Time, flag flags.Flag) {
	if _, ok := p.d.Deadlines[key]; ok {
		return
	}
	p.d.Deadlines[key] = &deadline{Operation: op, Due: due, Flag: flag}
	if p.nextDue.IsZero() || due.Before(p.nextDue) {
		p.nextDue = due
	}
}

// resolve settles a pending deadline by a fact at at: in time (at or
// before Due) it is dropped — and its flag cleared if it already fired,
// the fact having been delivered late; too late, its flag is raised (if
// not yet) as at Due.
func (p *Policy) resolve(key string, at time.Time, evidence flags.EventRef, reason string) {
	d := p.d.Deadlines[key]
	if d == nil {
		return
	}
	delete(p.d.Deadlines, key)
	switch {
	case at.After(d.Due):
		if !d.Fired {
			p.raise(d.Operation, d.Due, d.Flag, domain.ReportID{})
		}
	case d.Fired:
		p.clear(d.Operation, at, d.Flag.ID, evidence, reason)
	}
}

// fire raises the flags of the deadlines that passed before now, earliest
// first.
func (p *Policy) fire(now time.Time) {
	if p.nextDue.IsZero() || !p.nextDue.Before(now) {
		return
	}
	var due []*deadline
	for _, d := range p.d.Deadlines {
		if !d.Fired && d.Due.Before(now) {
			due = append(due, d)
		}
	}
	slices.SortFunc(due, func(a, b *deadline) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(string(a.Flag.ID), string(b.Flag.ID))
	})
	for _, d := range due {
		d.Fired = true
		p.raise(d.Operation, d.Due, d.Flag, domain.ReportID{})
	}
	p.recomputeNextDue()
}

func (p *Policy) recomputeNextDue() {
	p.nextDue = time.Time{}
	for _, d := range p.d.Deadlines {
		if !d.Fired && (p.nextDue.IsZero() || d.Due.Before(p.nextDue)) {
			p.nextDue = d.Due
		}
	}
}
