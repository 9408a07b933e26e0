package marking_test

import (
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
)

func TestCheckRelaxation(t *testing.T) {
	none := marking.Recipients{}
	l2 := recipients([]uint64{2})
	l24 := recipients([]uint64{2, 4})
	regraded := dt.Must(marking.New(marking.Spec{Originator: dt.Agency(1), TLP: marking.TLPGreen, Evaluation: a1}))
	otherOriginator := dt.Must(marking.New(marking.Spec{Originator: dt.Agency(2), TLP: marking.TLPGreen, Evaluation: b2}))
	h3Reworded := dt.Must(marking.New(marking.Spec{Originator: dt.Agency(1), TLP: marking.TLPGreen,
		Handling: []marking.HandlingCode{marking.H3}, H3Text: "something else", Evaluation: b2}))

	tests := []struct {
		name     string
		by       uint64
		from, to marking.Marking
		want     domain.Code // empty: accepted
	}{
		{name: "RED to CLEAR", by: 1, from: mark(marking.TLPRed, l24), to: mark(marking.TLPClear, none)},
		{name: "AMBER+STRICT to GREEN", by: 1, from: mark(marking.TLPAmberStrict, none), to: mark(marking.TLPGreen, none)},
		{name: "AMBER+STRICT to AMBER with a list", by: 1, from: mark(marking.TLPAmberStrict, none), to: mark(marking.TLPAmber, l2)},
		{name: "AMBER with list to AMBER without", by: 1, from: mark(marking.TLPAmber, l2), to: mark(marking.TLPAmber, none)},
		{name: "AMBER list grows", by: 1, from: mark(marking.TLPAmber, l2), to: mark(marking.TLPAmber, l24)},
		{name: "AMBER to GREEN", by: 1, from: mark(marking.TLPAmber, l2), to: mark(marking.TLPGreen, none)},
		{name: "RED recipients added", by: 1, from: mark(marking.TLPRed, l2), to: mark(marking.TLPRed, l24)},
		{name: "RED without recipients to AMBER+STRICT", by: 1, from: mark(marking.TLPRed, none), to: mark(marking.TLPAmberStrict, none)},
		{name: "RED without recipients to GREEN", by: 1, from: mark(marking.TLPRed, none), to: mark(marking.TLPGreen, none)},
		{name: "handling code dropped", by: 1, from: mark(marking.TLPGreen, none, marking.H1, marking.H2),
			to: mark(marking.TLPGreen, none, marking.H2)},
		{name: "H3 dropped", by: 1, from: mark(marking.TLPGreen, none, marking.H3), to: mark(marking.TLPGreen, none)},

		{name: "not the originator", by: 2, from: mark(marking.TLPRed, l2), to: mark(marking.TLPClear, none),
			want: marking.CodeNotOriginator},
		{name: "originator changed", by: 1, from: mark(marking.TLPAmber, none), to: otherOriginator,
			want: marking.CodeOriginatorChanged},
		{name: "evaluation changed", by: 1, from: mark(marking.TLPAmber, none), to: regraded,
			want: marking.CodeEvaluationChanged},
		{name: "unchanged", by: 1, from: mark(marking.TLPAmber, l2), to: mark(marking.TLPAmber, l2),
			want: marking.CodeUnchanged},
		{name: "GREEN to AMBER", by: 1, from: mark(marking.TLPGreen, none), to: mark(marking.TLPAmber, none),
			want: marking.CodeNotRelaxation},
		{name: "CLEAR to GREEN", by: 1, from: mark(marking.TLPClear, none), to: mark(marking.TLPGreen, none),
			want: marking.CodeNotRelaxation},
		{name: "AMBER+STRICT to RED", by: 1, from: mark(marking.TLPAmberStrict, none), to: mark(marking.TLPRed, l24),
			want: marking.CodeNotRelaxation},
		{name: "handling code added", by: 1, from: mark(marking.TLPGreen, none, marking.H1),
			to: mark(marking.TLPClear, none, marking.H1, marking.H2), want: marking.CodeNotRelaxation},
		{name: "H3 reworded", by: 1, from: mark(marking.TLPGreen, none, marking.H3), to: h3Reworded,
			want: marking.CodeNotRelaxation},
		{name: "AMBER list shrinks", by: 1, from: mark(marking.TLPAmber, l24), to: mark(marking.TLPAmber, l2),
			want: marking.CodeNotRelaxation},
		{name: "AMBER narrowed from all participants", by: 1, from: mark(marking.TLPAmber, none), to: mark(marking.TLPAmber, l2),
			want: marking.CodeNotRelaxation},
		{name: "RED recipient removed", by: 1, from: mark(marking.TLPRed, l24), to: mark(marking.TLPRed, l2),
			want: marking.CodeNotRelaxation},
		{name: "RED with recipients to AMBER+STRICT drops them", by: 1, from: mark(marking.TLPRed, l2),
			to: mark(marking.TLPAmberStrict, none), want: marking.CodeNotRelaxation},
		{name: "RED with recipients to GREEN could drop an outsider", by: 1, from: mark(marking.TLPRed, l24),
			to: mark(marking.TLPGreen, none), want: marking.CodeNotRelaxation},
		{name: "RED with recipients to AMBER naming them could drop an outsider", by: 1, from: mark(marking.TLPRed, l24),
			to: mark(marking.TLPAmber, l24), want: marking.CodeNotRelaxation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := marking.CheckRelaxation(dt.Agency(tt.by), tt.from, tt.to)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckRelaxation: %v", err)
				}
				return
			}
			if code, _ := domain.CodeOf(err); code != tt.want {
				t.Fatalf("CheckRelaxation = %v, want %s", err, tt.want)
			}
			wantKind := domain.ErrRejected
			if tt.want == marking.CodeNotOriginator {
				wantKind = domain.ErrForbidden
			}
			if !errors.Is(err, wantKind) {
				t.Errorf("%v is not of kind %v", err, wantKind)
			}
		})
	}
}

// TestRelaxationNeverHides checks the promise of CheckRelaxation against
// MayView itself: for every pair of markings it accepts, every viewer of
// the cast who may see the old one may see the new one, with or without
// participants.
func TestRelaxationNeverHides(t *testing.T) {
	lists := []marking.Recipients{{}, recipients([]uint64{2}), recipients([]uint64{2, 4}, "BE"), recipients([]uint64{4})}
	var all []marking.Marking
	for tlp := marking.TLPClear; tlp <= marking.TLPRed; tlp++ {
		for _, l := range lists {
			if !l.IsEmpty() && tlp != marking.TLPRed && tlp != marking.TLPAmber {
				continue
			}
			all = append(all, mark(tlp, l), mark(tlp, l, marking.H1))
		}
	}
	cast := []marking.Viewer{originator, partNamed, partOther, partByState, outNamed, outOther, anonymous}
	accepted := 0
	for _, from := range all {
		for _, to := range all {
			if marking.CheckRelaxation(dt.Agency(1), from, to) != nil {
				continue
			}
			accepted++
			for _, ps := range [][]domain.AgencyID{participants, nil, {dt.Agency(4)}} {
				for _, v := range cast {
					if marking.MayView(from, v, ps) && !marking.MayView(to, v, ps) {
						t.Errorf("relaxing %+v to %+v hides it from %+v (participants %v)", from.Spec(), to.Spec(), v, ps)
					}
				}
			}
		}
	}
	if accepted == 0 {
		t.Fatal("no relaxation accepted: the test checks nothing")
	}
}
