package catalog_test

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/state"
	"github.com/jointops/jointops/domain/task"
)

// tour drives every aggregate through a small joint operation, decision by
// decision, and returns every event raised, in order. Each step must be
// accepted.
func tour(t *testing.T) []domain.Event {
	t.Helper()
	var all []domain.Event
	do := func(agg domain.Aggregate, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("tour step on %s: %v", agg.Stream(), err)
		}
		all = append(all, agg.Changes()...)
		agg.Commit()
	}
	clock := dt.T0()
	at := func(a domain.Actor) domain.Meta {
		clock = clock.Add(time.Minute)
		return dt.Meta(t, a, clock)
	}
	poly := func(x0, y0, x1, y1 float64) orb.Polygon {
		return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
	}

	de, fr := dt.State("DE"), dt.State("FR")
	deA, frA, nlA := dt.Agency(1), dt.Agency(2), dt.Agency(3)
	admin := domain.Actor{Agency: deA, Person: dt.Person(1)}
	deCmd, frCmd, deNext := dt.PersonRef(11, 1), dt.PersonRef(12, 2), dt.PersonRef(13, 1)
	deBoss := domain.Actor{Agency: deA, Person: deCmd.Person()}
	frBoss := domain.Actor{Agency: frA, Person: frCmd.Person()}
	nlOfficer := domain.Actor{Agency: nlA, Person: dt.Person(31)}

	// Reference data.
	s := state.New(de)
	do(s, s.Register(at(admin), "Germany", dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{poly(6, 47, 15, 55)}))))
	do(s, s.RedrawTerritory(at(admin), dt.Must(geo.NewMultiPolygon(orb.MultiPolygon{poly(6, 47, 15, 55.1)}))))
	do(s, s.DeclareLandBorder(at(admin), fr, dt.Must(geo.NewLine(orb.LineString{{6, 47}, {6, 51}}))))

	a := agency.New(frA)
	frAdmin := domain.Actor{Agency: frA, Person: dt.Person(2)}
	do(a, a.Register(at(frAdmin), fr, "Police nationale", agency.KindPolice))
	cp := agency.ContactPoint{ID: dt.ContactPoint(1), Purpose: agency.PurposeSurveillanceNotification,
		Name: "CCPD Kehl", Channel: agency.ChannelPhone, Address: "+33 0 00 00 00 00"}
	do(a, a.DesignateContactPoint(at(frAdmin), cp))
	cp.ID = dt.ContactPoint(2)
	do(a, a.DesignateContactPoint(at(frAdmin), cp))
	do(a, a.WithdrawContactPoint(at(frAdmin), dt.ContactPoint(1)))

	// The operation: proposed, amended, agreed, activated.
	op := operation.New(dt.Operation(1))
	basis := []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm Decision 2008/615/JHA", "Art. 17"))}
	period := dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour)))
	do(op, op.Propose(at(deBoss), operation.Proposal{
		Purpose: "Joint patrols on the Rhine bridges", Lead: deA, Participants: []domain.AgencyID{deA, frA},
		HostStates: []domain.StateCode{de, fr}, LegalBasis: basis,
		Area: dt.Must(geo.NewPolygon(poly(7, 48, 8, 49))), Period: period,
	}))
	do(op, op.AddParticipant(at(deBoss), nlA))
	do(op, op.ChangeArea(at(deBoss), dt.Must(geo.NewPolygon(poly(7, 48, 8.5, 49)))))
	do(op, op.ChangePeriod(at(deBoss), dt.Must(domain.NewPeriod(dt.T0(), dt.At(96*time.Hour)))))
	do(op, op.ChangeLegalBasis(at(deBoss), append(basis, dt.Must(domain.NewLegalRef("CISA", "Art. 40")))))
	v := op.ArrangementVersion()
	for _, who := range []domain.Actor{deBoss, frBoss, nlOfficer} {
		do(op, op.Agree(at(who), v))
	}
	do(op, op.Activate(at(deBoss)))
	do(op, op.PlanOperationalPeriod(at(deBoss), dt.Must(domain.NewPeriod(dt.At(12*time.Hour), dt.At(24*time.Hour))),
		[]string{"Patrol the Europabrücke"}))
	do(op, op.AddObjective(at(deBoss), 1, "Check inbound vans"))

	// Command structure: seats, a transfer, the org tree, a span warning.
	do(op, op.EstablishPosition(at(deBoss), operation.PositionSpec{ID: dt.Position(1), Title: "Commander DE", CommandSeatOf: deA}))
	do(op, op.EstablishPosition(at(deBoss), operation.PositionSpec{ID: dt.Position(2), Title: "Commander FR", CommandSeatOf: frA}))
	do(op, op.FillPosition(at(deBoss), dt.Position(1), deCmd, dt.T0()))
	do(op, op.FillPosition(at(frBoss), dt.Position(2), frCmd, dt.T0()))
	do(op, op.TransferCommand(at(deBoss), operation.Transfer{Position: dt.Position(1), From: deCmd.Person(), To: deNext,
		BriefingRef: "ICS-201 #1", EffectiveAt: dt.At(8 * time.Hour), Notified: []domain.PersonRef{frCmd}}))
	for i := uint64(1); i <= operation.MaxSpanOfControl+1; i++ {
		do(op, op.AddOrgUnit(at(frBoss), operation.OrgUnit{ID: dt.OrgUnit(i), Kind: operation.KindSection, Name: "Section"}))
	}
	do(op, op.EstablishPosition(at(frBoss), operation.PositionSpec{ID: dt.Position(3), OrgUnit: dt.OrgUnit(1), Title: "Chief"}))
	do(op, op.FillPosition(at(frBoss), dt.Position(3), frCmd, dt.T0()))
	do(op, op.VacatePosition(at(frBoss), dt.Position(3), dt.At(time.Hour)))

	// Resources.
	unit, spare := dt.Unit(7), dt.Unit(8)
	frCrew := domain.Actor{Agency: frA, Unit: unit}
	for _, u := range []domain.UnitID{unit, spare} {
		do(op, op.CheckInResource(at(frBoss), operation.CheckIn{Unit: u, Agency: frA, Kind: operation.ResourceVehicle, CallSign: "Aigle", Personnel: 2}))
	}
	do(op, op.AssignResource(at(frBoss), unit, dt.OrgUnit(1)))
	do(op, op.MarkResourceOutOfService(at(frBoss), spare, "engine fault"))
	do(op, op.MarkResourceAvailable(at(frBoss), spare))
	do(op, op.CheckOutResource(at(frBoss), spare))

	// Tasking.
	terms := task.Terms{Objective: "Watch the bridge", Window: dt.Must(domain.NewPeriod(dt.At(12*time.Hour), dt.At(14*time.Hour)))}
	k := task.New(dt.Task(1))
	do(k, k.Issue(at(frBoss), op, unit, terms))
	do(k, k.Acknowledge(at(frCrew), 1))
	terms.Constraints = []string{"Stay on the French side"}
	do(k, k.Amend(at(frBoss), op, terms, "host request"))
	do(k, k.Acknowledge(at(frCrew), 2))
	do(k, k.Complete(at(frCrew), "Nothing to report"))
	k2 := task.New(dt.Task(2))
	do(k2, k2.Issue(at(frBoss), op, unit, terms))
	do(k2, k2.Cancel(at(frBoss), "not needed"))
	do(op, op.Suspend(at(frBoss), "flood warning"))
	do(op, op.Resume(at(frBoss)))

	// The unit's field log, late reports included.
	l := fieldlog.New(dt.Operation(1), unit)
	amber := dt.Must(marking.New(marking.Spec{Originator: frA, TLP: marking.TLPAmber, Handling: []marking.HandlingCode{marking.H3},
		H3Text: "not for the press", ReleasableTo: dt.Must(marking.NewRecipients([]domain.AgencyID{deA}, []domain.StateCode{de})),
		Evaluation: dt.Must(marking.ParseEvaluation("A1"))}))
	n := uint64(0)
	entry := func() fieldlog.Entry { n++; return fieldlog.Entry{ID: dt.Report(n), Marking: amber} }
	pt := dt.Must(geo.NewPoint(48.57, 7.8, geo.Altitude(140), geo.Accuracy(4)))
	late := dt.MetaAt(t, frCrew, dt.At(time.Hour), dt.At(5*time.Hour))
	surv, purs := dt.Activity(1), dt.Activity(2)
	do(l, l.ReportPosition(late, entry(), fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}))
	do(l, l.StartSurveillance(at(frCrew), entry(), fieldlog.SurveillanceStart{Activity: surv, Target: "grey van",
		Offence: "smuggling", Authorisation: fieldlog.AuthorisationUrgent, Point: &pt}))
	do(l, l.ReportBorderCrossing(at(frCrew), entry(), fieldlog.BorderCrossing{From: fr, To: de, Point: pt, Mode: fieldlog.ModeLand, Activity: surv}))
	do(l, l.NotifyHost(at(frCrew), entry(), fieldlog.HostNotification{Notification: dt.Notification(1), HostState: de,
		Authority: deA, ContactPoint: dt.ContactPoint(9), Channel: fieldlog.ChannelRadio, Activity: surv, Text: "crossing now"}))
	do(l, l.AcknowledgeHostNotification(at(frCrew), entry(), fieldlog.HostAcknowledgement{Notification: dt.Notification(1),
		AcknowledgedBy: "BPOL Kehl", Reference: "K-1", Authorised: true}))
	do(l, l.HandOverSurveillance(at(frCrew), entry(), fieldlog.SurveillanceHandover{Activity: surv, ToAgency: deA, ToUnit: dt.Unit(9)}))
	do(l, l.StartSurveillance(at(frCrew), entry(), fieldlog.SurveillanceStart{Activity: dt.Activity(3), Target: "t",
		Offence: "o", Authorisation: fieldlog.AuthorisationPrior, AuthorisationRef: "A-7"}))
	do(l, l.EndSurveillance(at(frCrew), entry(), fieldlog.SurveillanceEnd{Activity: dt.Activity(3), Reason: fieldlog.EndRequestedByHost}))
	do(l, l.StartPursuit(at(frCrew), entry(), fieldlog.PursuitStart{Activity: purs, Grounds: fieldlog.GroundsCaughtInAct,
		Offence: "robbery", Target: "motorbike", Point: pt}))
	do(l, l.ReportApprehension(at(frCrew), entry(), fieldlog.Apprehension{Subject: dt.Subject(1), Nationality: dt.State("NL"),
		Grounds: "caught in the act", Activity: purs, Point: pt}))
	do(l, l.CeasePursuit(at(frCrew), entry(), fieldlog.PursuitCease{Activity: purs, Reason: fieldlog.CeaseApprehended, Point: pt}))
	do(l, l.ReportUseOfForce(at(frCrew), entry(), fieldlog.UseOfForce{Kind: fieldlog.ForceRestraint, Description: "cuffed",
		Subject: dt.Subject(1), Point: &pt}))
	do(l, l.ReportSeizure(at(frCrew), entry(), fieldlog.Seizure{CustodyID: "FR-1", Description: "knife", Subject: dt.Subject(1)}))
	do(l, l.ReportPersonHandover(at(frCrew), entry(), fieldlog.PersonHandover{Subject: dt.Subject(1), ToAgency: deA, Point: &pt}))
	do(l, l.ReportObservation(at(frCrew), entry(), fieldlog.Observation{Text: "second van", Point: &pt}))
	do(l, l.ReportSituation(at(frCrew), entry(), fieldlog.Situation{Summary: "calm"}))
	sitrep := dt.Report(n)
	do(l, l.ReportPostAction(at(frCrew), entry(), fieldlog.PostAction{Summary: "done", Activities: []domain.ActivityID{surv, purs}}))
	correction := entry()
	correction.Corrects = sitrep
	do(l, l.ReportSituation(at(frCrew), correction, fieldlog.Situation{Summary: "calm, light rain"}))
	do(l, l.Retract(at(frCrew), dt.Report(n+1), dt.Report(1), "wrong fix"))
	n++
	green := dt.Must(marking.New(marking.Spec{Originator: frA, TLP: marking.TLPGreen, Evaluation: dt.Must(marking.ParseEvaluation("A1"))}))
	do(l, l.RelaxMarking(at(frCrew), dt.Report(n+1), dt.Report(2), green))

	do(op, op.Close(at(frBoss), "objectives met"))
	agreementTour(t, do, at(admin))
	complianceTour(t, do, at(admin), at(deBoss), at(frBoss))
	auditTour(t, do, at(domain.Actor{Agency: frA, Unit: spare}), at(frBoss), at(domain.Actor{Agency: deA, Person: dt.Person(41)}))
	return all
}
