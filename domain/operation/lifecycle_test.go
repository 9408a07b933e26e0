package operation_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
)

func TestPropose(t *testing.T) {
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name: "the lead agency proposes",
			When: func(o *operation.Operation) error { return o.Propose(as(t, leadOfficer), proposal()) },
			Then: events(proposed()),
		},
		{
			Name:   "another agency may not propose in the lead's name",
			When:   func(o *operation.Operation) error { return o.Propose(as(t, partnerOfficer), proposal()) },
			Reject: operation.CodeProposerNotLead, Kind: domain.ErrForbidden,
		},
		{
			Name:   "an operation is proposed once",
			Given:  events(proposed()),
			When:   func(o *operation.Operation) error { return o.Propose(as(t, leadOfficer), proposal()) },
			Reject: operation.CodeAlreadyProposed,
		},
		{
			Name: "every term is required",
			When: func(o *operation.Operation) error {
				return o.Propose(as(t, leadOfficer), operation.Proposal{Lead: lead, Participants: []domain.AgencyID{lead}})
			},
			Invalid: []string{"purpose", "participants", "host_states", "legal_basis", "area", "period"},
		},
		{
			Name: "participants must include the lead, once",
			When: func(o *operation.Operation) error {
				p := proposal()
				p.Participants = []domain.AgencyID{partner, third, partner}
				return o.Propose(as(t, leadOfficer), p)
			},
			Invalid: []string{"participants", "participants[2]"},
		},
		{
			Name: "host states are listed once",
			When: func(o *operation.Operation) error {
				p := proposal()
				p.HostStates = []domain.StateCode{hostState, hostState}
				return o.Propose(as(t, leadOfficer), p)
			},
			Invalid: []string{"host_states[1]"},
		},
		{
			Name: "an invalid area never gets this far: the zero polygon is refused",
			When: func(o *operation.Operation) error {
				p := proposal()
				p.Area = geo.Polygon{}
				return o.Propose(as(t, leadOfficer), p)
			},
			Invalid: []string{"area"},
		},
	})
}

func TestAgreement(t *testing.T) {
	areaV2 := &operation.AreaChanged{OperationID: opID, Area: square(7, 48, 9, 49), ArrangementVersion: 2}
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "a participant agrees to the current arrangement",
			Given: events(proposed()),
			When:  func(o *operation.Operation) error { return o.Agree(as(t, partnerOfficer), 1) },
			Then:  events(agreed(partner, 1)),
		},
		{
			Name:   "an agency outside the operation cannot agree",
			Given:  events(proposed()),
			When:   func(o *operation.Operation) error { return o.Agree(as(t, outsider), 1) },
			Reject: operation.CodeNotParticipant, Kind: domain.ErrForbidden,
		},
		{
			Name:   "an agreement to terms that have changed is refused",
			Given:  events(proposed(), areaV2),
			When:   func(o *operation.Operation) error { return o.Agree(as(t, partnerOfficer), 1) },
			Reject: operation.CodeArrangementChanged,
		},
		{
			Name:  "after a change of terms an agency agrees again",
			Given: events(proposed(), agreed(partner, 1), areaV2),
			When:  func(o *operation.Operation) error { return o.Agree(as(t, partnerOfficer), 2) },
			Then:  events(agreed(partner, 2)),
		},
		{
			Name:   "an agency agrees once per version",
			Given:  events(proposed(), agreed(partner, 1)),
			When:   func(o *operation.Operation) error { return o.Agree(as(t, partnerOfficer), 1) },
			Reject: operation.CodeAlreadyAgreed,
		},
		{
			Name:   "no agreement to an operation never proposed",
			When:   func(o *operation.Operation) error { return o.Agree(as(t, partnerOfficer), 1) },
			Reject: operation.CodeNotFound, Kind: domain.ErrNotFound,
		},
		{
			Name:  "an agency that joins a running operation agrees to its arrangement",
			Given: history(active(), events(&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 1})),
			When:  func(o *operation.Operation) error { return o.Agree(as(t, outsider), 1) },
			Then:  events(agreed(third, 1)),
		},
	})
}

func TestLifecycleTransitions(t *testing.T) {
	suspended := history(active(), events(&operation.Suspended{OperationID: opID, Reason: "storm"}))
	closed := history(active(), events(&operation.Closed{OperationID: opID}))
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "activate once every participant agreed",
			Given: agreedByAll(),
			When:  func(o *operation.Operation) error { return o.Activate(as(t, leadOfficer)) },
			Then:  events(&operation.Activated{OperationID: opID}),
		},
		{
			Name:   "no activation while a participant has not agreed",
			Given:  events(proposed(), agreed(lead, 1)),
			When:   func(o *operation.Operation) error { return o.Activate(as(t, leadOfficer)) },
			Reject: operation.CodeAgreementPending,
		},
		{
			Name: "agreements to superseded terms do not count",
			Given: history(agreedByAll(),
				events(&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 2},
					agreed(lead, 2), agreed(third, 2))),
			When:   func(o *operation.Operation) error { return o.Activate(as(t, leadOfficer)) },
			Reject: operation.CodeAgreementPending,
		},
		{
			Name:   "only the lead or the unified command activates",
			Given:  agreedByAll(),
			When:   func(o *operation.Operation) error { return o.Activate(as(t, partnerOfficer)) },
			Reject: operation.CodeNotPlanningAuthority, Kind: domain.ErrForbidden,
		},
		{
			Name:   "active to active is no transition",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.Activate(as(t, leadOfficer)) },
			Reject: operation.CodeInvalidTransition,
		},
		{
			Name:  "suspend an active operation",
			Given: active(),
			When:  func(o *operation.Operation) error { return o.Suspend(as(t, leadOfficer), "storm") },
			Then:  events(&operation.Suspended{OperationID: opID, Reason: "storm"}),
		},
		{
			Name:    "a suspension states its reason",
			Given:   active(),
			When:    func(o *operation.Operation) error { return o.Suspend(as(t, leadOfficer), "") },
			Invalid: []string{"reason"},
		},
		{
			Name:   "a proposed operation cannot be suspended",
			Given:  agreedByAll(),
			When:   func(o *operation.Operation) error { return o.Suspend(as(t, leadOfficer), "storm") },
			Reject: operation.CodeInvalidTransition,
		},
		{
			Name:  "resume a suspended operation",
			Given: suspended,
			When:  func(o *operation.Operation) error { return o.Resume(as(t, leadOfficer)) },
			Then:  events(&operation.Resumed{OperationID: opID}),
		},
		{
			Name:   "an active operation cannot be resumed",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.Resume(as(t, leadOfficer)) },
			Reject: operation.CodeInvalidTransition,
		},
		{
			Name:  "close an active operation",
			Given: active(),
			When:  func(o *operation.Operation) error { return o.Close(as(t, leadOfficer), "objectives met") },
			Then:  events(&operation.Closed{OperationID: opID, Reason: "objectives met"}),
		},
		{
			Name:  "close a suspended operation",
			Given: suspended,
			When:  func(o *operation.Operation) error { return o.Close(as(t, leadOfficer), "") },
			Then:  events(&operation.Closed{OperationID: opID}),
		},
		{
			Name:   "a proposal is not closed: it was never active",
			Given:  agreedByAll(),
			When:   func(o *operation.Operation) error { return o.Close(as(t, leadOfficer), "") },
			Reject: operation.CodeInvalidTransition,
		},
		{
			Name:   "nothing is decided in a closed operation",
			Given:  closed,
			When:   func(o *operation.Operation) error { return o.Resume(as(t, leadOfficer)) },
			Reject: operation.CodeClosed,
		},
		{
			Name:  "not even its command structure",
			Given: closed,
			When: func(o *operation.Operation) error {
				return o.AddOrgUnit(as(t, leadOfficer), operation.OrgUnit{ID: section, Kind: operation.KindSection, Name: "Ops"})
			},
			Reject: operation.CodeClosed,
		},
	})
}

func TestParticipants(t *testing.T) {
	dt.Run(t, newOp, []dt.Case[*operation.Operation]{
		{
			Name:  "a participant added to a proposal changes the arrangement",
			Given: agreedByAll(),
			When:  func(o *operation.Operation) error { return o.AddParticipant(as(t, leadOfficer), third) },
			Then:  events(&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 2}),
		},
		{
			Name:  "a participant added to a running operation leaves the arrangement version",
			Given: active(),
			When:  func(o *operation.Operation) error { return o.AddParticipant(as(t, leadOfficer), third) },
			Then:  events(&operation.ParticipantAdded{OperationID: opID, Agency: third, ArrangementVersion: 1}),
		},
		{
			Name:   "a participant is added once",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.AddParticipant(as(t, leadOfficer), partner) },
			Reject: operation.CodeAlreadyParticipant,
		},
		{
			Name:   "only the lead or the unified command adds participants",
			Given:  active(),
			When:   func(o *operation.Operation) error { return o.AddParticipant(as(t, outsider), third) },
			Reject: operation.CodeNotPlanningAuthority,
		},
	})
}

func TestStatusIsDerived(t *testing.T) {
	tests := []struct {
		name    string
		history []domain.Payload
		want    operation.Status
	}{
		{name: "new", want: operation.StatusNone},
		{name: "proposed", history: events(proposed(), agreed(lead, 1)), want: operation.StatusProposed},
		{name: "agreed by all", history: agreedByAll(), want: operation.StatusAgreed},
		{name: "active", history: active(), want: operation.StatusActive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := dt.Given(t, newOp(), tt.history...).Aggregate()
			if got := o.Status(); got != tt.want {
				t.Errorf("Status() = %q, want %q", got, tt.want)
			}
			if got := o.Active(); got != (tt.want == operation.StatusActive) {
				t.Errorf("Active() = %v", got)
			}
		})
	}
}
