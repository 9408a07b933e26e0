package compliance_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func TestFlags(t *testing.T) {
	op := dt.Operation(1)
	de, fr := dt.Agency(1), dt.Agency(2)
	system := dt.Meta(t, domain.Actor{Agency: de}, dt.At(60))
	deBoss := dt.Meta(t, domain.Actor{Agency: de, Person: dt.Person(11)}, dt.At(120))
	frBoss := dt.Meta(t, domain.Actor{Agency: fr, Person: dt.Person(12)}, dt.At(120))

	evidence := []compliance.EventRef{{Stream: "fieldlog-x", Revision: 3}}
	id := compliance.NewFlagID(compliance.RulePursuitDistance, evidence...)
	flag := compliance.Flag{
		ID: id, Rule: compliance.RulePursuitDistance, Unit: dt.Unit(1),
		Provision: agreement.ProvisionRef{Agreement: "cisa", Provision: "art41"},
		Evidence:  evidence, Explanation: "pursuit 10.1 km from the border; the limit is 10 km", Language: "en",
	}
	raised := &compliance.FlagRaised{OperationID: op, Flag: flag}
	cleared := &compliance.FlagCleared{OperationID: op, FlagID: id, Evidence: evidence, Reason: "report retracted"}
	acked := &compliance.FlagAcknowledged{OperationID: op, FlagID: id, Agency: de, Note: "noted"}
	disputed := &compliance.FlagDisputed{OperationID: op, FlagID: id, Agency: fr, Note: "the border line is wrong"}
	unknown := compliance.NewFlagID(compliance.RuleApprehension, evidence...)

	stop := &compliance.StopRequested{OperationID: op, Host: dt.State("FR"), Agency: fr, Units: []domain.UnitID{dt.Unit(1)},
		Reason: "the suspect is in French custody"}
	stopAll := &compliance.StopRequested{OperationID: op, Host: dt.State("FR"), Agency: fr, Reason: "public order"}

	dt.Run(t, func() *compliance.Flags { return compliance.New(op) }, []dt.Case[*compliance.Flags]{
		{Name: "a host asks a unit to stop", When: func(f *compliance.Flags) error {
			return f.RequestStop(frBoss, dt.State("FR"), []domain.UnitID{dt.Unit(1)}, "the suspect is in French custody")
		}, Then: []domain.Payload{stop}},
		{Name: "a host asks every foreign unit to stop", When: func(f *compliance.Flags) error {
			return f.RequestStop(frBoss, dt.State("FR"), nil, "public order")
		}, Then: []domain.Payload{stopAll}},
		{Name: "a stop request needs a host, distinct units and a reason", When: func(f *compliance.Flags) error {
			return f.RequestStop(frBoss, domain.StateCode{}, []domain.UnitID{dt.Unit(1), {}, dt.Unit(1)}, "")
		}, Invalid: []string{"host", "units[1]", "units[2]", "reason"}},
		{Name: "raise", When: func(f *compliance.Flags) error { return f.Raise(system, flag) }, Then: []domain.Payload{raised}},
		{Name: "raise again is a no-op", Given: []domain.Payload{raised},
			When: func(f *compliance.Flags) error { return f.Raise(system, flag) }, Then: []domain.Payload{}},
		{Name: "raise a cleared flag again is a no-op", Given: []domain.Payload{raised, cleared},
			When: func(f *compliance.Flags) error { return f.Raise(system, flag) }, Then: []domain.Payload{}},
		{Name: "raise needs a derived ID, a rule, evidence and words",
			When: func(f *compliance.Flags) error {
				return f.Raise(system, compliance.Flag{ID: "x", Rule: "made_up", Evidence: []compliance.EventRef{{}}})
			},
			Invalid: []string{"id", "rule", "evidence[0].stream", "explanation", "language"}},
		{Name: "clear", Given: []domain.Payload{raised},
			When: func(f *compliance.Flags) error { return f.Clear(system, id, evidence, "report retracted") },
			Then: []domain.Payload{cleared}},
		{Name: "clear twice is a no-op", Given: []domain.Payload{raised, cleared},
			When: func(f *compliance.Flags) error { return f.Clear(system, id, evidence, "again") },
			Then: []domain.Payload{}},
		{Name: "clear an unknown flag", When: func(f *compliance.Flags) error { return f.Clear(system, unknown, evidence, "x") },
			Reject: compliance.CodeUnknownFlag, Kind: domain.ErrNotFound},
		{Name: "clear needs evidence and a reason", Given: []domain.Payload{raised},
			When: func(f *compliance.Flags) error { return f.Clear(system, id, nil, " ") }, Invalid: []string{"evidence", "reason"}},
		{Name: "acknowledge", Given: []domain.Payload{raised},
			When: func(f *compliance.Flags) error { return f.Acknowledge(deBoss, id, "noted") }, Then: []domain.Payload{acked}},
		{Name: "acknowledge an unknown flag", Given: []domain.Payload{raised},
			When:   func(f *compliance.Flags) error { return f.Acknowledge(deBoss, unknown, "") },
			Reject: compliance.CodeUnknownFlag, Kind: domain.ErrNotFound},
		{Name: "acknowledge twice", Given: []domain.Payload{raised, acked},
			When:   func(f *compliance.Flags) error { return f.Acknowledge(deBoss, id, "") },
			Reject: compliance.CodeAlreadyAnswered, Kind: domain.ErrRejected},
		{Name: "dispute after acknowledging", Given: []domain.Payload{raised, acked},
			When:   func(f *compliance.Flags) error { return f.Dispute(deBoss, id, "changed our mind") },
			Reject: compliance.CodeAlreadyAnswered, Kind: domain.ErrRejected},
		{Name: "another agency disputes", Given: []domain.Payload{raised, acked},
			When: func(f *compliance.Flags) error { return f.Dispute(frBoss, id, "the border line is wrong") },
			Then: []domain.Payload{disputed}},
		{Name: "dispute needs a note", Given: []domain.Payload{raised},
			When: func(f *compliance.Flags) error { return f.Dispute(frBoss, id, "") }, Invalid: []string{"note"}},
		{Name: "answer a cleared flag", Given: []domain.Payload{raised, cleared},
			When:   func(f *compliance.Flags) error { return f.Acknowledge(deBoss, id, "") },
			Reject: compliance.CodeFlagCleared, Kind: domain.ErrRejected},
		{Name: "zero meta", When: func(f *compliance.Flags) error { return f.Raise(domain.Meta{}, flag) }, Invalid: []string{"meta"}},
	})
}

func TestFlagReadsBack(t *testing.T) {
	op := dt.Operation(1)
	evidence := []compliance.EventRef{{Stream: "fieldlog-x", Revision: 3}}
	flag := compliance.Flag{ID: compliance.NewFlagID(compliance.RuleOutsideArea, evidence...), Rule: compliance.RuleOutsideArea,
		Evidence: evidence, Explanation: "outside", Language: "en"}
	f := dt.Given(t, compliance.New(op), &compliance.FlagRaised{OperationID: op, Flag: flag}).Aggregate()
	got, open, ok := f.Flag(flag.ID)
	if !ok || !open || got.Rule != compliance.RuleOutsideArea {
		t.Fatalf("Flag() = %+v, open %v, ok %v", got, open, ok)
	}
	if _, _, ok := f.Flag(compliance.NewFlagID(compliance.RuleApprehension)); ok {
		t.Error("an unknown flag reads as known")
	}
}

func TestNewFlagID(t *testing.T) {
	a := compliance.EventRef{Stream: "s", Revision: 1}
	b := compliance.EventRef{Stream: "s", Revision: 11}
	tests := []struct {
		name  string
		x, y  compliance.FlagID
		equal bool
	}{
		{"same rule and evidence", compliance.NewFlagID(compliance.RuleOutsideArea, a), compliance.NewFlagID(compliance.RuleOutsideArea, a), true},
		{"other rule", compliance.NewFlagID(compliance.RuleOutsideArea, a), compliance.NewFlagID(compliance.RuleOutsidePeriod, a), false},
		{"other evidence", compliance.NewFlagID(compliance.RuleOutsideArea, a), compliance.NewFlagID(compliance.RuleOutsideArea, b), false},
		{"evidence boundaries count", compliance.NewFlagID(compliance.RuleOutsideArea, compliance.EventRef{Stream: "s1", Revision: 1}),
			compliance.NewFlagID(compliance.RuleOutsideArea, compliance.EventRef{Stream: "s", Revision: 11}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.x.Valid() || !tt.y.Valid() {
				t.Fatalf("invalid IDs %q %q", tt.x, tt.y)
			}
			if (tt.x == tt.y) != tt.equal {
				t.Errorf("%q vs %q: equal = %v, want %v", tt.x, tt.y, tt.x == tt.y, tt.equal)
			}
		})
	}
}
