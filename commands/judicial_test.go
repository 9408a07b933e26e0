package commands

import (
	"context"
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// TestPermitJudicialUse: unit 7 (agency 2) files an H1 report; only a
// commander or admin of agency 2 may permit its judicial use, once.
func TestPermitJudicialUse(t *testing.T) {
	ctx := context.Background()
	log := newMemLog()
	h := newTestHandlers(t, log, newMemOutcomes(), nil)
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	h1 := dt.Must(marking.New(marking.Spec{Originator: agency2, TLP: marking.TLPAmber, Handling: []marking.HandlingCode{marking.H1},
		Evaluation: dt.Must(marking.NewEvaluation(marking.ReliabilityB, 2))}))
	restricted := testPosition(7, 1, agency2)
	restricted.Entry.Marking = h1
	must(t)(h.ReportPosition(ctx, unit7, newCmd(), restricted))
	must(t)(h.ReportPosition(ctx, unit7, newCmd(), testPosition(7, 2, agency2))) // no H1

	permit := func(report, id uint64) JudicialUsePermission {
		return JudicialUsePermission{Operation: testOp, Unit: dt.Unit(7), OccurredAt: testNow, ID: dt.Report(id),
			Report: dt.Report(report), CaseReference: "Parquet de Strasbourg 25/117"}
	}
	outsider := testPrincipal(agency3, 30, RoleAdmin)
	tests := []struct {
		name string
		p    Principal
		in   JudicialUsePermission
		want error // nil: accepted
		code domain.Code
	}{
		{"the field unit may not", unit7, permit(1, 10), domain.ErrForbidden, CodeRoleNotAllowed},
		{"an investigator may not", testPrincipal(agency2, 31, RoleInvestigator), permit(1, 10), domain.ErrForbidden, CodeReadOnlyRole},
		{"an observer may not", testPrincipal(agency2, 32, RoleObserver), permit(1, 10), domain.ErrForbidden, CodeReadOnlyRole},
		{"the lead's commander is not the originator", lead, permit(1, 10), domain.ErrForbidden, fieldlog.CodeNotOriginator},
		{"an admin of an agency outside the operation", outsider, permit(1, 10), domain.ErrForbidden, CodeNotParticipant},
		{"an unknown operation", partner, func() JudicialUsePermission {
			in := permit(1, 10)
			in.Operation = dt.Operation(99)
			return in
		}(), domain.ErrNotFound, ""},
		{"a report without H1", partner, permit(2, 10), domain.ErrRejected, fieldlog.CodeNotJudiciallyRestricted},
		{"an unknown report", partner, permit(9, 10), domain.ErrNotFound, fieldlog.CodeReportUnknown},
		{"a case reference is required", partner, func() JudicialUsePermission {
			in := permit(1, 10)
			in.CaseReference = ""
			return in
		}(), domain.ErrInvalid, ""},
		{"the originator's commander permits", partner, permit(1, 10), nil, ""},
		{"a second permission is refused", testPrincipal(agency2, 33, RoleAdmin), permit(1, 11), domain.ErrRejected,
			fieldlog.CodeJudicialUseAlreadyPermitted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc, err := h.PermitJudicialUse(ctx, tt.p, newCmd(), tt.in)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == nil && (acc.Events != 1 || acc.Stream != fieldlog.Stream(testOp, dt.Unit(7))):
				t.Fatalf("accepted as %+v", acc)
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if code, _ := domain.CodeOf(err); tt.code != "" && code != tt.code {
				t.Errorf("code %q, want %q", code, tt.code)
			}
		})
	}
	events := log.events(fieldlog.Stream(testOp, dt.Unit(7)))
	if n := len(events); n != 3 {
		t.Fatalf("the field log holds %d events, want 2 reports and 1 permission", n)
	}
	got, ok := events[2].e.Payload.(*fieldlog.JudicialUsePermitted)
	if !ok || got.Report != dt.Report(1) || events[2].e.Actor != partner.Actor() {
		t.Errorf("last event %+v by %+v, want the permission of report 1 by the partner's commander", events[2].e.Payload, events[2].e.Actor)
	}
}

// TestPermitJudicialUseRetry: the same command again is answered from its
// outcome, not refused as a second permission.
func TestPermitJudicialUseRetry(t *testing.T) {
	ctx := context.Background()
	h := newTestHandlers(t, newMemLog(), newMemOutcomes(), nil)
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	report := testPosition(7, 1, agency2)
	report.Entry.Marking = dt.Must(marking.New(marking.Spec{Originator: agency2, TLP: marking.TLPGreen,
		Handling: []marking.HandlingCode{marking.H1}, Evaluation: dt.Must(marking.NewEvaluation(marking.ReliabilityB, 2))}))
	must(t)(h.ReportPosition(ctx, unit7, newCmd(), report))
	id, in := newCmd(), JudicialUsePermission{Operation: testOp, Unit: dt.Unit(7), OccurredAt: testNow, ID: dt.Report(2),
		Report: dt.Report(1), CaseReference: "4 Js 117/25"}
	first := must(t)(h.PermitJudicialUse(ctx, partner, id, in))
	if again := must(t)(h.PermitJudicialUse(ctx, partner, id, in)); again != first {
		t.Errorf("a retry answered %+v, the first %+v", again, first)
	}
}
