package operation_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/operation"
)

func TestPlanningAuthority(t *testing.T) {
	wider := square(7, 48, 9, 49)
	// The lead commander hands seat 1 to person 13 at 00:30; at 01:00 (now)
	// person 11 no longer sits in the unified command.
	handedOver := history(unifiedCommand(), events(&operation.CommandTransferred{
		OperationID: opID, PositionID: seatLead, From: cmdLead, To: nextLead, BriefingRef: "brief-1", EffectiveAt: hours(0.5),
	}))
	// The partner commander hands seat 2 to person 14 at 02:00: at 01:00 the
	// outgoing commander is still in charge and the incoming one is not yet.
	pending := history(unifiedCommand(), events(&operation.CommandTransferred{
		OperationID: opID, PositionID: seatPartner, From: cmdPartner, To: nextPart, BriefingRef: "brief-2", EffectiveAt: hours(2),
	}))
	changed := func(v int) []domain.Payload {
		return events(&operation.AreaChanged{OperationID: opID, Area: wider, ArrangementVersion: v})
	}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "any officer of the lead agency changes the plan; while proposed, terms change",
			Given: agreedByAll(),
			When:  func(o *operation.Operation) error { return o.ChangeArea(as(t, leadOfficer), wider) },
			Then:  changed(2),
		},
		{
			Name:  "once active, a plan change is a command decision and needs no new agreement",
			Given: active(),
			When:  func(o *operation.Operation) error { return o.ChangeArea(as(t, leadOfficer), wider) },
			Then:  changed(1),
		},
		{
			Name:  "a member of the unified command from another agency changes the plan",
			Given: unifiedCommand(),
			When:  func(o *operation.Operation) error { return o.ChangeArea(as(t, partnerCmdr), wider) },
			Then:  changed(1),
		},
		{
			Name:   "an officer of a partner agency outside the unified command cannot",
			Given:  unifiedCommand(),
			When:   func(o *operation.Operation) error { return o.ChangeArea(as(t, partnerOfficer), wider) },
			Reject: operation.CodeNotPlanningAuthority, Kind: domain.ErrForbidden,
		},
		{
			Name:   "an agency outside the operation cannot",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.ChangeArea(as(t, outsider), wider) },
			Reject: operation.CodeNotPlanningAuthority,
		},
		{
			Name:  "a commander whose transfer is not yet effective is still in charge",
			Given: pending,
			When:  func(o *operation.Operation) error { return o.ChangeArea(as(t, partnerCmdr), wider) },
			Then:  changed(1),
		},
		{
			Name:   "the incoming commander is not in charge before the effective time",
			Given:  pending,
			When:   func(o *operation.Operation) error { return o.ChangeArea(as(t, nextPartActor), wider) },
			Reject: operation.CodeNotPlanningAuthority,
		},
		{
			Name:  "the incoming commander is in charge from the effective time",
			Given: pending,
			When:  func(o *operation.Operation) error { return o.ChangeArea(asAt(t, nextPartActor, hours(2)), wider) },
			Then:  changed(1),
		},
		{
			Name:  "a lead-agency officer whose seat passed on still plans as a lead-agency officer",
			Given: handedOver,
			When:  func(o *operation.Operation) error { return o.ChangeArea(as(t, leadCommander), wider) },
			Then:  changed(1),
		},
		{
			Name:   "the same area is no change",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.ChangeArea(as(t, leadOfficer), area) },
			Reject: operation.CodeUnchanged,
		},
	})
}

func TestPlanChanges(t *testing.T) {
	planned := history(active(), events(&operation.OperationalPeriodPlanned{
		OperationID: opID, Number: 1, Period: span(8, 20), Objectives: []string{"Patrol sector A"},
	}))
	cisa := []domain.LegalRef{dt.Must(domain.NewLegalRef("CISA", "Art. 41"))}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "a longer period that still covers the plan",
			Given: planned,
			When:  func(o *operation.Operation) error { return o.ChangePeriod(as(t, leadOfficer), span(0, 96)) },
			Then:  events(&operation.PeriodChanged{OperationID: opID, Period: span(0, 96), ArrangementVersion: 1}),
		},
		{
			Name:   "a period that cuts an operational period off",
			Given:  planned,
			When:   func(o *operation.Operation) error { return o.ChangePeriod(as(t, leadOfficer), span(0, 12)) },
			Reject: operation.CodePeriodExcludesPlan,
		},
		{
			Name:    "a period is required",
			Given:   planned,
			When:    func(o *operation.Operation) error { return o.ChangePeriod(as(t, leadOfficer), domain.Period{}) },
			Invalid: []string{"period"},
		},
		{
			Name:  "change the legal basis",
			Given: active(),
			When:  func(o *operation.Operation) error { return o.ChangeLegalBasis(as(t, leadOfficer), cisa) },
			Then:  events(&operation.LegalBasisChanged{OperationID: opID, LegalBasis: cisa, ArrangementVersion: 1}),
		},
		{
			Name:    "the legal basis cannot be emptied",
			Given:   active(),
			When:    func(o *operation.Operation) error { return o.ChangeLegalBasis(as(t, leadOfficer), nil) },
			Invalid: []string{"legal_basis"},
		},
		{
			Name:   "only the lead or the unified command changes the legal basis",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.ChangeLegalBasis(as(t, partnerOfficer), cisa) },
			Reject: operation.CodeNotPlanningAuthority,
		},
	})
}

func TestOperationalPeriods(t *testing.T) {
	first := &operation.OperationalPeriodPlanned{OperationID: opID, Number: 1, Period: span(8, 20), Objectives: []string{"Patrol sector A"}}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "plan the first operational period",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.PlanOperationalPeriod(as(t, leadOfficer), span(8, 20), []string{"Patrol sector A"})
			},
			Then: events(first),
		},
		{
			Name:  "the next one is numbered on",
			Given: history(active(), events(first)),
			When: func(o *operation.Operation) error {
				return o.PlanOperationalPeriod(as(t, leadOfficer), span(20, 32), []string{"Checkpoint at exit 12"})
			},
			Then: events(&operation.OperationalPeriodPlanned{OperationID: opID, Number: 2, Period: span(20, 32),
				Objectives: []string{"Checkpoint at exit 12"}}),
		},
		{
			Name:  "an operational period must lie within the operation's period",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.PlanOperationalPeriod(as(t, leadOfficer), span(70, 80), []string{"Patrol"})
			},
			Reject: operation.CodeOutsidePeriod,
		},
		{
			Name:  "operational periods do not overlap",
			Given: history(active(), events(first)),
			When: func(o *operation.Operation) error {
				return o.PlanOperationalPeriod(as(t, leadOfficer), span(19, 30), []string{"Patrol"})
			},
			Reject: operation.CodeOperationalPeriodClash,
		},
		{
			Name:  "an operational period has objectives",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.PlanOperationalPeriod(as(t, leadOfficer), span(8, 20), []string{"ok", " "})
			},
			Invalid: []string{"objectives[1]"},
		},
		{
			Name:  "only the lead or the unified command plans",
			Given: active(),
			When: func(o *operation.Operation) error {
				return o.PlanOperationalPeriod(as(t, partnerOfficer), span(8, 20), []string{"Patrol"})
			},
			Reject: operation.CodeNotPlanningAuthority,
		},
		{
			Name:  "add an objective",
			Given: history(active(), events(first)),
			When: func(o *operation.Operation) error {
				return o.AddObjective(as(t, leadOfficer), 1, "Watch the rest area")
			},
			Then: events(&operation.ObjectiveAdded{OperationID: opID, OperationalPeriod: 1, Number: 2,
				Text: "Watch the rest area"}),
		},
		{
			Name:   "an objective goes to a planned operational period",
			Given:  history(active(), events(first)),
			When:   func(o *operation.Operation) error { return o.AddObjective(as(t, leadOfficer), 2, "Watch") },
			Reject: operation.CodeNoOperationalPeriod, Kind: domain.ErrNotFound,
		},
	})
}

func TestOperationalPeriodsReadBack(t *testing.T) {
	o := dt.Given(t, newOp(), history(active(), events(
		&operation.OperationalPeriodPlanned{OperationID: opID, Number: 1, Period: span(8, 20), Objectives: []string{"A"}},
		&operation.ObjectiveAdded{OperationID: opID, OperationalPeriod: 1, Number: 2, Text: "B"},
	))...).Aggregate()
	got := o.OperationalPeriods()
	if len(got) != 1 || len(got[0].Objectives) != 2 || got[0].Objectives[1] != "B" || !got[0].Period.Equal(span(8, 20)) {
		t.Fatalf("OperationalPeriods() = %+v", got)
	}
	got[0].Objectives[0] = "changed"
	if o.OperationalPeriods()[0].Objectives[0] != "A" {
		t.Error("OperationalPeriods exposes internal state")
	}
	if o.Period().End().Sub(o.Period().Start()) != 72*time.Hour {
		t.Errorf("Period() = %s", o.Period())
	}
}
