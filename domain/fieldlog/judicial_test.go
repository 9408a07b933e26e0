package fieldlog_test

import (
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

func TestPermitJudicialUse(t *testing.T) {
	h1 := dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPAmber, Handling: []marking.HandlingCode{marking.H1}, Evaluation: b2}))
	h1Lead := dt.Must(marking.New(marking.Spec{Originator: lead, TLP: marking.TLPAmber, Handling: []marking.HandlingCode{marking.H1}, Evaluation: b2}))
	restricted := &fieldlog.PositionReported{Header: fieldlog.Header{ReportID: dt.Report(1), OperationID: opID, UnitID: unit, Marking: h1},
		Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}}
	leadsOwn := &fieldlog.PositionReported{Header: fieldlog.Header{ReportID: dt.Report(1), OperationID: opID, UnitID: unit, Marking: h1Lead},
		Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}}
	ownBoss := domain.Actor{Agency: own, Person: dt.Person(12)}
	permitted := &fieldlog.JudicialUsePermitted{ReportID: dt.Report(2), OperationID: opID, UnitID: unit, Report: dt.Report(1),
		CaseReference: "Staatsanwaltschaft Kehl 4 Js 117/25", Note: "for the hearing of 12 May"}
	relaxed := &fieldlog.MarkingRelaxed{ReportID: dt.Report(3), OperationID: opID, UnitID: unit, Report: dt.Report(1), From: h1, To: green}
	permit := func(a domain.Actor, id, report uint64, caseRef, note string) func(*fieldlog.Log) error {
		return func(l *fieldlog.Log) error {
			return l.PermitJudicialUse(now(t, a), dt.Report(id), dt.Report(report), caseRef, note)
		}
	}
	const caseRef = "Staatsanwaltschaft Kehl 4 Js 117/25"

	dt.Run(t, newLog, []dt.Case[*fieldlog.Log]{
		{Name: "the originator permits judicial use of an H1 report", Given: ps(restricted),
			When: permit(ownBoss, 2, 1, caseRef, "for the hearing of 12 May"), Then: ps(permitted)},
		{Name: "a note is optional", Given: ps(restricted), When: permit(ownBoss, 2, 1, caseRef, ""),
			Then: ps(&fieldlog.JudicialUsePermitted{ReportID: dt.Report(2), OperationID: opID, UnitID: unit, Report: dt.Report(1), CaseReference: caseRef})},
		{Name: "permitting twice is refused", Given: ps(restricted, permitted), When: permit(ownBoss, 4, 1, "another case", ""),
			Reject: fieldlog.CodeJudicialUseAlreadyPermitted, Kind: domain.ErrRejected},
		{Name: "another agency may not permit", Given: ps(restricted), When: permit(leadHQ, 2, 1, caseRef, ""),
			Reject: fieldlog.CodeNotOriginator, Kind: domain.ErrForbidden},
		{Name: "the originator of a report filed in another agency's unit log permits it", Given: ps(leadsOwn),
			When: permit(leadHQ, 2, 1, caseRef, ""),
			Then: ps(&fieldlog.JudicialUsePermitted{ReportID: dt.Report(2), OperationID: opID, UnitID: unit, Report: dt.Report(1), CaseReference: caseRef})},
		{Name: "a report without H1 needs no permission", Given: ps(positioned(1, pt)), When: permit(ownBoss, 2, 1, caseRef, ""),
			Reject: fieldlog.CodeNotJudiciallyRestricted, Kind: domain.ErrRejected},
		{Name: "a report relaxed out of H1 needs no permission", Given: ps(restricted, relaxed), When: permit(ownBoss, 4, 1, caseRef, ""),
			Reject: fieldlog.CodeNotJudiciallyRestricted, Kind: domain.ErrRejected},
		{Name: "the report must be in the log", When: permit(ownBoss, 2, 1, caseRef, ""),
			Reject: fieldlog.CodeReportUnknown, Kind: domain.ErrNotFound},
		{Name: "a retraction is not a report", Given: ps(restricted, retracted(2, 1)), When: permit(ownBoss, 3, 2, caseRef, ""),
			Reject: fieldlog.CodeNotAReport, Kind: domain.ErrRejected},
		{Name: "a permission is not a report", Given: ps(restricted, permitted), When: permit(ownBoss, 4, 2, caseRef, ""),
			Reject: fieldlog.CodeNotAReport, Kind: domain.ErrRejected},
		{Name: "the permission's ID must be new", Given: ps(restricted), When: permit(ownBoss, 1, 1, caseRef, ""),
			Reject: fieldlog.CodeDuplicateReport, Kind: domain.ErrRejected},
		{Name: "IDs and a case reference are required", Given: ps(restricted),
			When: func(l *fieldlog.Log) error {
				return l.PermitJudicialUse(now(t, ownBoss), domain.ReportID{}, domain.ReportID{}, " ", "")
			},
			Invalid: []string{"id", "report", "case_reference"}},
		{Name: "the case reference and the note are bounded", Given: ps(restricted),
			When:    permit(ownBoss, 2, 1, strings.Repeat("x", domain.MaxName+1), "bad \x00"),
			Invalid: []string{"case_reference", "note"}},
		{Name: "zero meta", Given: ps(restricted),
			When: func(l *fieldlog.Log) error {
				return l.PermitJudicialUse(domain.Meta{}, dt.Report(2), dt.Report(1), caseRef, "")
			},
			Invalid: []string{"meta"}},
	})
}

func TestJudicialUsePermittedReadsBack(t *testing.T) {
	h1 := dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPAmber, Handling: []marking.HandlingCode{marking.H1}, Evaluation: b2}))
	restricted := &fieldlog.PositionReported{Header: fieldlog.Header{ReportID: dt.Report(1), OperationID: opID, UnitID: unit, Marking: h1},
		Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}}
	permitted := &fieldlog.JudicialUsePermitted{ReportID: dt.Report(2), OperationID: opID, UnitID: unit, Report: dt.Report(1), CaseReference: "c"}

	l := dt.Given(t, newLog(), restricted).Aggregate()
	if l.JudicialUsePermitted(dt.Report(1)) {
		t.Fatal("judicial use permitted before any permission")
	}
	l = dt.Given(t, newLog(), restricted, permitted).Aggregate()
	if !l.JudicialUsePermitted(dt.Report(1)) {
		t.Error("judicial use not permitted after the permission")
	}
	if l.JudicialUsePermitted(dt.Report(2)) || l.JudicialUsePermitted(dt.Report(9)) {
		t.Error("the permission itself, or an unknown report, reads as permitted")
	}

	// Snapshots keep the permission: a second one is still refused after a
	// restore.
	ownBoss := domain.Actor{Agency: own, Person: dt.Person(12)}
	dt.CheckSnapshots(t, newLog, ps(restricted, permitted), []func(*fieldlog.Log) error{
		func(l *fieldlog.Log) error {
			return l.PermitJudicialUse(now(t, ownBoss), dt.Report(3), dt.Report(1), "again", "")
		},
	})
}
