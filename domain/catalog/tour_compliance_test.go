package catalog_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
)

// complianceTour raises two flags on operation 1, clears one and has two
// commanders answer the other; the French commander asks unit 1 to stop.
func complianceTour(t *testing.T, do func(domain.Aggregate, error), system, deBoss, frBoss domain.Meta) {
	t.Helper()
	f := compliance.New(dt.Operation(1))
	flag := func(rule compliance.Rule, revision uint64) compliance.Flag {
		ev := []compliance.EventRef{{Stream: "fieldlog-1", Revision: revision}}
		return compliance.Flag{ID: compliance.NewFlagID(rule, ev...), Rule: rule, Unit: dt.Unit(1), Evidence: ev,
			Explanation: "demo flag", Language: "en"}
	}
	outside, late := flag(compliance.RuleOutsideArea, 1), flag(compliance.RuleNotificationMissing, 2)
	do(f, f.Raise(system, outside))
	do(f, f.Raise(system, late))
	do(f, f.Clear(system, late.ID, []compliance.EventRef{{Stream: "fieldlog-1", Revision: 3}}, "notified in time, delivered late"))
	do(f, f.Acknowledge(deBoss, outside.ID, "noted"))
	do(f, f.Dispute(frBoss, outside.ID, "the area was amended"))
	do(f, f.RequestStop(frBoss, dt.State("FR"), []domain.UnitID{dt.Unit(1)}, "the suspect is in custody in France"))
}
