package operation

import (
	"slices"
	"strings"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// Proposal is the input of Propose: the terms of the joint arrangement.
type Proposal struct {
	Purpose      string
	Lead         domain.AgencyID
	Participants []domain.AgencyID // must include Lead, and at least one other
	HostStates   []domain.StateCode
	LegalBasis   []domain.LegalRef
	Area         geo.Polygon
	Period       domain.Period
}

// Propose opens the operation as proposed. Only the lead agency proposes.
func (o *Operation) Propose(m domain.Meta, p Proposal) error {
	if err := m.Check(); err != nil {
		return err
	}
	if err := p.validate(); err != nil {
		return err
	}
	if o.status != StatusNone {
		return domain.Reject(CodeAlreadyProposed, "operation %s already exists", o.id)
	}
	if m.Actor().Agency != p.Lead {
		return domain.Forbid(CodeProposerNotLead, "only the lead agency %s may propose the operation", p.Lead)
	}
	o.raise(m, &Proposed{
		OperationID: o.id, Purpose: p.Purpose, Lead: p.Lead,
		Participants: slices.Clone(p.Participants), HostStates: slices.Clone(p.HostStates),
		LegalBasis: slices.Clone(p.LegalBasis), Area: p.Area, Period: p.Period, ArrangementVersion: 1,
	})
	return nil
}

func (p Proposal) validate() error {
	var probs domain.Problems
	probs.RequireText("purpose", p.Purpose, domain.MaxText)
	if p.Lead.IsZero() {
		probs.Add("lead", "required")
	}
	seen := map[domain.AgencyID]bool{}
	for i, a := range p.Participants {
		switch {
		case a.IsZero():
			probs.Add(domain.Index("participants", i), "required")
		case seen[a]:
			probs.Add(domain.Index("participants", i), "listed twice")
		}
		seen[a] = true
	}
	if !p.Lead.IsZero() && !seen[p.Lead] {
		probs.Add("participants", "must include the lead agency")
	}
	if len(seen) < 2 {
		probs.Add("participants", "a joint operation needs at least two agencies")
	}
	checkStates(&probs, p.HostStates)
	checkLegalBasis(&probs, p.LegalBasis)
	if p.Area.IsZero() {
		probs.Add("area", "required")
	}
	if p.Period.IsZero() {
		probs.Add("period", "required")
	}
	return probs.Err()
}

func checkStates(p *domain.Problems, states []domain.StateCode) {
	if len(states) == 0 {
		p.Add("host_states", "at least one host state is required")
	}
	for i, s := range states {
		switch {
		case s.IsZero():
			p.Add(domain.Index("host_states", i), "required")
		case slices.Contains(states[:i], s):
			p.Add(domain.Index("host_states", i), "listed twice")
		}
	}
}

func checkLegalBasis(p *domain.Problems, refs []domain.LegalRef) {
	if len(refs) == 0 {
		p.Add("legal_basis", "at least one agreement or provision is required")
	}
	for i, r := range refs {
		if r.IsZero() {
			p.Add(domain.Index("legal_basis", i), "required")
		}
	}
}

// AddParticipant adds an agency to the operation. While it is proposed the
// arrangement changes, so every agency must agree again; once active, the
// new agency must agree before its resources may check in.
func (o *Operation) AddParticipant(m domain.Meta, agency domain.AgencyID) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	if agency.IsZero() {
		var p domain.Problems
		p.Add("agency", "required")
		return p.Err()
	}
	if o.Participates(agency) {
		return domain.Reject(CodeAlreadyParticipant, "agency %s already takes part", agency)
	}
	o.raise(m, &ParticipantAdded{OperationID: o.id, Agency: agency, ArrangementVersion: o.nextArrangement()})
	return nil
}

// Agree records the actor's agency agreeing to the arrangement of the given
// version — the one it was shown, so that an agreement to terms that have
// since changed is refused.
func (o *Operation) Agree(m domain.Meta, arrangementVersion int) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	agency := m.Actor().Agency
	if !o.Participates(agency) {
		return domain.Forbid(CodeNotParticipant, "agency %s does not take part in operation %s", agency, o.id)
	}
	if arrangementVersion != o.arrangement {
		return domain.Reject(CodeArrangementChanged,
			"the arrangement is at version %d, not %d: review the changed terms and agree again", o.arrangement, arrangementVersion)
	}
	if o.HasAgreed(agency) {
		return domain.Reject(CodeAlreadyAgreed, "agency %s already agreed to version %d", agency, o.arrangement)
	}
	o.raise(m, &Agreed{OperationID: o.id, Agency: agency, ArrangementVersion: o.arrangement})
	return nil
}

// Activate starts a proposed operation once every participant agreed.
func (o *Operation) Activate(m domain.Meta) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	if o.status != StatusProposed {
		return o.badTransition(StatusActive)
	}
	if pending := o.pendingAgreement(); pending != nil {
		names := make([]string, len(pending))
		for i, a := range pending {
			names[i] = a.String()
		}
		return domain.Reject(CodeAgreementPending, "agencies %s have not agreed to arrangement version %d",
			strings.Join(names, ", "), o.arrangement)
	}
	o.raise(m, &Activated{OperationID: o.id})
	return nil
}

// Suspend pauses an active operation.
func (o *Operation) Suspend(m domain.Meta, reason string) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if o.status != StatusActive {
		return o.badTransition(StatusSuspended)
	}
	o.raise(m, &Suspended{OperationID: o.id, Reason: reason})
	return nil
}

// Resume makes a suspended operation active again.
func (o *Operation) Resume(m domain.Meta) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	if o.status != StatusSuspended {
		return o.badTransition(StatusActive)
	}
	o.raise(m, &Resumed{OperationID: o.id})
	return nil
}

// Close ends an active or suspended operation.
func (o *Operation) Close(m domain.Meta, reason string) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	p.OptionalText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if o.status != StatusActive && o.status != StatusSuspended {
		return o.badTransition(StatusClosed)
	}
	o.raise(m, &Closed{OperationID: o.id, Reason: reason})
	return nil
}

func (o *Operation) badTransition(to Status) error {
	return domain.Reject(CodeInvalidTransition, "operation %s cannot go from %s to %s", o.id, o.Status(), to)
}

// pendingAgreement lists the participants that have not agreed to the
// current arrangement, in joining order.
func (o *Operation) pendingAgreement() []domain.AgencyID {
	var out []domain.AgencyID
	for _, a := range o.participants {
		if !o.HasAgreed(a) {
			out = append(out, a)
		}
	}
	return out
}

// nextArrangement is the arrangement version after a change of terms: a
// new one while proposed, the same once the operation runs.
func (o *Operation) nextArrangement() int {
	if o.status == StatusProposed {
		return o.arrangement + 1
	}
	return o.arrangement
}

// checkOpen refuses decisions on an operation that does not exist or is
// closed.
func (o *Operation) checkOpen(m domain.Meta) error {
	if err := m.Check(); err != nil {
		return err
	}
	switch o.status {
	case StatusNone:
		return domain.Missing(CodeNotFound, "operation %s has not been proposed", o.id)
	case StatusClosed:
		return domain.Reject(CodeClosed, "operation %s is closed", o.id)
	}
	return nil
}

// checkPlanning is checkOpen plus: the actor is of the lead agency or sits
// in the unified command at the time of the decision.
func (o *Operation) checkPlanning(m domain.Meta) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	if !o.isPlanningAuthority(m) {
		return domain.Forbid(CodeNotPlanningAuthority,
			"only the lead agency %s or the unified command may decide this", o.lead)
	}
	return nil
}

func (o *Operation) isPlanningAuthority(m domain.Meta) bool {
	a := m.Actor()
	return a.Agency == o.lead || o.InUnifiedCommand(a.Person, m.OccurredAt())
}
