package commands

import (
	"context"
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func testFlag() compliance.Flag {
	ev := []compliance.EventRef{{Stream: "unitlog-x", Revision: 4}}
	return compliance.Flag{ID: compliance.NewFlagID(compliance.RuleOutsideArea, ev...), Rule: compliance.RuleOutsideArea,
		Unit: dt.Unit(7), Evidence: ev, Explanation: "outside the area", Language: "en"}
}

func TestRaiseFlagIsIdempotent(t *testing.T) {
	ctx := context.Background()
	h := newTestHandlers(t, newMemLog(), newMemOutcomes(), nil)
	system := dt.Must(SystemPrincipal(agency1))
	in := FlagRaise{Operation: testOp, OccurredAt: testNow, Flag: testFlag()}
	id := FlagCommandID(testOp, "raise", in.Flag.ID)

	first := must(t)(h.RaiseFlag(ctx, system, id, in))
	if first.Events != 1 || first.Stream != compliance.Stream(testOp) {
		t.Fatalf("first raise: %+v", first)
	}
	if again := must(t)(h.RaiseFlag(ctx, system, id, in)); again != first {
		t.Errorf("the same command answered %+v, then %+v", first, again)
	}
	// A restarted policy whose outcome memory is gone raises the flag under
	// a fresh handler: the aggregate knows the flag and appends nothing.
	if other := must(t)(h.RaiseFlag(ctx, system, newCmd(), in)); other.Events != 0 {
		t.Errorf("raising a known flag appended %d events", other.Events)
	}
	if FlagCommandID(testOp, "raise", in.Flag.ID) != id || FlagCommandID(testOp, "clear", in.Flag.ID) == id {
		t.Error("flag command IDs are not derived from operation, action and flag")
	}
}

func TestFlagAuthorization(t *testing.T) {
	ctx := context.Background()
	h := newTestHandlers(t, newMemLog(), newMemOutcomes(), nil)
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal()))
	system := dt.Must(SystemPrincipal(agency1))
	flag := testFlag()
	must(t)(h.RaiseFlag(ctx, system, newCmd(), FlagRaise{Operation: testOp, OccurredAt: testNow, Flag: flag}))
	outsider := testPrincipal(agency3, 22, RoleCommander)
	answer := FlagAnswer{Operation: testOp, OccurredAt: testNow, Flag: flag.ID, Note: "noted"}

	tests := []struct {
		name string
		do   func() (Accepted, error)
		want error // nil: accepted
	}{
		{"a commander cannot raise a flag", func() (Accepted, error) {
			return h.RaiseFlag(ctx, lead, newCmd(), FlagRaise{Operation: testOp, OccurredAt: testNow, Flag: flag})
		}, domain.ErrForbidden},
		{"a field unit cannot clear a flag", func() (Accepted, error) {
			return h.ClearFlag(ctx, unit7, newCmd(), FlagClearance{Operation: testOp, OccurredAt: testNow, Flag: flag.ID,
				Evidence: flag.Evidence, Reason: "no"})
		}, domain.ErrForbidden},
		{"the policy cannot acknowledge", func() (Accepted, error) { return h.AcknowledgeFlag(ctx, system, newCmd(), answer) }, domain.ErrForbidden},
		{"a commander of an agency outside the operation", func() (Accepted, error) {
			return h.AcknowledgeFlag(ctx, outsider, newCmd(), answer)
		}, domain.ErrForbidden},
		{"an unknown flag", func() (Accepted, error) {
			a := answer
			a.Flag = compliance.NewFlagID(compliance.RuleApprehension, flag.Evidence...)
			return h.AcknowledgeFlag(ctx, lead, newCmd(), a)
		}, domain.ErrNotFound},
		{"the lead acknowledges", func() (Accepted, error) { return h.AcknowledgeFlag(ctx, lead, newCmd(), answer) }, nil},
		{"the lead acknowledges again", func() (Accepted, error) { return h.AcknowledgeFlag(ctx, lead, newCmd(), answer) }, domain.ErrRejected},
		{"the partner disputes", func() (Accepted, error) {
			a := answer
			a.Note = "the area was amended"
			return h.DisputeFlag(ctx, partner, newCmd(), a)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acc, err := tt.do()
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == nil && acc.Events != 1:
				t.Fatalf("accepted with %d events", acc.Events)
			case tt.want != nil && !errors.Is(err, tt.want):
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestNoTokenIsTheSystem(t *testing.T) {
	if _, err := NewPrincipal(agency1, dt.UUID(1), RoleSystem); err == nil {
		t.Fatal("a token may claim the system role")
	}
	if _, err := SystemPrincipal(domain.AgencyID{}); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("SystemPrincipal without agency: %v", err)
	}
}

// TestHostStopAuthorization: only a commander of a participating agency
// of a host state asks foreign units to stop; the request names the
// agency's state as host.
func TestHostStopAuthorization(t *testing.T) {
	ctx := context.Background()
	log := newMemLog()
	h := newTestHandlers(t, log, newMemOutcomes(), nil)
	admin := testPrincipal(agency1, 30, RoleAdmin)
	for a, st := range map[domain.AgencyID]string{agency1: "DE", agency2: "FR", agency3: "DE"} {
		must(t)(h.RegisterAgency(ctx, admin, newCmd(), AgencyRegistration{Agency: a, OccurredAt: testNow, State: dt.State(st),
			Name: "Agency " + st, Kind: agency.KindPolice}))
	}
	must(t)(h.ProposeOperation(ctx, lead, newCmd(), testProposal())) // hosted by DE; agency1 (DE) leads, agency2 (FR) takes part
	stopAll := HostStop{Operation: testOp, OccurredAt: testNow, Reason: "the suspect is in custody"}
	tests := []struct {
		name string
		p    Principal
		want error // nil: accepted
	}{
		{"an observer of the host", testPrincipal(agency1, 31, RoleObserver), domain.ErrForbidden},
		{"a commander of a participating agency of another state", partner, domain.ErrForbidden},
		{"a commander of the host state outside the operation", testPrincipal(agency3, 32, RoleCommander), domain.ErrForbidden},
		{"the host's commander", lead, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.RequestHostStop(ctx, tt.p, newCmd(), stopAll)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("RequestHostStop = %v, want %v", err, tt.want)
			}
		})
	}
	var got *compliance.StopRequested
	if _, err := log.Load(ctx, compliance.Stream(testOp), 0, func(e domain.Event) {
		if s, ok := e.Payload.(*compliance.StopRequested); ok {
			got = s
		}
	}); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Host != dt.State("DE") || got.Agency != agency1 || len(got.Units) != 0 {
		t.Errorf("recorded %+v, want DE's request for every foreign unit", got)
	}
}
