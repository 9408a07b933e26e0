package httpapi

import (
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
)

// The compliance flag of docs/API.md: no route raises a flag (only the
// compliance policy does, as the system principal), so before the first
// example of the flags' section the harness raises the one the policy
// raises for the documented apprehension — AT-7 apprehended a person in
// Germany under a provision that gives no right of apprehension.
const (
	docFlagSection = "POST /v1/operations/{operation}/flags/{flag}/acknowledge"
	docOperation   = "0e000000-0000-4000-8000-000000000001"
	docFlagUnit    = "2a000000-0000-4000-8000-000000000007"
	docFlagReport  = "90000000-0000-4000-8000-000000000011" // the apprehension
	docFlagSystem  = "11111111-1111-4111-8111-111111111111" // the agency operating the deployment
)

// docFlagRaiser raises the documented flag once, before the first example
// of docFlagSection.
type docFlagRaiser struct{ raised bool }

func (r *docFlagRaiser) before(t *testing.T, e *env, heading string) {
	t.Helper()
	if r.raised || heading != docFlagSection {
		return
	}
	r.raised = true
	raiseDocFlag(t, e)
}

// raiseDocFlag raises the documented flag as the policy would, resting on
// the event that recorded the apprehension.
func raiseDocFlag(t *testing.T, e *env) compliance.FlagID {
	t.Helper()
	op := mustParse(t, domain.ParseOperationID, docOperation)
	unit := mustParse(t, domain.ParseUnitID, docFlagUnit)
	report := mustParse(t, domain.ParseReportID, docFlagReport)
	ref, at := reportEvent(t, e, fieldlog.Stream(op, unit), report)
	flag := compliance.Flag{
		ID: compliance.NewFlagID(compliance.RuleApprehension, ref), Rule: compliance.RuleApprehension, Unit: unit,
		Evidence: []compliance.EventRef{ref}, Language: "en",
		Explanation: "Unit " + docFlagUnit + " apprehended subject 5b000000-0000-4000-8000-000000000001 in DE; " +
			"the joint operation's provision gives foreign officers no right of apprehension.",
	}
	system, err := commands.SystemPrincipal(mustParse(t, domain.ParseAgencyID, docFlagSystem))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cmds.RaiseFlag(t.Context(), system, commands.FlagCommandID(op, "raise", flag.ID),
		commands.FlagRaise{Operation: op, OccurredAt: at, Flag: flag}); err != nil {
		t.Fatalf("RaiseFlag: %v", err)
	}
	return flag.ID
}

// reportEvent finds the event of stream that recorded report: its
// reference as evidence and when the report occurred.
func reportEvent(t *testing.T, e *env, stream string, report domain.ReportID) (compliance.EventRef, time.Time) {
	t.Helper()
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := e.store.ReadStream(t.Context(), stream, eventstore.Forwards, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recorded {
		ev, _, err := codec.Decode(r)
		if err != nil {
			t.Fatal(err)
		}
		if rep, ok := ev.Payload.(fieldlog.Report); ok && rep.Head().ReportID == report {
			return compliance.EventRef{Stream: stream, Revision: r.Revision, Report: report}, ev.OccurredAt
		}
	}
	t.Fatalf("no event of %s records report %s", stream, report)
	return compliance.EventRef{}, time.Time{}
}

func mustParse[T any](t *testing.T, parse func(string) (T, error), s string) T {
	t.Helper()
	v, err := parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
