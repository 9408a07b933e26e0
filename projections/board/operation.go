package board

import (
	"slices"
	"strconv"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections"
)

// foldOperation folds the lifecycle and planning events of the operation
// stream; every change is visible to all participants.
func (b *Board) foldOperation(env projections.Envelope) {
	switch e := env.Event.Payload.(type) {
	case *operation.Proposed:
		b.proposedOp(env, e)
		return
	case *operation.ParticipantAdded:
		b.participantAdded(env, e)
		return
	}
	if !b.proposed {
		return // a board shows nothing of an operation never proposed
	}
	switch e := env.Event.Payload.(type) {
	case *operation.Agreed:
		b.agreed[e.Agency] = e.ArrangementVersion
		b.putParticipant(everyone, e.Agency)
	case *operation.Activated:
		b.status = operation.StatusActive
		b.significant(env, "Operation activated")
	case *operation.Suspended:
		b.status = operation.StatusSuspended
		b.significant(env, "Operation suspended: "+e.Reason)
	case *operation.Resumed:
		b.status = operation.StatusActive
		b.significant(env, "Operation resumed")
	case *operation.Closed:
		b.status = operation.StatusClosed
		b.significant(env, joinReason("Operation closed", e.Reason))
	case *operation.AreaChanged:
		b.area = e.Area
		b.set(everyone, FieldArea, e.Area)
		b.changeArrangement(e.ArrangementVersion)
		b.significant(env, "Area of operations changed")
	case *operation.PeriodChanged:
		b.period = e.Period
		b.set(everyone, FieldPeriod, e.Period)
		b.changeArrangement(e.ArrangementVersion)
		b.significant(env, "Period changed to "+e.Period.String())
	case *operation.LegalBasisChanged:
		b.legalBasis = slices.Clone(e.LegalBasis)
		b.set(everyone, FieldLegalBasis, slices.Clone(e.LegalBasis))
		b.changeArrangement(e.ArrangementVersion)
		b.significant(env, "Legal basis changed")
	case *operation.OperationalPeriodPlanned:
		b.planned(env, e)
	case *operation.ObjectiveAdded:
		if i := b.opPeriodIndex(e.OperationalPeriod); i >= 0 {
			op := &b.opPeriods[i]
			op.Objectives = append(slices.Clip(op.Objectives), e.Text)
			b.put(everyone, CollOperationalPeriods, strconv.Itoa(op.Number), cloneOpPeriod(*op))
		}
	default:
		b.foldCommand(env)
	}
	b.showStatus()
}

func (b *Board) proposedOp(env projections.Envelope, e *operation.Proposed) {
	if b.proposed {
		return
	}
	b.proposed = true
	b.status, b.purpose, b.lead = operation.StatusProposed, e.Purpose, e.Lead
	b.participants = nil
	for _, a := range e.Participants {
		if !a.IsZero() && !slices.Contains(b.participants, a) {
			b.participants = append(b.participants, a)
		}
	}
	b.arrangement = e.ArrangementVersion
	b.hostStates, b.legalBasis = slices.Clone(e.HostStates), slices.Clone(e.LegalBasis)
	b.area, b.period = e.Area, e.Period
	b.header(everyone)
	for _, a := range sortedIDs(b.participants) {
		b.putParticipant(everyone, a)
	}
	b.showStatus()
	for _, a := range b.participants {
		b.grantItems(a)
	}
	b.significant(env, "Operation proposed: "+e.Purpose)
}

func (b *Board) participantAdded(env projections.Envelope, e *operation.ParticipantAdded) {
	if !b.proposed || e.Agency.IsZero() || slices.Contains(b.participants, e.Agency) {
		return
	}
	b.participants = append(slices.Clip(b.participants), e.Agency)
	b.putParticipant(everyone, e.Agency)
	b.changeArrangement(e.ArrangementVersion)
	b.showStatus()
	b.grant(e.Agency)
	b.significant(env, "Agency "+e.Agency.String()+" joined the operation")
}

// header sets the operation's own fields for audience s.
func (b *Board) header(s specID) {
	b.set(s, FieldOperation, b.id)
	b.set(s, FieldPurpose, b.purpose)
	b.set(s, FieldLead, b.lead)
	b.set(s, FieldArrangementVersion, b.arrangement)
	b.set(s, FieldHostStates, slices.Clone(b.hostStates))
	b.set(s, FieldLegalBasis, slices.Clone(b.legalBasis))
	b.set(s, FieldArea, b.area)
	b.set(s, FieldPeriod, b.period)
}

// changeArrangement moves to arrangement version v and shows every
// participant whose agreement it changes.
func (b *Board) changeArrangement(v int) {
	if v == b.arrangement {
		return
	}
	before := make(map[domain.AgencyID]bool, len(b.participants))
	for _, a := range b.participants {
		before[a] = b.hasAgreed(a)
	}
	b.arrangement = v
	b.set(everyone, FieldArrangementVersion, v)
	for _, a := range sortedIDs(b.participants) {
		if b.hasAgreed(a) != before[a] {
			b.putParticipant(everyone, a)
		}
	}
}

func (b *Board) hasAgreed(a domain.AgencyID) bool {
	v, ok := b.agreed[a]
	return ok && v == b.arrangement
}

func (b *Board) participantView(a domain.AgencyID) Participant {
	return Participant{Agency: a, Lead: a == b.lead, Agreed: b.hasAgreed(a)}
}

func (b *Board) putParticipant(s specID, a domain.AgencyID) {
	if slices.Contains(b.participants, a) {
		b.put(s, CollParticipants, a.String(), b.participantView(a))
	}
}

// derivedStatus is the status with "agreed" derived as the Operation
// aggregate derives it.
func (b *Board) derivedStatus() operation.Status {
	if b.status != operation.StatusProposed {
		return b.status
	}
	for _, a := range b.participants {
		if !b.hasAgreed(a) {
			return b.status
		}
	}
	return operation.StatusAgreed
}

// showStatus sets the status when the derived status changed.
func (b *Board) showStatus() {
	if s := b.derivedStatus(); s != b.shownStatus {
		b.shownStatus = s
		b.set(everyone, FieldStatus, s)
	}
}

func (b *Board) planned(env projections.Envelope, e *operation.OperationalPeriodPlanned) {
	if b.opPeriodIndex(e.Number) >= 0 {
		return
	}
	op := OperationalPeriod{Number: e.Number, Period: e.Period, Objectives: slices.Clone(e.Objectives)}
	i, _ := slices.BinarySearchFunc(b.opPeriods, e.Number, func(p OperationalPeriod, n int) int { return p.Number - n })
	b.opPeriods = slices.Insert(b.opPeriods, i, op)
	b.put(everyone, CollOperationalPeriods, strconv.Itoa(e.Number), cloneOpPeriod(op))
	b.significant(env, "Operational period "+strconv.Itoa(e.Number)+" planned: "+e.Period.String())
}

func (b *Board) opPeriodIndex(number int) int {
	return slices.IndexFunc(b.opPeriods, func(p OperationalPeriod) bool { return p.Number == number })
}

func cloneOpPeriod(p OperationalPeriod) OperationalPeriod {
	p.Objectives = slices.Clone(p.Objectives)
	return p
}

// currentPeriod returns the number of the period containing t, 0 if none.
func currentPeriod(periods []OperationalPeriod, t time.Time) int {
	for _, p := range periods {
		if p.Period.Contains(t) {
			return p.Number
		}
	}
	return 0
}

func joinReason(what, reason string) string {
	if reason == "" {
		return what
	}
	return what + ": " + reason
}

// sortedIDs returns a sorted copy of ids, for a deterministic order of
// changes.
func sortedIDs[K domain.Kind](ids []domain.ID[K]) []domain.ID[K] {
	out := slices.Clone(ids)
	slices.SortFunc(out, domain.ID[K].Compare)
	return out
}
