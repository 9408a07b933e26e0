package operation_test

import (
	"slices"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
)

func TestResources(t *testing.T) {
	unit := dt.Unit(1)
	withSection := history(active(), events(orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations")))
	in := history(withSection, events(checkedIn(unit, partner)))
	out := history(in, events(&operation.ResourceCheckedOut{OperationID: opID, UnitID: unit}))
	broken := history(in, events(&operation.ResourceStatusChanged{OperationID: opID, UnitID: unit,
		Status: operation.StatusOutOfService, Reason: "flat tyre"}))
	assigned := &operation.ResourceAssigned{OperationID: opID, UnitID: unit, OrgUnitID: section}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "an agency checks its own resource in",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.CheckInResource(as(t, partnerOfficer), checkIn(unit, partner))
			},
			Then: events(checkedIn(unit, partner)),
		},
		{
			Name:  "the lead agency checks in a partner's resource",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.CheckInResource(as(t, leadOfficer), checkIn(unit, partner))
			},
			Then: events(checkedIn(unit, partner)),
		},
		{
			Name: "an agency does not check in another's resource",
			Given: history(active(), events(&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 1},
				agreed(third, 1))),
			When:   func(o *operation.Operation) error { return o.CheckInResource(as(t, outsider), checkIn(unit, partner)) },
			Reject: operation.CodeResourceNotOwn, Kind: domain.ErrForbidden,
		},
		{
			Name:   "a resource of an agency outside the operation",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.CheckInResource(as(t, outsider), checkIn(unit, third)) },
			Reject: operation.CodeNotParticipant,
		},
		{
			Name:   "a resource of a participant that has not agreed",
			Given:  history(active(), events(&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 1})),
			When:   func(o *operation.Operation) error { return o.CheckInResource(as(t, outsider), checkIn(unit, third)) },
			Reject: operation.CodeAgencyNotAgreed,
		},
		{
			Name:  "a resource checks in once",
			Given: in,
			When: func(o *operation.Operation) error {
				return o.CheckInResource(as(t, partnerOfficer), checkIn(unit, partner))
			},
			Reject: operation.CodeResourceExists,
		},
		{
			Name:  "a checked-out resource checks in again",
			Given: out,
			When: func(o *operation.Operation) error {
				return o.CheckInResource(as(t, partnerOfficer), checkIn(unit, partner))
			},
			Then: events(checkedIn(unit, partner)),
		},
		{
			Name:  "a check-in names unit, agency, kind and call sign",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.CheckInResource(as(t, partnerOfficer), operation.CheckIn{Kind: "tank", Personnel: -1})
			},
			Invalid: []string{"unit", "agency", "kind", "call_sign", "personnel"},
		},
		{
			Name:  "assign a resource to an org unit",
			Given: in,
			When:  func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), unit, section) },
			Then:  events(assigned),
		},
		{
			Name:   "assigning is a command decision",
			Given:  in,
			When:   func(o *operation.Operation) error { return o.AssignResource(as(t, partnerOfficer), unit, section) },
			Reject: operation.CodeNotPlanningAuthority,
		},
		{
			Name:   "an out-of-service resource is not assigned",
			Given:  broken,
			When:   func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), unit, section) },
			Reject: operation.CodeResourceOutOfService,
		},
		{
			Name:   "a checked-out resource is not assigned",
			Given:  out,
			When:   func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), unit, section) },
			Reject: operation.CodeResourceCheckedOut,
		},
		{
			Name:   "an unknown resource is not assigned",
			Given:  withSection,
			When:   func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), unit, section) },
			Reject: operation.CodeResourceUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:   "nor assigned to an unknown org unit",
			Given:  in,
			When:   func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), unit, branch) },
			Reject: operation.CodeOrgUnitUnknown,
		},
		{
			Name:   "nor assigned where it already is",
			Given:  history(in, events(assigned)),
			When:   func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), unit, section) },
			Reject: operation.CodeResourceUnchanged,
		},
		{
			Name:  "its agency takes a resource out of service, with a reason",
			Given: history(in, events(assigned)),
			When: func(o *operation.Operation) error {
				return o.MarkResourceOutOfService(as(t, partnerOfficer), unit, "flat tyre")
			},
			Then: events(&operation.ResourceStatusChanged{OperationID: opID, UnitID: unit,
				Status: operation.StatusOutOfService, Reason: "flat tyre"}),
		},
		{
			Name:    "out of service needs a reason",
			Given:   in,
			When:    func(o *operation.Operation) error { return o.MarkResourceOutOfService(as(t, partnerOfficer), unit, "") },
			Invalid: []string{"reason"},
		},
		{
			Name:  "back in service it is available",
			Given: broken,
			When:  func(o *operation.Operation) error { return o.MarkResourceAvailable(as(t, partnerOfficer), unit) },
			Then: events(&operation.ResourceStatusChanged{OperationID: opID, UnitID: unit,
				Status: operation.StatusAvailable}),
		},
		{
			Name:   "an available resource is not made available",
			Given:  in,
			When:   func(o *operation.Operation) error { return o.MarkResourceAvailable(as(t, partnerOfficer), unit) },
			Reject: operation.CodeResourceUnchanged,
		},
		{
			Name:   "another agency does not change its status",
			Given:  in,
			When:   func(o *operation.Operation) error { return o.MarkResourceOutOfService(as(t, outsider), unit, "no") },
			Reject: operation.CodeResourceNotOwn,
		},
		{
			Name:  "check a resource out",
			Given: history(in, events(assigned)),
			When:  func(o *operation.Operation) error { return o.CheckOutResource(as(t, partnerOfficer), unit) },
			Then:  events(&operation.ResourceCheckedOut{OperationID: opID, UnitID: unit}),
		},
		{
			Name:   "a resource checks out once",
			Given:  out,
			When:   func(o *operation.Operation) error { return o.CheckOutResource(as(t, partnerOfficer), unit) },
			Reject: operation.CodeResourceCheckedOut,
		},
	})
}

func TestResourceState(t *testing.T) {
	unit := dt.Unit(1)
	o := dt.Given(t, newOp(), history(active(), events(
		orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations"),
		checkedIn(unit, partner),
		&operation.ResourceAssigned{OperationID: opID, UnitID: unit, OrgUnitID: section},
	))...).Aggregate()
	r, ok := o.Resource(unit)
	if !ok || r.Status != operation.StatusAssigned || r.OrgUnit != section || !o.Attached(unit) || o.Span(section) != 1 {
		t.Fatalf("assigned resource reads %+v, attached %v, span %d", r, o.Attached(unit), o.Span(section))
	}
	o.Replay(domain.Event{Payload: &operation.ResourceCheckedOut{OperationID: opID, UnitID: unit}})
	if r, _ := o.Resource(unit); !r.CheckedOut || o.Attached(unit) || o.Span(section) != 0 || !r.OrgUnit.IsZero() {
		t.Errorf("checked-out resource reads %+v, attached %v, span %d", r, o.Attached(unit), o.Span(section))
	}
}

func TestSpanOfControl(t *testing.T) {
	withSection := history(active(), events(orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations")))
	// assignedUnits checks in n units and assigns them to the section.
	assignedUnits := func(n int) []domain.Payload {
		h := slices.Clone(withSection)
		for i := 1; i <= n; i++ {
			u := dt.Unit(uint64(i))
			h = append(h, checkedIn(u, lead), &operation.ResourceAssigned{OperationID: opID, UnitID: u, OrgUnitID: section})
		}
		return h
	}
	nextUnit := dt.Unit(100)
	assign := func(o *operation.Operation) error { return o.AssignResource(as(t, leadOfficer), nextUnit, section) }
	assignedNext := &operation.ResourceAssigned{OperationID: opID, UnitID: nextUnit, OrgUnitID: section}
	topLevel := func(n int) []domain.Payload {
		h := active()
		for i := 1; i <= n; i++ {
			h = append(h, orgUnit(dt.OrgUnit(uint64(i)), domain.OrgUnitID{}, operation.KindSection, "Section"))
		}
		return h
	}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "a seventh subordinate is within the span",
			Given: append(assignedUnits(6), checkedIn(nextUnit, lead)),
			When:  assign,
			Then:  events(assignedNext),
		},
		{
			Name:  "an eighth subordinate raises a warning, not a rejection",
			Given: append(assignedUnits(7), checkedIn(nextUnit, lead)),
			When:  assign,
			Then: events(assignedNext, &operation.SpanOfControlExceeded{OperationID: opID, OrgUnitID: section,
				Span: 8, Limit: operation.MaxSpanOfControl}),
		},
		{
			Name:  "a ninth does not warn again",
			Given: append(assignedUnits(8), checkedIn(nextUnit, lead)),
			When:  assign,
			Then:  events(assignedNext),
		},
		{
			Name:  "child org units count too, and the unified command has a span",
			Given: topLevel(7),
			When: func(o *operation.Operation) error {
				return o.AddOrgUnit(as(t, leadOfficer), operation.OrgUnit{ID: dt.OrgUnit(8), Kind: operation.KindSection, Name: "Section"})
			},
			Then: events(orgUnit(dt.OrgUnit(8), domain.OrgUnitID{}, operation.KindSection, "Section"),
				&operation.SpanOfControlExceeded{OperationID: opID, Span: 8, Limit: operation.MaxSpanOfControl}),
		},
	})
}
