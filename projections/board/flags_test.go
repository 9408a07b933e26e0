package board_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections/board"
)

// reportRef names the event of l that recorded report n, as the policy
// cites it.
func reportRef(t *testing.T, l *eventLog, n uint64) compliance.EventRef {
	t.Helper()
	for _, env := range l.envs {
		if r, ok := env.Event.Payload.(fieldlog.Report); ok && r.Head().ReportID == dt.Report(n) {
			return compliance.EventRef{Stream: env.Stream, Revision: env.Revision, Report: dt.Report(n)}
		}
	}
	t.Fatalf("no report %d in the log", n)
	return compliance.EventRef{}
}

func raised(unit domain.UnitID, rule compliance.Rule, evidence ...compliance.EventRef) *compliance.FlagRaised {
	return &compliance.FlagRaised{OperationID: opID, Flag: compliance.Flag{
		ID: compliance.NewFlagID(rule, evidence...), Rule: rule, Unit: unit, Evidence: evidence,
		Explanation: "Pursuit went 10.10 km into FR; at most 10 km.", Language: "en",
	}}
}

func flagIDs(v board.View) []compliance.FlagID {
	var out []compliance.FlagID
	for _, f := range v.Flags {
		out = append(out, f.ID)
	}
	return out
}

// deltasAgree checks that each agency's deltas, applied to its view of
// the empty board, give its view of the board now.
func deltasAgree(t *testing.T, f *fed) {
	t.Helper()
	for _, a := range agencies {
		var v board.View
		v.Limits = f.board.View(viewer(outsider)).Limits
		for _, d := range f.deltas {
			v.Apply(d.For(viewer(a)))
		}
		if got, want := mustJSON(t, v), mustJSON(t, f.board.View(viewer(a))); got != want {
			t.Errorf("agency %s: view from deltas\n%s\nwant\n%s", a, got, want)
		}
	}
}

func TestFlagAudience(t *testing.T) {
	amberStrict := mark(partner, marking.TLPAmberStrict, nil) // partner's own eyes only
	green := mark(partner, marking.TLPGreen, nil)
	redForThird := mark(lead, marking.TLPRed, ids(third))
	tests := []struct {
		name string
		// evidence picks the flag's evidence from the log of running()
		// plus reports 1 (partner's, amber strict) and 2 (lead's, red for
		// third).
		evidence func(t *testing.T, l *eventLog) []compliance.EventRef
		unit     domain.UnitID
		want     []domain.AgencyID
	}{
		{name: "a report only its unit's agency may see", unit: partnerUnit,
			evidence: func(t *testing.T, l *eventLog) []compliance.EventRef {
				return []compliance.EventRef{reportRef(t, l, 1)}
			},
			want: ids(partner)},
		{name: "a report named for one other agency: it and the acting agency", unit: leadUnit,
			evidence: func(t *testing.T, l *eventLog) []compliance.EventRef {
				return []compliance.EventRef{reportRef(t, l, 2)}
			},
			want: ids(lead, third)},
		{name: "two reports: only who may see both, and the acting agency", unit: leadUnit,
			evidence: func(t *testing.T, l *eventLog) []compliance.EventRef {
				return []compliance.EventRef{reportRef(t, l, 2), reportRef(t, l, 1)}
			},
			want: ids(lead)},
		{name: "no report in the evidence: every participant", unit: leadUnit,
			evidence: func(*testing.T, *eventLog) []compliance.EventRef {
				return []compliance.EventRef{{Stream: "operation-" + opID.String(), Revision: 3}}
			},
			want: ids(lead, partner, third)},
		{name: "a field-log event without its report: the acting agency alone", unit: leadUnit,
			evidence: func(t *testing.T, l *eventLog) []compliance.EventRef {
				r := reportRef(t, l, 2)
				r.Report = domain.ReportID{}
				return []compliance.EventRef{r}
			},
			want: ids(lead)},
		{name: "a report the board does not know: the acting agency alone", unit: leadUnit,
			evidence: func(t *testing.T, l *eventLog) []compliance.EventRef {
				return []compliance.EventRef{{Stream: "unitlog-x", Revision: 9, Report: dt.Report(99)}}
			},
			want: ids(lead)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := running().add(observed(1, partnerUnit, amberStrict, "van"), observed(2, leadUnit, redForThird, "car"))
			flag := raised(tt.unit, compliance.RulePursuitDistance, tt.evidence(t, l)...)
			l.add(flag, &compliance.FlagAcknowledged{OperationID: opID, FlagID: flag.ID, Agency: lead, Note: "seen"})
			f := feed(t, l, board.Config{})
			for _, a := range agencies {
				got := f.board.View(viewer(a)).Flags
				if visible := slices.Contains(tt.want, a); visible != (len(got) == 1) {
					t.Errorf("agency %s sees %d flags, want visible %v", a, len(got), visible)
				}
				if !slices.Contains(tt.want, a) && strings.Contains(f.agencyJSON(t, a), string(flag.ID)) {
					t.Errorf("agency %s was sent flag %s", a, flag.ID)
				}
			}
			deltasAgree(t, f)
		})
	}
	t.Run("a relaxation shows the flag to the newly entitled", func(t *testing.T) {
		l := running().add(observed(1, partnerUnit, amberStrict, "van"))
		flag := raised(partnerUnit, compliance.RuleNoProvision, reportRef(t, l, 1))
		l.add(flag)
		before := len(l.envs)
		l.add(relaxation(3, 1, partnerUnit, amberStrict, green))
		f := feed(t, l, board.Config{})
		if ad := f.deltas[before].For(viewer(lead)); ad == nil || !strings.Contains(mustJSON(t, ad), string(flag.ID)) {
			t.Errorf("lead's delta of the relaxation does not show the flag: %s", mustJSON(t, ad))
		}
		for _, a := range ids(lead, partner, third) {
			if got := flagIDs(f.board.View(viewer(a))); !slices.Equal(got, []compliance.FlagID{flag.ID}) {
				t.Errorf("agency %s sees flags %v after the relaxation", a, got)
			}
		}
		deltasAgree(t, f)
	})
}

func TestFlagLifecycle(t *testing.T) {
	l := running().add(observed(1, leadUnit, mark(lead, marking.TLPGreen, nil), "pursuit"))
	flag := raised(leadUnit, compliance.RulePursuitDistance, reportRef(t, l, 1))
	l.add(flag,
		&compliance.FlagAcknowledged{OperationID: opID, FlagID: flag.ID, Agency: lead, Note: "reviewing"},
		&compliance.FlagDisputed{OperationID: opID, FlagID: flag.ID, Agency: partner, Note: "GPS drift"},
		&compliance.FlagAcknowledged{OperationID: opID, FlagID: flag.ID, Agency: lead, Note: "twice"}, // ignored
		&compliance.FlagCleared{OperationID: opID, FlagID: flag.ID, Reason: "the report it rests on was retracted"},
		&compliance.FlagAcknowledged{OperationID: opID, FlagID: "00000000000000000000000000000000", Agency: lead}, // unknown
	)
	f := feed(t, l, board.Config{})
	got := f.board.View(viewer(third)).Flags
	if len(got) != 1 {
		t.Fatalf("flags %v", got)
	}
	v := got[0]
	if v.ID != flag.ID || v.Rule != compliance.RulePursuitDistance || v.Severity != compliance.SeverityMedium ||
		v.Unit != leadUnit || v.Agency != lead || v.State != board.FlagCleared || v.Cleared == nil ||
		v.Cleared.Reason != "the report it rests on was retracted" || v.Language != "en" || v.RecordedAt.IsZero() {
		t.Errorf("flag %+v", v)
	}
	if len(v.Evidence) != 1 || v.Evidence[0] != (board.Evidence{Report: dt.Report(1)}) {
		t.Errorf("evidence %+v: want the report alone, without its stream revision", v.Evidence)
	}
	wantAnswers := []board.FlagAnswer{
		{Agency: lead, Kind: board.AnswerAcknowledged, Note: "reviewing"},
		{Agency: partner, Kind: board.AnswerDisputed, Note: "GPS drift"},
	}
	if len(v.Answers) != len(wantAnswers) {
		t.Fatalf("answers %+v", v.Answers)
	}
	for i, w := range wantAnswers {
		if a := v.Answers[i]; a.Agency != w.Agency || a.Kind != w.Kind || a.Note != w.Note {
			t.Errorf("answer %d = %+v, want %+v", i, a, w)
		}
	}
	deltasAgree(t, f)
}

func TestJoinerSeesTheFlagsItMay(t *testing.T) {
	l := running().add(
		observed(1, leadUnit, mark(lead, marking.TLPGreen, nil), "seen by all"),
		observed(2, leadUnit, mark(lead, marking.TLPRed, ids(third)), "third only"),
	)
	open := raised(leadUnit, compliance.RuleNoProvision, reportRef(t, l, 1))
	hidden := raised(leadUnit, compliance.RuleApprehension, reportRef(t, l, 2))
	l.add(open, hidden, &operation.ParticipantAdded{OperationID: opID, Agency: joiner, ArrangementVersion: 2})
	f := feed(t, l, board.Config{})
	if got := flagIDs(f.board.View(viewer(joiner))); !slices.Equal(got, []compliance.FlagID{open.ID}) {
		t.Errorf("joiner sees %v, want only %s", got, open.ID)
	}
	deltasAgree(t, f)
}

func TestHostStopIsSignificant(t *testing.T) {
	l := running().add(&compliance.StopRequested{OperationID: opID, Host: dt.State("FR"), Agency: partner,
		Units: []domain.UnitID{leadUnit}, Reason: "suspect in custody"})
	f := feed(t, l, board.Config{})
	for _, a := range ids(lead, partner, third) {
		sig := f.board.View(viewer(a)).Significant
		if len(sig) == 0 || sig[len(sig)-1].Type != compliance.StopRequestedType ||
			!strings.Contains(sig[len(sig)-1].Summary, "FR asked units "+leadUnit.String()+" to stop acting on its territory: suspect in custody") {
			t.Errorf("agency %s: significant events end with %+v", a, sig[len(sig)-1])
		}
	}
	deltasAgree(t, f)
}
