package operation

import (
	"time"

	"github.com/jointops/jointops/domain"
)

// AddOrgUnit adds a node to the org tree, under parent or (zero parent)
// directly under the unified command. A child sits strictly below its
// parent: sections, then branches, then divisions and groups, then task
// forces, strike teams and teams. Only the lead agency or the unified
// command may. A parent that now directs more than MaxSpanOfControl units
// raises a SpanOfControlExceeded warning.
func (o *Operation) AddOrgUnit(m domain.Meta, u OrgUnit) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	if u.ID.IsZero() {
		p.Add("id", "required")
	}
	if !u.Kind.Valid() {
		p.Addf("kind", "unknown kind %q", u.Kind)
	}
	p.RequireText("name", u.Name, domain.MaxName)
	if err := p.Err(); err != nil {
		return err
	}
	if _, ok := o.orgUnits[u.ID]; ok {
		return domain.Reject(CodeOrgUnitExists, "org unit %s already exists", u.ID)
	}
	if !u.Parent.IsZero() {
		parent, ok := o.orgUnits[u.Parent]
		if !ok {
			return domain.Missing(CodeOrgUnitUnknown, "no org unit %s", u.Parent)
		}
		if parent.Kind.level() >= u.Kind.level() {
			return domain.Reject(CodeInvalidParent, "a %s cannot sit under a %s", u.Kind, parent.Kind)
		}
	}
	events := []domain.Payload{&OrgUnitAdded{OperationID: o.id, OrgUnitID: u.ID, ParentID: u.Parent, Kind: u.Kind, Name: u.Name}}
	o.raise(m, append(events, o.spanWarning(u.Parent)...)...)
	return nil
}

// spanWarning returns a SpanOfControlExceeded warning if giving unit one
// more subordinate takes it above MaxSpanOfControl. Call it before the
// change.
func (o *Operation) spanWarning(unit domain.OrgUnitID) []domain.Payload {
	span := o.Span(unit) + 1
	if span != MaxSpanOfControl+1 {
		return nil
	}
	return []domain.Payload{&SpanOfControlExceeded{OperationID: o.id, OrgUnitID: unit, Span: span, Limit: MaxSpanOfControl}}
}

// PositionSpec is the input of EstablishPosition.
type PositionSpec struct {
	ID domain.PositionID
	// OrgUnit is the unit the position leads or serves in; zero for command
	// staff and for command seats.
	OrgUnit domain.OrgUnitID
	Title   string
	// CommandSeatOf makes the position the seat of that agency's commander
	// in the unified command; each participating agency has at most one.
	CommandSeatOf domain.AgencyID
}

// EstablishPosition creates a position of the command structure. Only the
// lead agency or the unified command may.
func (o *Operation) EstablishPosition(m domain.Meta, s PositionSpec) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	if s.ID.IsZero() {
		p.Add("id", "required")
	}
	p.RequireText("title", s.Title, domain.MaxName)
	if !s.CommandSeatOf.IsZero() && !s.OrgUnit.IsZero() {
		p.Add("org_unit", "a command seat belongs to the unified command, not to an org unit")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, ok := o.positions[s.ID]; ok {
		return domain.Reject(CodePositionExists, "position %s already exists", s.ID)
	}
	if _, ok := o.orgUnits[s.OrgUnit]; !s.OrgUnit.IsZero() && !ok {
		return domain.Missing(CodeOrgUnitUnknown, "no org unit %s", s.OrgUnit)
	}
	if a := s.CommandSeatOf; !a.IsZero() {
		if !o.Participates(a) {
			return domain.Reject(CodeNotParticipant, "agency %s does not take part, so it has no command seat", a)
		}
		if _, ok := o.seats[a]; ok {
			return domain.Reject(CodeSeatExists, "agency %s already has a command seat: one commander per agency", a)
		}
	}
	o.raise(m, &PositionEstablished{
		OperationID: o.id, PositionID: s.ID, OrgUnitID: s.OrgUnit, Title: s.Title, CommandSeatOf: s.CommandSeatOf,
	})
	return nil
}

// FillPosition gives a vacant position a holder from effectiveAt on. The
// lead agency or the unified command may fill any position; an agency may
// also designate its own commander to its command seat. A position has at
// most one holder at a time: it must be vacant from effectiveAt on. To
// replace a holder, transfer command.
func (o *Operation) FillPosition(m domain.Meta, pos domain.PositionID, holder domain.PersonRef, effectiveAt time.Time) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	var p domain.Problems
	if holder.IsZero() {
		p.Add("holder", "required")
	}
	if effectiveAt.IsZero() {
		p.Add("effective_at", "required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	position, err := o.position(pos)
	if err != nil {
		return err
	}
	ownSeat := !position.seatOf.IsZero() && m.Actor().Agency == position.seatOf
	if !ownSeat && !o.isPlanningAuthority(m) {
		return domain.Forbid(CodeNotPlanningAuthority,
			"only the lead agency %s, the unified command or the seat's own agency may fill position %s", o.lead, pos)
	}
	if err := position.checkSeatAgency(holder); err != nil {
		return err
	}
	if last, open := position.latest(); open || last.End.After(effectiveAt) {
		return domain.Reject(CodePositionOccupied, "position %s is held by %s at %s: transfer command instead",
			pos, last.Holder.Person(), effectiveAt.Format(time.RFC3339))
	}
	o.raise(m, &PositionFilled{OperationID: o.id, PositionID: pos, Holder: holder, EffectiveAt: effectiveAt.UTC()})
	return nil
}

// VacatePosition ends the current holder's tenure at effectiveAt, leaving
// the position vacant. The holder, the lead agency or the unified command
// may.
func (o *Operation) VacatePosition(m domain.Meta, pos domain.PositionID, effectiveAt time.Time) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	if effectiveAt.IsZero() {
		var p domain.Problems
		p.Add("effective_at", "required")
		return p.Err()
	}
	position, err := o.position(pos)
	if err != nil {
		return err
	}
	last, open := position.latest()
	if !open {
		return domain.Reject(CodePositionVacant, "position %s has no holder", pos)
	}
	self := !m.Actor().Person.IsZero() && m.Actor().Person == last.Holder.Person()
	if !self && !o.isPlanningAuthority(m) {
		return domain.Forbid(CodeNotAuthorized,
			"only the holder, the lead agency %s or the unified command may vacate position %s", o.lead, pos)
	}
	if !effectiveAt.After(last.Start) {
		return domain.Reject(CodeEffectiveBeforePrevious, "position %s was taken at %s; vacating must come after",
			pos, last.Start.Format(time.RFC3339))
	}
	o.raise(m, &PositionVacated{OperationID: o.id, PositionID: pos, Holder: last.Holder, EffectiveAt: effectiveAt.UTC()})
	return nil
}

// Transfer is the input of TransferCommand.
type Transfer struct {
	Position domain.PositionID
	// From must be the current holder: the one whose tenure is open.
	From domain.PersonID
	To   domain.PersonRef
	// BriefingRef points to the transfer-of-command briefing.
	BriefingRef string
	// EffectiveAt is when To takes charge; From stays in charge until then.
	EffectiveAt time.Time
	// Notified are those told of the transfer.
	Notified []domain.PersonRef
}

// TransferCommand passes a position from its current holder to the next at
// the effective time. Only the current holder (From) or a member of the
// unified command may transfer; From must be the current holder; the
// effective time must come after the previous transfer (the start of the
// current tenure); a command seat passes only within its agency.
func (o *Operation) TransferCommand(m domain.Meta, t Transfer) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	var p domain.Problems
	if t.From.IsZero() {
		p.Add("from", "required")
	}
	if t.To.IsZero() {
		p.Add("to", "required")
	}
	p.RequireText("briefing_ref", t.BriefingRef, domain.MaxName)
	if t.EffectiveAt.IsZero() {
		p.Add("effective_at", "required")
	}
	for i, n := range t.Notified {
		if n.IsZero() {
			p.Add(domain.Index("notified", i), "required")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	position, err := o.position(t.Position)
	if err != nil {
		return err
	}
	current, open := position.latest()
	if !open {
		return domain.Reject(CodePositionVacant, "position %s has no holder to transfer from: fill it", t.Position)
	}
	if current.Holder.Person() != t.From {
		return domain.Reject(CodeNotCurrentHolder, "%s does not hold position %s; %s does", t.From, t.Position, current.Holder.Person())
	}
	actor := m.Actor().Person
	if actor != t.From && !o.InUnifiedCommand(actor, m.OccurredAt()) {
		return domain.Forbid(CodeNotAuthorized, "only the current commander %s or the unified command may transfer position %s",
			t.From, t.Position)
	}
	if !t.EffectiveAt.After(current.Start) {
		return domain.Reject(CodeEffectiveBeforePrevious, "the transfer must take effect after %s, when %s took the position",
			current.Start.Format(time.RFC3339), t.From)
	}
	if t.To.Person() == t.From {
		return domain.Reject(CodeSameHolder, "%s already holds position %s", t.From, t.Position)
	}
	if err := position.checkSeatAgency(t.To); err != nil {
		return err
	}
	o.raise(m, &CommandTransferred{
		OperationID: o.id, PositionID: t.Position, From: current.Holder, To: t.To,
		BriefingRef: t.BriefingRef, EffectiveAt: t.EffectiveAt.UTC(), Notified: append([]domain.PersonRef(nil), t.Notified...),
	})
	return nil
}

func (o *Operation) position(id domain.PositionID) (*position, error) {
	p := o.positions[id]
	if p == nil {
		return nil, domain.Missing(CodePositionUnknown, "no position %s in operation %s", id, o.id)
	}
	return p, nil
}

func (p *position) checkSeatAgency(holder domain.PersonRef) error {
	if !p.seatOf.IsZero() && holder.Agency() != p.seatOf {
		return domain.Reject(CodeSeatAgencyMismatch, "the command seat of agency %s takes a commander of that agency, not of %s",
			p.seatOf, holder.Agency())
	}
	return nil
}
