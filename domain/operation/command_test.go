package operation_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
)

func TestOrgTree(t *testing.T) {
	withSection := history(active(), events(orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations")))
	add := func(a domain.Actor, u operation.OrgUnit) func(*operation.Operation) error {
		return func(o *operation.Operation) error { return o.AddOrgUnit(as(t, a), u) }
	}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "a section under the unified command",
			Given: active(),
			When:  add(leadOfficer, operation.OrgUnit{ID: section, Kind: operation.KindSection, Name: "Operations"}),
			Then:  events(orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations")),
		},
		{
			Name:  "a branch under a section",
			Given: withSection,
			When:  add(leadOfficer, operation.OrgUnit{ID: branch, Parent: section, Kind: operation.KindBranch, Name: "North"}),
			Then:  events(orgUnit(branch, section, operation.KindBranch, "North")),
		},
		{
			Name:  "a team directly under a section: levels may be skipped",
			Given: withSection,
			When:  add(leadOfficer, operation.OrgUnit{ID: branch, Parent: section, Kind: operation.KindTeam, Name: "Dog team"}),
			Then:  events(orgUnit(branch, section, operation.KindTeam, "Dog team")),
		},
		{
			Name:   "a section cannot sit under a branch",
			Given:  history(withSection, events(orgUnit(branch, section, operation.KindBranch, "North"))),
			When:   add(leadOfficer, operation.OrgUnit{ID: dt.OrgUnit(3), Parent: branch, Kind: operation.KindSection, Name: "Logistics"}),
			Reject: operation.CodeInvalidParent,
		},
		{
			Name:   "a division cannot sit under a group (same level)",
			Given:  history(withSection, events(orgUnit(branch, section, operation.KindGroup, "Recon"))),
			When:   add(leadOfficer, operation.OrgUnit{ID: dt.OrgUnit(3), Parent: branch, Kind: operation.KindDivision, Name: "Div A"}),
			Reject: operation.CodeInvalidParent,
		},
		{
			Name:   "the parent must exist",
			Given:  active(),
			When:   add(leadOfficer, operation.OrgUnit{ID: branch, Parent: section, Kind: operation.KindBranch, Name: "North"}),
			Reject: operation.CodeOrgUnitUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:   "an org unit ID is used once",
			Given:  withSection,
			When:   add(leadOfficer, operation.OrgUnit{ID: section, Kind: operation.KindSection, Name: "Planning"}),
			Reject: operation.CodeOrgUnitExists,
		},
		{
			Name:    "an org unit has an ID, a known kind and a name",
			Given:   active(),
			When:    add(leadOfficer, operation.OrgUnit{Kind: "platoon"}),
			Invalid: []string{"id", "kind", "name"},
		},
		{
			Name:   "only the lead or the unified command builds the tree",
			Given:  active(),
			When:   add(partnerOfficer, operation.OrgUnit{ID: section, Kind: operation.KindSection, Name: "Operations"}),
			Reject: operation.CodeNotPlanningAuthority, Kind: domain.ErrForbidden,
		},
	})
}

func TestPositions(t *testing.T) {
	establish := func(a domain.Actor, s operation.PositionSpec) func(*operation.Operation) error {
		return func(o *operation.Operation) error { return o.EstablishPosition(as(t, a), s) }
	}
	fill := func(a domain.Actor, pos domain.PositionID, who domain.PersonRef, at time.Time) func(*operation.Operation) error {
		return func(o *operation.Operation) error { return o.FillPosition(as(t, a), pos, who, at) }
	}
	seats := history(active(), events(seat(seatLead, lead), seat(seatPartner, partner)))
	chiefPos := &operation.PositionEstablished{OperationID: opID, PositionID: chief, OrgUnitID: section, Title: "Operations Section Chief"}
	withChief := history(active(), events(orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations"), chiefPos))
	vacatedAt5 := events(filled(chief, cmdLead, hours(0)),
		&operation.PositionVacated{OperationID: opID, PositionID: chief, Holder: cmdLead, EffectiveAt: hours(5)})
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "a command seat for a participating agency",
			Given: active(),
			When:  establish(leadOfficer, operation.PositionSpec{ID: seatPartner, Title: "Commander", CommandSeatOf: partner}),
			Then:  events(seat(seatPartner, partner)),
		},
		{
			Name:   "one commander per agency: one seat",
			Given:  seats,
			When:   establish(leadOfficer, operation.PositionSpec{ID: dt.Position(9), Title: "Deputy", CommandSeatOf: partner}),
			Reject: operation.CodeSeatExists,
		},
		{
			Name:   "no seat for an agency outside the operation",
			Given:  active(),
			When:   establish(leadOfficer, operation.PositionSpec{ID: dt.Position(9), Title: "Commander", CommandSeatOf: third}),
			Reject: operation.CodeNotParticipant,
		},
		{
			Name:    "a seat is not in an org unit",
			Given:   active(),
			When:    establish(leadOfficer, operation.PositionSpec{ID: dt.Position(9), Title: "Commander", CommandSeatOf: lead, OrgUnit: section}),
			Invalid: []string{"org_unit"},
		},
		{
			Name:  "a position in an org unit",
			Given: history(active(), events(orgUnit(section, domain.OrgUnitID{}, operation.KindSection, "Operations"))),
			When:  establish(leadOfficer, operation.PositionSpec{ID: chief, OrgUnit: section, Title: "Operations Section Chief"}),
			Then:  events(chiefPos),
		},
		{
			Name:   "a position in an unknown org unit",
			Given:  active(),
			When:   establish(leadOfficer, operation.PositionSpec{ID: chief, OrgUnit: section, Title: "Chief"}),
			Reject: operation.CodeOrgUnitUnknown,
		},
		{
			Name:   "a position ID is used once",
			Given:  withChief,
			When:   establish(leadOfficer, operation.PositionSpec{ID: chief, Title: "Liaison"}),
			Reject: operation.CodePositionExists,
		},
		{
			Name:  "an agency designates its own commander",
			Given: seats,
			When:  fill(partnerOfficer, seatPartner, cmdPartner, dt.T0()),
			Then:  events(filled(seatPartner, cmdPartner, dt.T0())),
		},
		{
			Name:   "but not another agency's",
			Given:  seats,
			When:   fill(outsider, seatPartner, cmdPartner, dt.T0()),
			Reject: operation.CodeNotPlanningAuthority, Kind: domain.ErrForbidden,
		},
		{
			Name:   "a seat takes a commander of its own agency",
			Given:  seats,
			When:   fill(leadOfficer, seatPartner, cmdLead, dt.T0()),
			Reject: operation.CodeSeatAgencyMismatch,
		},
		{
			Name:   "a position has at most one holder: filling a held one is refused",
			Given:  history(seats, events(filled(seatPartner, cmdPartner, dt.T0()))),
			When:   fill(partnerOfficer, seatPartner, nextPart, hours(3)),
			Reject: operation.CodePositionOccupied,
		},
		{
			Name:   "nor can it be filled for a time its last holder still held it",
			Given:  history(withChief, vacatedAt5),
			When:   fill(leadOfficer, chief, nextLead, hours(4)),
			Reject: operation.CodePositionOccupied,
		},
		{
			Name:  "it can be filled from the moment it fell vacant",
			Given: history(withChief, vacatedAt5),
			When:  fill(leadOfficer, chief, nextLead, hours(5)),
			Then:  events(filled(chief, nextLead, hours(5))),
		},
		{
			Name:   "an unknown position is not filled",
			Given:  active(),
			When:   fill(leadOfficer, chief, nextLead, hours(5)),
			Reject: operation.CodePositionUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:    "a holder and a time are required",
			Given:   withChief,
			When:    fill(leadOfficer, chief, domain.PersonRef{}, time.Time{}),
			Invalid: []string{"holder", "effective_at"},
		},
		{
			Name:  "a holder vacates their own position",
			Given: history(withChief, events(filled(chief, cmdLead, hours(0)))),
			When: func(o *operation.Operation) error {
				return o.VacatePosition(as(t, leadCommander), chief, hours(1))
			},
			Then: events(&operation.PositionVacated{OperationID: opID, PositionID: chief, Holder: cmdLead, EffectiveAt: hours(1)}),
		},
		{
			Name:  "someone else without authority cannot",
			Given: history(withChief, events(filled(chief, cmdLead, hours(0)))),
			When: func(o *operation.Operation) error {
				return o.VacatePosition(as(t, partnerOfficer), chief, hours(1))
			},
			Reject: operation.CodeNotAuthorized, Kind: domain.ErrForbidden,
		},
		{
			Name:  "a vacant position is not vacated",
			Given: withChief,
			When: func(o *operation.Operation) error {
				return o.VacatePosition(as(t, leadOfficer), chief, hours(1))
			},
			Reject: operation.CodePositionVacant,
		},
		{
			Name:  "a holder leaves after they arrived",
			Given: history(withChief, events(filled(chief, cmdLead, hours(2)))),
			When: func(o *operation.Operation) error {
				return o.VacatePosition(as(t, leadOfficer), chief, hours(2))
			},
			Reject: operation.CodeEffectiveBeforePrevious,
		},
	})
}

func TestTransferOfCommand(t *testing.T) {
	transfer := func(a domain.Actor, tr operation.Transfer) func(*operation.Operation) error {
		return func(o *operation.Operation) error { return o.TransferCommand(as(t, a), tr) }
	}
	notified := []domain.PersonRef{cmdPartner, dt.PersonRef(40, 1)}
	leadToNext := operation.Transfer{
		Position: seatLead, From: cmdLead.Person(), To: nextLead, BriefingRef: "ICS-201 #4",
		EffectiveAt: hours(2), Notified: notified,
	}
	transferred := &operation.CommandTransferred{
		OperationID: opID, PositionID: seatLead, From: cmdLead, To: nextLead, BriefingRef: "ICS-201 #4",
		EffectiveAt: hours(2), Notified: notified,
	}
	with := func(edit func(*operation.Transfer)) operation.Transfer {
		tr := leadToNext
		edit(&tr)
		return tr
	}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "the current commander hands over",
			Given: unifiedCommand(),
			When:  transfer(leadCommander, leadToNext),
			Then:  events(transferred),
		},
		{
			Name:  "the unified command hands a seat over",
			Given: unifiedCommand(),
			When:  transfer(partnerCmdr, leadToNext),
			Then:  events(transferred),
		},
		{
			Name:   "nobody else does, not even the lead agency",
			Given:  unifiedCommand(),
			When:   transfer(leadOfficer, leadToNext),
			Reject: operation.CodeNotAuthorized, Kind: domain.ErrForbidden,
		},
		{
			Name:   "from must be the current holder",
			Given:  unifiedCommand(),
			When:   transfer(leadCommander, with(func(tr *operation.Transfer) { tr.From = dt.Person(13) })),
			Reject: operation.CodeNotCurrentHolder,
		},
		{
			Name:   "a transfer takes effect after the previous one",
			Given:  history(unifiedCommand(), events(transferred)),
			When:   transfer(domain.Actor{Agency: lead, Person: nextLead.Person()}, operation.Transfer{Position: seatLead, From: nextLead.Person(), To: cmdLead, BriefingRef: "ICS-201 #5", EffectiveAt: hours(1.5)}),
			Reject: operation.CodeEffectiveBeforePrevious,
		},
		{
			Name:  "a transfer after the previous one is accepted, by the incoming holder",
			Given: history(unifiedCommand(), events(transferred)),
			When: transfer(domain.Actor{Agency: lead, Person: nextLead.Person()}, operation.Transfer{
				Position: seatLead, From: nextLead.Person(), To: cmdLead, BriefingRef: "ICS-201 #5", EffectiveAt: hours(3)}),
			Then: events(&operation.CommandTransferred{OperationID: opID, PositionID: seatLead, From: nextLead, To: cmdLead,
				BriefingRef: "ICS-201 #5", EffectiveAt: hours(3)}),
		},
		{
			Name:   "the outgoing commander can no longer hand over what is already promised",
			Given:  history(unifiedCommand(), events(transferred)),
			When:   transfer(leadCommander, with(func(tr *operation.Transfer) { tr.EffectiveAt = hours(3) })),
			Reject: operation.CodeNotCurrentHolder,
		},
		{
			Name:   "a transfer at the instant the holder took over is not after it",
			Given:  unifiedCommand(),
			When:   transfer(leadCommander, with(func(tr *operation.Transfer) { tr.EffectiveAt = dt.T0() })),
			Reject: operation.CodeEffectiveBeforePrevious,
		},
		{
			Name:   "no transfer to oneself",
			Given:  unifiedCommand(),
			When:   transfer(leadCommander, with(func(tr *operation.Transfer) { tr.To = cmdLead })),
			Reject: operation.CodeSameHolder,
		},
		{
			Name:   "a command seat passes within its agency",
			Given:  unifiedCommand(),
			When:   transfer(leadCommander, with(func(tr *operation.Transfer) { tr.To = nextPart })),
			Reject: operation.CodeSeatAgencyMismatch,
		},
		{
			Name:   "a vacant position is filled, not transferred",
			Given:  history(active(), events(seat(seatLead, lead))),
			When:   transfer(leadCommander, leadToNext),
			Reject: operation.CodePositionVacant,
		},
		{
			Name:   "an unknown position",
			Given:  active(),
			When:   transfer(leadCommander, leadToNext),
			Reject: operation.CodePositionUnknown,
		},
		{
			Name:  "a transfer names both holders, a briefing and an effective time",
			Given: unifiedCommand(),
			When: transfer(leadCommander, operation.Transfer{Position: seatLead, BriefingRef: " ",
				Notified: []domain.PersonRef{{}}}),
			Invalid: []string{"from", "to", "briefing_ref", "effective_at", "notified[0]"},
		},
	})
}

func TestHoldersOverTime(t *testing.T) {
	o := dt.Given(t, newOp(), history(unifiedCommand(), events(
		&operation.CommandTransferred{OperationID: opID, PositionID: seatLead, From: cmdLead, To: nextLead,
			BriefingRef: "b", EffectiveAt: hours(2)},
		&operation.PositionVacated{OperationID: opID, PositionID: seatLead, Holder: nextLead, EffectiveAt: hours(5)},
	))...).Aggregate()
	tests := []struct {
		at   time.Time
		want domain.PersonRef
		ok   bool
	}{
		{at: dt.T0().Add(-time.Minute)},
		{at: dt.T0(), want: cmdLead, ok: true},
		{at: hours(2).Add(-time.Nanosecond), want: cmdLead, ok: true},
		{at: hours(2), want: nextLead, ok: true},
		{at: hours(4.9), want: nextLead, ok: true},
		{at: hours(5)},
	}
	for _, tt := range tests {
		got, ok := o.HolderAt(seatLead, tt.at)
		if ok != tt.ok || got != tt.want {
			t.Errorf("HolderAt(%s) = %v, %v; want %v, %v", tt.at.Format(time.TimeOnly), got.Person(), ok, tt.want.Person(), tt.ok)
		}
	}
	if got := o.Tenures(seatLead); len(got) != 2 || !got[0].End.Equal(hours(2)) || !got[1].End.Equal(hours(5)) {
		t.Errorf("Tenures() = %+v", got)
	}
	if !o.InUnifiedCommand(cmdLead.Person(), hours(1)) || o.InUnifiedCommand(cmdLead.Person(), hours(3)) {
		t.Error("person 11 should sit in the unified command at 01:00 only")
	}
}
