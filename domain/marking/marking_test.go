package marking_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
)

var (
	b2 = dt.Must(marking.ParseEvaluation("B2"))
	a1 = dt.Must(marking.ParseEvaluation("A1"))
)

func recipients(agencies []uint64, states ...string) marking.Recipients {
	var as []domain.AgencyID
	for _, n := range agencies {
		as = append(as, dt.Agency(n))
	}
	var ss []domain.StateCode
	for _, s := range states {
		ss = append(ss, dt.State(s))
	}
	return dt.Must(marking.NewRecipients(as, ss))
}

// mark builds a valid marking originated by agency 1 and graded B2.
func mark(tlp marking.TLP, to marking.Recipients, codes ...marking.HandlingCode) marking.Marking {
	s := marking.Spec{Originator: dt.Agency(1), TLP: tlp, Handling: codes, ReleasableTo: to, Evaluation: b2}
	for _, c := range codes {
		if c == marking.H3 {
			s.H3Text = "not to be shared with the press"
		}
	}
	return dt.Must(marking.New(s))
}

func TestNew(t *testing.T) {
	valid := marking.Spec{Originator: dt.Agency(1), TLP: marking.TLPAmber, Evaluation: b2}
	tests := []struct {
		name string
		edit func(*marking.Spec)
		bad  []string
	}{
		{name: "minimal", edit: func(*marking.Spec) {}},
		{name: "all handling codes", edit: func(s *marking.Spec) {
			s.Handling = []marking.HandlingCode{marking.H3, marking.H0, marking.H1, marking.H2, marking.H1}
			s.H3Text = "embargoed until the trial"
		}},
		{name: "RED with recipients", edit: func(s *marking.Spec) {
			s.TLP, s.ReleasableTo = marking.TLPRed, recipients([]uint64{2})
		}},
		{name: "AMBER narrowed", edit: func(s *marking.Spec) { s.ReleasableTo = recipients(nil, "FR") }},
		{name: "no originator", edit: func(s *marking.Spec) { s.Originator = domain.AgencyID{} }, bad: []string{"originator"}},
		{name: "no TLP", edit: func(s *marking.Spec) { s.TLP = 0 }, bad: []string{"tlp"}},
		{name: "unknown TLP", edit: func(s *marking.Spec) { s.TLP = 9 }, bad: []string{"tlp"}},
		{name: "unknown handling code", edit: func(s *marking.Spec) {
			s.Handling = []marking.HandlingCode{marking.H1, 7}
		}, bad: []string{"handling[1]"}},
		{name: "H3 without text", edit: func(s *marking.Spec) { s.Handling = []marking.HandlingCode{marking.H3} }, bad: []string{"h3_text"}},
		{name: "text without H3", edit: func(s *marking.Spec) { s.H3Text = "why" }, bad: []string{"h3_text"}},
		{name: "GREEN takes no list", edit: func(s *marking.Spec) {
			s.TLP, s.ReleasableTo = marking.TLPGreen, recipients([]uint64{2})
		}, bad: []string{"releasable_to"}},
		{name: "AMBER+STRICT takes no list", edit: func(s *marking.Spec) {
			s.TLP, s.ReleasableTo = marking.TLPAmberStrict, recipients([]uint64{2})
		}, bad: []string{"releasable_to"}},
		{name: "CLEAR takes no list", edit: func(s *marking.Spec) {
			s.TLP, s.ReleasableTo = marking.TLPClear, recipients(nil, "DE")
		}, bad: []string{"releasable_to"}},
		{name: "no evaluation", edit: func(s *marking.Spec) { s.Evaluation = marking.Evaluation{} }, bad: []string{"evaluation"}},
		{name: "everything wrong at once", edit: func(s *marking.Spec) { *s = marking.Spec{} },
			bad: []string{"originator", "tlp", "evaluation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid
			tt.edit(&s)
			m, err := marking.New(s)
			if len(tt.bad) == 0 {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if m.TLP() != s.TLP || m.Originator() != s.Originator || m.Evaluation() != s.Evaluation {
					t.Errorf("New(%+v) = %+v", s, m.Spec())
				}
				return
			}
			var v *domain.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("New: %v, want a validation error", err)
			}
			for _, f := range tt.bad {
				found := false
				for _, p := range v.Problems {
					found = found || p.Field == f
				}
				if !found {
					t.Errorf("no problem with %q in %v", f, err)
				}
			}
		})
	}
}

func TestNewCanonicalisesHandlingAndRecipients(t *testing.T) {
	m := mark(marking.TLPRed, recipients([]uint64{3, 2, 3}, "FR", "BE", "FR"), marking.H2, marking.H0, marking.H2)
	n := mark(marking.TLPRed, recipients([]uint64{2, 3}, "BE", "FR"), marking.H0, marking.H2)
	if !m.Equal(n) {
		t.Fatalf("%+v and %+v should be equal", m.Spec(), n.Spec())
	}
	if got := m.Handling(); len(got) != 2 || got[0] != marking.H0 || got[1] != marking.H2 {
		t.Errorf("Handling() = %v, want [H0 H2]", got)
	}
}

func TestMarkingJSON(t *testing.T) {
	tests := []struct {
		name string
		m    marking.Marking
	}{
		{name: "AMBER plain", m: mark(marking.TLPAmber, marking.Recipients{})},
		{name: "RED with everything", m: mark(marking.TLPRed, recipients([]uint64{2, 4}, "BE"), marking.H1, marking.H3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.m)
			if err != nil {
				t.Fatal(err)
			}
			var back marking.Marking
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal %s: %v", b, err)
			}
			if !back.Equal(tt.m) {
				t.Errorf("round trip of %s gave %+v", b, back.Spec())
			}
		})
	}
	const want = `{"originator":"00000000-0000-4000-8000-000000000001","tlp":"AMBER+STRICT","handling":["H0"],"evaluation":"B2"}`
	if b, _ := json.Marshal(mark(marking.TLPAmberStrict, marking.Recipients{}, marking.H0)); string(b) != want {
		t.Errorf("marshal = %s, want %s", b, want)
	}

	bad := []struct{ name, in string }{
		{name: "unknown label", in: `{"originator":"00000000-0000-4000-8000-000000000001","tlp":"PURPLE","evaluation":"B2"}`},
		{name: "missing label", in: `{"originator":"00000000-0000-4000-8000-000000000001","evaluation":"B2"}`},
		{name: "bad evaluation", in: `{"originator":"00000000-0000-4000-8000-000000000001","tlp":"GREEN","evaluation":"D2"}`},
		{name: "list on GREEN", in: `{"originator":"00000000-0000-4000-8000-000000000001","tlp":"GREEN","evaluation":"B2","releasable_to":{"states":["FR"]}}`},
		{name: "bad state in list", in: `{"originator":"00000000-0000-4000-8000-000000000001","tlp":"RED","evaluation":"B2","releasable_to":{"states":["fr"]}}`},
		{name: "nil originator", in: `{"originator":"00000000-0000-0000-0000-000000000000","tlp":"GREEN","evaluation":"B2"}`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			var m marking.Marking
			if err := json.Unmarshal([]byte(tt.in), &m); err == nil {
				t.Errorf("accepted %s", tt.in)
			}
		})
	}
}

func TestParseLabels(t *testing.T) {
	tlps := []struct {
		in   string
		want marking.TLP
		ok   bool
	}{
		{"CLEAR", marking.TLPClear, true}, {"GREEN", marking.TLPGreen, true}, {"AMBER", marking.TLPAmber, true},
		{"AMBER+STRICT", marking.TLPAmberStrict, true}, {"RED", marking.TLPRed, true},
		{"WHITE", 0, false}, {"amber", 0, false}, {"", 0, false},
	}
	for _, tt := range tlps {
		got, err := marking.ParseTLP(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseTLP(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok && got.String() != tt.in {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
	codes := []struct {
		in string
		ok bool
	}{{"H0", true}, {"H3", true}, {"H4", false}, {"h1", false}, {"H", false}}
	for _, tt := range codes {
		c, err := marking.ParseHandlingCode(tt.in)
		if (err == nil) != tt.ok || (tt.ok && c.String() != tt.in) {
			t.Errorf("ParseHandlingCode(%q) = %v, %v", tt.in, c, err)
		}
	}
	evals := []struct {
		in string
		ok bool
	}{{"A1", true}, {"X4", true}, {"C3", true}, {"D1", false}, {"A0", false}, {"A5", false}, {"B", false}, {"b2", false}}
	for _, tt := range evals {
		e, err := marking.ParseEvaluation(tt.in)
		if (err == nil) != tt.ok || (tt.ok && e.String() != tt.in) {
			t.Errorf("ParseEvaluation(%q) = %v, %v", tt.in, e, err)
		}
	}
}
