package catalog_test

import (
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// auditTour has the French commander permit judicial use of an H1 report
// of unit 8 in operation 1, and an investigator read the operation's
// history.
func auditTour(t *testing.T, do func(domain.Aggregate, error), crew, frBoss, investigator domain.Meta) {
	t.Helper()
	h1 := dt.Must(marking.New(marking.Spec{Originator: frBoss.Actor().Agency, TLP: marking.TLPAmber,
		Handling: []marking.HandlingCode{marking.H1}, Evaluation: dt.Must(marking.ParseEvaluation("B2"))}))
	l := fieldlog.New(dt.Operation(1), dt.Unit(8))
	do(l, l.ReportObservation(crew, fieldlog.Entry{ID: dt.Report(101), Marking: h1}, fieldlog.Observation{Text: "handover of a bag"}))
	do(l, l.PermitJudicialUse(frBoss, dt.Report(102), dt.Report(101), "Parquet de Strasbourg 25/117", "hearing on 12 May"))

	tr := audit.New(dt.Operation(1))
	do(tr, tr.RecordAccess(investigator, audit.Access{What: audit.KindBoardAsOf, Role: "investigator", Purpose: "Oversight request OR-2025-3",
		Parameters: map[string]string{"as_of": "42", "as_agency": frBoss.Actor().Agency.String()}}))
}
