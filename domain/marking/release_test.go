package marking_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
)

// The cast of TestMayView. Agency 1 originates every item; agencies 1, 2, 3
// and 5 take part in the operation. Lists name agency 2 (a participant),
// agency 4 (an outsider) and state BE (agency 5's).
var (
	originator  = marking.Viewer{Agency: dt.Agency(1), State: dt.State("DE")}
	partNamed   = marking.Viewer{Agency: dt.Agency(2), State: dt.State("FR")}
	partOther   = marking.Viewer{Agency: dt.Agency(3), State: dt.State("AT")}
	partByState = marking.Viewer{Agency: dt.Agency(5), State: dt.State("BE")}
	outNamed    = marking.Viewer{Agency: dt.Agency(4), State: dt.State("NL")}
	outOther    = marking.Viewer{Agency: dt.Agency(6), State: dt.State("PL")}
	anonymous   = marking.Viewer{}

	participants = []domain.AgencyID{dt.Agency(1), dt.Agency(2), dt.Agency(3), dt.Agency(5)}
)

func TestMayView(t *testing.T) {
	named := recipients([]uint64{2, 4}, "BE")
	viewers := []struct {
		name string
		v    marking.Viewer
	}{
		{"originator", originator}, {"named participant", partNamed}, {"other participant", partOther},
		{"participant named by state", partByState}, {"named outsider", outNamed},
		{"other outsider", outOther}, {"anonymous", anonymous},
	}
	tests := []struct {
		name string
		m    marking.Marking
		// want is indexed like viewers.
		want [7]bool
	}{
		{name: "CLEAR: anyone", m: mark(marking.TLPClear, marking.Recipients{}),
			want: [7]bool{true, true, true, true, true, true, true}},
		{name: "GREEN: all participants", m: mark(marking.TLPGreen, marking.Recipients{}),
			want: [7]bool{true, true, true, true, false, false, false}},
		{name: "AMBER without list: all participants", m: mark(marking.TLPAmber, marking.Recipients{}),
			want: [7]bool{true, true, true, true, false, false, false}},
		{name: "AMBER with list: participants it names", m: mark(marking.TLPAmber, named),
			want: [7]bool{true, true, false, true, false, false, false}},
		{name: "AMBER+STRICT: originator only", m: mark(marking.TLPAmberStrict, marking.Recipients{}),
			want: [7]bool{true, false, false, false, false, false, false}},
		{name: "RED with list: named recipients, outsiders too", m: mark(marking.TLPRed, named),
			want: [7]bool{true, true, false, true, true, false, false}},
		{name: "RED without list: originator only", m: mark(marking.TLPRed, marking.Recipients{}),
			want: [7]bool{true, false, false, false, false, false, false}},
		{name: "handling codes do not restrict viewing", m: mark(marking.TLPGreen, marking.Recipients{}, marking.H0, marking.H2),
			want: [7]bool{true, true, true, true, false, false, false}},
		{name: "unset marking: nobody", m: marking.Marking{}},
	}
	for _, tt := range tests {
		for i, v := range viewers {
			t.Run(tt.name+"/"+v.name, func(t *testing.T) {
				if got := marking.MayView(tt.m, v.v, participants); got != tt.want[i] {
					t.Errorf("MayView = %v, want %v", got, tt.want[i])
				}
			})
		}
	}
}

func TestMayViewParticipantsMatter(t *testing.T) {
	green := mark(marking.TLPGreen, marking.Recipients{})
	tests := []struct {
		name         string
		m            marking.Marking
		v            marking.Viewer
		participants []domain.AgencyID
		want         bool
	}{
		{name: "originator sees its own item in an operation it left", m: green, v: originator, want: true},
		{name: "a participant that left no longer sees GREEN", m: green, v: partOther,
			participants: []domain.AgencyID{dt.Agency(1)}},
		{name: "an agency that joined sees GREEN", m: green, v: outOther,
			participants: append([]domain.AgencyID{dt.Agency(6)}, participants...), want: true},
		{name: "an AMBER list does not admit an outsider it names", m: mark(marking.TLPAmber, recipients([]uint64{4})),
			v: outNamed, participants: participants},
		{name: "a viewer without state is matched by agency", m: mark(marking.TLPRed, recipients([]uint64{4})),
			v: marking.Viewer{Agency: dt.Agency(4)}, want: true},
		{name: "a viewer without agency is not matched by state", m: mark(marking.TLPRed, recipients(nil, "NL")),
			v: marking.Viewer{State: dt.State("NL")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := marking.MayView(tt.m, tt.v, tt.participants); got != tt.want {
				t.Errorf("MayView = %v, want %v", got, tt.want)
			}
		})
	}
}
