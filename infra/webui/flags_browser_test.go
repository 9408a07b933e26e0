package webui_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
)

// flagShows raises a compliance flag on report (filed by unit sign), as
// the compliance policy would, and checks that the page shows it — its
// severity, rule, explanation, unit and state — then that it shows the
// agencies' answers: AT acknowledges, DE disputes, through the API.
func (e *env) flagShows(t *testing.T, tb *tab, sign, report string) {
	t.Helper()
	id := e.raiseFlag(t, sign, report)
	sel := fmt.Sprintf(`#flags [data-flag="%s"]`, id)
	waitFor(t, tb, 5*time.Second, "the flag", fmt.Sprintf(`document.querySelector('%s') !== null`, sel))
	text := eval[string](t, tb, 5*time.Second, fmt.Sprintf(`document.querySelector('%s').textContent`, sel))
	for _, want := range []string{"high", "apprehension: not allowed", "no right of apprehension", sign, "open"} {
		if !strings.Contains(text, want) {
			t.Errorf("the flag shows %q, without %q", text, want)
		}
	}
	path := fmt.Sprintf("/v1/operations/%s/flags/%s", e.world.operation, id)
	e.api.post(e.world.commander[agencyAT], path+"/acknowledge", map[string]any{"note": "debrief scheduled"})
	e.api.post(e.world.commander[agencyDE], path+"/dispute", map[string]any{"note": "held until our officers arrived"})
	waitFor(t, tb, 5*time.Second, "the answers", fmt.Sprintf(`document.querySelectorAll('%s .flag-answers li').length === 2`, sel))
	answers := eval[string](t, tb, 5*time.Second, fmt.Sprintf(`document.querySelector('%s .flag-answers').textContent`, sel))
	for _, want := range []string{"acknowledged: debrief scheduled", "disputed: held until our officers arrived"} {
		if !strings.Contains(answers, want) {
			t.Errorf("the answers show %q, without %q", answers, want)
		}
	}
}

// raiseFlag records, as the compliance policy's system principal, that
// report breached the apprehension rule, resting on the event that
// recorded it.
func (e *env) raiseFlag(t *testing.T, sign, report string) compliance.FlagID {
	t.Helper()
	op := mustID(t, domain.ParseOperationID, e.world.operation.String())
	unit := mustID(t, domain.ParseUnitID, e.world.units[sign].subject.String())
	rep := mustID(t, domain.ParseReportID, report)
	stream := fieldlog.Stream(op, unit)
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	recorded, err := e.srv.store.ReadStream(t.Context(), stream, eventstore.Forwards, 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	var ref compliance.EventRef
	var at time.Time
	for _, r := range recorded {
		ev, _, err := codec.Decode(r)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := ev.Payload.(fieldlog.Report); ok && p.Head().ReportID == rep {
			ref, at = compliance.EventRef{Stream: stream, Revision: r.Revision, Report: rep}, ev.OccurredAt
		}
	}
	if ref.Stream == "" {
		t.Fatalf("no event records report %s", report)
	}
	flag := compliance.Flag{ID: compliance.NewFlagID(compliance.RuleApprehension, ref), Rule: compliance.RuleApprehension,
		Unit: unit, Evidence: []compliance.EventRef{ref}, Language: "en",
		Explanation: sign + " apprehended a person in DE; the provision gives foreign officers no right of apprehension."}
	system, err := commands.SystemPrincipal(mustID(t, domain.ParseAgencyID, e.world.agencies[agencyDE].String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.cmds.RaiseFlag(t.Context(), system, commands.CommandID(uuid.New()),
		commands.FlagRaise{Operation: op, OccurredAt: at, Flag: flag}); err != nil {
		t.Fatalf("RaiseFlag: %v", err)
	}
	return flag.ID
}

func mustID[T any](t *testing.T, parse func(string) (T, error), s string) T {
	t.Helper()
	v, err := parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
