package marking_test

import (
	"fmt"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
)

// A projection building each agency's board asks, per item and agency,
// whether the item is released to it.
func ExampleMayView() {
	bpol, police, customs, outsider := dt.Agency(1), dt.Agency(2), dt.Agency(3), dt.Agency(4)
	participants := []domain.AgencyID{bpol, police, customs}

	narrowed := dt.Must(marking.New(marking.Spec{
		Originator:   bpol,
		TLP:          marking.TLPAmber,
		ReleasableTo: dt.Must(marking.NewRecipients([]domain.AgencyID{police}, nil)),
		Evaluation:   dt.Must(marking.ParseEvaluation("B2")),
	}))
	for _, a := range []domain.AgencyID{bpol, police, customs, outsider} {
		fmt.Println(marking.MayView(narrowed, marking.Viewer{Agency: a}, participants))
	}
	// Output:
	// true
	// true
	// false
	// false
}
