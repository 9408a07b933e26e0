package operation

import "github.com/jointops/jointops/domain"

// MaxPersonnel bounds the personnel a single checked-in resource reports.
const MaxPersonnel = 1000

// CheckIn is the input of CheckInResource.
type CheckIn struct {
	Unit      domain.UnitID
	Agency    domain.AgencyID
	Kind      ResourceKind
	CallSign  string
	Personnel int
}

// CheckInResource attaches a resource of a participating agency that has
// agreed to the arrangement; it becomes available. The resource's own
// agency, the lead agency or the unified command may check it in. A
// checked-out resource may check in again.
func (o *Operation) CheckInResource(m domain.Meta, c CheckIn) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	var p domain.Problems
	if c.Unit.IsZero() {
		p.Add("unit", "required")
	}
	if c.Agency.IsZero() {
		p.Add("agency", "required")
	}
	if !c.Kind.Valid() {
		p.Addf("kind", "unknown kind %q", c.Kind)
	}
	p.RequireText("call_sign", c.CallSign, domain.MaxName)
	if c.Personnel < 0 || c.Personnel > MaxPersonnel {
		p.Addf("personnel", "must be between 0 and %d", MaxPersonnel)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := o.checkResourceActor(m, c.Agency); err != nil {
		return err
	}
	if !o.Participates(c.Agency) {
		return domain.Reject(CodeNotParticipant, "agency %s does not take part in operation %s", c.Agency, o.id)
	}
	if !o.HasAgreed(c.Agency) {
		return domain.Reject(CodeAgencyNotAgreed, "agency %s has not agreed to the arrangement", c.Agency)
	}
	if o.Attached(c.Unit) {
		return domain.Reject(CodeResourceExists, "unit %s is already checked in", c.Unit)
	}
	o.raise(m, &ResourceCheckedIn{
		OperationID: o.id, UnitID: c.Unit, Agency: c.Agency, Kind: c.Kind, CallSign: c.CallSign, Personnel: c.Personnel,
	})
	return nil
}

// AssignResource assigns a checked-in, serviceable resource to an org unit.
// Only the lead agency or the unified command may. An org unit that now
// directs more than MaxSpanOfControl subordinates raises a warning.
func (o *Operation) AssignResource(m domain.Meta, unit domain.UnitID, to domain.OrgUnitID) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	r, err := o.attached(unit)
	if err != nil {
		return err
	}
	if r.Status == StatusOutOfService {
		return domain.Reject(CodeResourceOutOfService, "unit %s is out of service: %s", unit, r.Reason)
	}
	if _, ok := o.orgUnits[to]; !ok {
		return domain.Missing(CodeOrgUnitUnknown, "no org unit %s", to)
	}
	if r.OrgUnit == to {
		return domain.Reject(CodeResourceUnchanged, "unit %s is already assigned to %s", unit, to)
	}
	events := []domain.Payload{&ResourceAssigned{OperationID: o.id, UnitID: unit, OrgUnitID: to}}
	o.raise(m, append(events, o.spanWarning(to)...)...)
	return nil
}

// MarkResourceAvailable makes a resource available, ending its assignment
// or its time out of service.
func (o *Operation) MarkResourceAvailable(m domain.Meta, unit domain.UnitID) error {
	return o.changeStatus(m, unit, StatusAvailable, "")
}

// MarkResourceOutOfService takes a resource out of service for a reason,
// ending its assignment.
func (o *Operation) MarkResourceOutOfService(m domain.Meta, unit domain.UnitID, reason string) error {
	var p domain.Problems
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	return o.changeStatus(m, unit, StatusOutOfService, reason)
}

func (o *Operation) changeStatus(m domain.Meta, unit domain.UnitID, status ResourceStatus, reason string) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	r, err := o.attached(unit)
	if err != nil {
		return err
	}
	if err := o.checkResourceActor(m, r.Agency); err != nil {
		return err
	}
	if r.Status == status {
		return domain.Reject(CodeResourceUnchanged, "unit %s is already %s", unit, status)
	}
	o.raise(m, &ResourceStatusChanged{OperationID: o.id, UnitID: unit, Status: status, Reason: reason})
	return nil
}

// CheckOutResource detaches a resource from the operation.
func (o *Operation) CheckOutResource(m domain.Meta, unit domain.UnitID) error {
	if err := o.checkOpen(m); err != nil {
		return err
	}
	r, err := o.attached(unit)
	if err != nil {
		return err
	}
	if err := o.checkResourceActor(m, r.Agency); err != nil {
		return err
	}
	o.raise(m, &ResourceCheckedOut{OperationID: o.id, UnitID: unit})
	return nil
}

func (o *Operation) attached(unit domain.UnitID) (*Resource, error) {
	r := o.resources[unit]
	switch {
	case r == nil:
		return nil, domain.Missing(CodeResourceUnknown, "unit %s never checked in to operation %s", unit, o.id)
	case r.CheckedOut:
		return nil, domain.Reject(CodeResourceCheckedOut, "unit %s has checked out of operation %s", unit, o.id)
	}
	return r, nil
}

// checkResourceActor lets a resource's own agency manage it, besides the
// lead agency and the unified command.
func (o *Operation) checkResourceActor(m domain.Meta, agency domain.AgencyID) error {
	if m.Actor().Agency == agency || o.isPlanningAuthority(m) {
		return nil
	}
	return domain.Forbid(CodeResourceNotOwn, "only agency %s, the lead agency or the unified command may manage this resource", agency)
}
