package fieldlog_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

type logCase = dt.Case[*fieldlog.Log]

func TestPositionReports(t *testing.T) {
	dt.Run(t, newLog, []logCase{
		{
			Name: "a unit reports its position",
			When: func(l *fieldlog.Log) error {
				return l.ReportPosition(now(t, crew), entry(1), fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS})
			},
			Then: ps(positioned(1, pt)),
		},
		{
			Name: "a report needs an ID, a marking, a point and a known source",
			When: func(l *fieldlog.Log) error {
				return l.ReportPosition(now(t, crew), fieldlog.Entry{}, fieldlog.Position{Source: "dowsing"})
			},
			Invalid: []string{"id", "marking", "point", "source"},
		},
		{
			Name:  "a report ID is used once in a log",
			Given: ps(positioned(1, pt)),
			When: func(l *fieldlog.Log) error {
				return l.ReportPosition(now(t, crew), entry(1), fieldlog.Position{Point: ptAlt, Source: fieldlog.SourceGPS})
			},
			Reject: fieldlog.CodeDuplicateReport,
		},
		{
			Name: "a unit files only its own agency's information",
			When: func(l *fieldlog.Log) error {
				return l.ReportPosition(now(t, crew), fieldlog.Entry{ID: dt.Report(1), Marking: leads},
					fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS})
			},
			Reject: fieldlog.CodeOriginatorMismatch, Kind: domain.ErrForbidden,
		},
	})
}

func TestSurveillance(t *testing.T) {
	handover := fieldlog.SurveillanceHandover{Activity: surv, ToAgency: dt.Agency(5)}
	ended := fieldlog.SurveillanceEnd{Activity: surv, Reason: fieldlog.EndAuthorisationExpired}
	dt.Run(t, newLog, []logCase{
		{
			Name: "start a surveillance",
			When: func(l *fieldlog.Log) error { return l.StartSurveillance(now(t, crew), entry(1), survStart) },
			Then: ps(survStarted(1)),
		},
		{
			Name:   "an activity ID starts once",
			Given:  ps(survStarted(1)),
			When:   func(l *fieldlog.Log) error { return l.StartSurveillance(now(t, crew), entry(2), survStart) },
			Reject: fieldlog.CodeActivityExists,
		},
		{
			Name: "a surveillance states target, offence and authorisation",
			When: func(l *fieldlog.Log) error {
				return l.StartSurveillance(now(t, crew), entry(1), fieldlog.SurveillanceStart{Authorisation: "hope"})
			},
			Invalid: []string{"activity", "target", "offence", "authorisation"},
		},
		{
			Name:  "hand a running surveillance over",
			Given: ps(survStarted(1)),
			When:  func(l *fieldlog.Log) error { return l.HandOverSurveillance(now(t, crew), entry(2), handover) },
			Then:  ps(&fieldlog.SurveillanceHandedOver{Header: header(2), SurveillanceHandover: handover}),
		},
		{
			Name:   "a surveillance that never started is not handed over",
			When:   func(l *fieldlog.Log) error { return l.HandOverSurveillance(now(t, crew), entry(2), handover) },
			Reject: fieldlog.CodeActivityUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:  "end a running surveillance",
			Given: ps(survStarted(1)),
			When:  func(l *fieldlog.Log) error { return l.EndSurveillance(now(t, crew), entry(2), ended) },
			Then:  ps(&fieldlog.SurveillanceEnded{Header: header(2), SurveillanceEnd: ended}),
		},
		{
			Name:   "a surveillance ends once",
			Given:  ps(survStarted(1), &fieldlog.SurveillanceHandedOver{Header: header(2), SurveillanceHandover: handover}),
			When:   func(l *fieldlog.Log) error { return l.EndSurveillance(now(t, crew), entry(3), ended) },
			Reject: fieldlog.CodeActivityEnded,
		},
		{
			Name:  "a pursuit is not ended as a surveillance",
			Given: ps(pursStarted(1)),
			When: func(l *fieldlog.Log) error {
				return l.EndSurveillance(now(t, crew), entry(2), fieldlog.SurveillanceEnd{Activity: purs, Reason: fieldlog.EndCompleted})
			},
			Reject: fieldlog.CodeActivityUnknown,
		},
	})
}

func TestPursuitAndCrossing(t *testing.T) {
	cease := fieldlog.PursuitCease{Activity: purs, Reason: fieldlog.CeaseHostRequest, Point: ptAlt}
	crossing := fieldlog.BorderCrossing{From: dt.State("DE"), To: dt.State("FR"), Point: pt, Mode: fieldlog.ModeLand, Activity: purs}
	dt.Run(t, newLog, []logCase{
		{
			Name: "start a pursuit",
			When: func(l *fieldlog.Log) error { return l.StartPursuit(now(t, crew), entry(1), pursStart) },
			Then: ps(pursStarted(1)),
		},
		{
			Name:  "a pursuit cannot reuse a surveillance's activity ID",
			Given: ps(survStarted(1)),
			When: func(l *fieldlog.Log) error {
				return l.StartPursuit(now(t, crew), entry(2), fieldlog.PursuitStart{Activity: surv, Grounds: fieldlog.GroundsEscaped, Offence: "o", Target: "t", Point: pt})
			},
			Reject: fieldlog.CodeActivityExists,
		},
		{
			Name: "a pursuit states grounds, offence, target and where it began",
			When: func(l *fieldlog.Log) error {
				return l.StartPursuit(now(t, crew), entry(1), fieldlog.PursuitStart{Activity: purs})
			},
			Invalid: []string{"grounds", "offence", "target", "point"},
		},
		{
			Name:  "cross the border during the pursuit",
			Given: ps(pursStarted(1)),
			When:  func(l *fieldlog.Log) error { return l.ReportBorderCrossing(now(t, crew), entry(2), crossing) },
			Then:  ps(&fieldlog.BorderCrossed{Header: header(2), BorderCrossing: crossing}),
		},
		{
			Name:   "a crossing names an activity of this log",
			When:   func(l *fieldlog.Log) error { return l.ReportBorderCrossing(now(t, crew), entry(2), crossing) },
			Reject: fieldlog.CodeActivityUnknown,
		},
		{
			Name: "a crossing goes from one state into another",
			When: func(l *fieldlog.Log) error {
				return l.ReportBorderCrossing(now(t, crew), entry(2), fieldlog.BorderCrossing{From: dt.State("DE"), To: dt.State("DE"), Point: pt, Mode: "tunnel"})
			},
			Invalid: []string{"to", "mode"},
		},
		{
			Name:  "cease the pursuit",
			Given: ps(pursStarted(1)),
			When:  func(l *fieldlog.Log) error { return l.CeasePursuit(now(t, crew), entry(2), cease) },
			Then:  ps(&fieldlog.PursuitCeased{Header: header(2), PursuitCease: cease}),
		},
		{
			Name:   "a pursuit ceases once",
			Given:  ps(pursStarted(1), &fieldlog.PursuitCeased{Header: header(2), PursuitCease: cease}),
			When:   func(l *fieldlog.Log) error { return l.CeasePursuit(now(t, crew), entry(3), cease) },
			Reject: fieldlog.CodeActivityEnded,
		},
	})
}

func TestHostNotification(t *testing.T) {
	ack := fieldlog.HostAcknowledgement{Notification: note, AcknowledgedBy: "CCPD Kehl, duty officer", Reference: "FR-2025-0113", Authorised: true}
	notified := &fieldlog.HostNotified{Header: header(2), HostNotification: notification}
	dt.Run(t, newLog, []logCase{
		{
			Name:  "notify the host authority",
			Given: ps(survStarted(1)),
			When:  func(l *fieldlog.Log) error { return l.NotifyHost(now(t, crew), entry(2), notification) },
			Then:  ps(notified),
		},
		{
			Name:   "a notification ID is used once",
			Given:  ps(survStarted(1), notified),
			When:   func(l *fieldlog.Log) error { return l.NotifyHost(now(t, crew), entry(3), notification) },
			Reject: fieldlog.CodeNotificationExists,
		},
		{
			Name: "a notification names host, authority, channel and says something",
			When: func(l *fieldlog.Log) error {
				return l.NotifyHost(now(t, crew), entry(2), fieldlog.HostNotification{Channel: "smoke"})
			},
			Invalid: []string{"notification", "host_state", "authority", "channel", "text"},
		},
		{
			Name:  "record the host's acknowledgement",
			Given: ps(survStarted(1), notified),
			When:  func(l *fieldlog.Log) error { return l.AcknowledgeHostNotification(now(t, crew), entry(3), ack) },
			Then:  ps(&fieldlog.HostNotificationAcknowledged{Header: header(3), HostAcknowledgement: ack}),
		},
		{
			Name:   "an acknowledgement answers a notification of this log",
			When:   func(l *fieldlog.Log) error { return l.AcknowledgeHostNotification(now(t, crew), entry(3), ack) },
			Reject: fieldlog.CodeNotificationUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name: "a notification is acknowledged once",
			Given: ps(survStarted(1), notified,
				&fieldlog.HostNotificationAcknowledged{Header: header(3), HostAcknowledgement: ack}),
			When:   func(l *fieldlog.Log) error { return l.AcknowledgeHostNotification(now(t, crew), entry(4), ack) },
			Reject: fieldlog.CodeNotificationAcked,
		},
	})
}

func TestCustody(t *testing.T) {
	handover := fieldlog.PersonHandover{Subject: subj, ToAgency: dt.Agency(5)}
	apprehended := &fieldlog.PersonApprehended{Header: header(1), Apprehension: apprehension}
	handedOver := &fieldlog.PersonHandedOver{Header: header(2), PersonHandover: handover}
	seizure := fieldlog.Seizure{CustodyID: "DE-BPOL-2025-0042", Description: "2 kg cocaine", Subject: subj}
	dt.Run(t, newLog, []logCase{
		{
			Name: "apprehend a person",
			When: func(l *fieldlog.Log) error { return l.ReportApprehension(now(t, crew), entry(1), apprehension) },
			Then: ps(apprehended),
		},
		{
			Name:   "a person in custody is not apprehended again",
			Given:  ps(apprehended),
			When:   func(l *fieldlog.Log) error { return l.ReportApprehension(now(t, crew), entry(2), apprehension) },
			Reject: fieldlog.CodeSubjectInCustody,
		},
		{
			Name:  "hand the person over",
			Given: ps(apprehended),
			When:  func(l *fieldlog.Log) error { return l.ReportPersonHandover(now(t, crew), entry(2), handover) },
			Then:  ps(handedOver),
		},
		{
			Name:   "only a person in custody is handed over",
			Given:  ps(apprehended, handedOver),
			When:   func(l *fieldlog.Log) error { return l.ReportPersonHandover(now(t, crew), entry(3), handover) },
			Reject: fieldlog.CodeSubjectNotInCustody,
		},
		{
			Name:  "a person who escaped may be apprehended again",
			Given: ps(apprehended, handedOver),
			When:  func(l *fieldlog.Log) error { return l.ReportApprehension(now(t, crew), entry(3), apprehension) },
			Then:  ps(&fieldlog.PersonApprehended{Header: header(3), Apprehension: apprehension}),
		},
		{
			Name: "an apprehension states subject, grounds and place",
			When: func(l *fieldlog.Log) error {
				return l.ReportApprehension(now(t, crew), entry(1), fieldlog.Apprehension{})
			},
			Invalid: []string{"subject", "grounds", "point"},
		},
		{
			Name: "seize an item",
			When: func(l *fieldlog.Log) error { return l.ReportSeizure(now(t, crew), entry(1), seizure) },
			Then: ps(&fieldlog.ItemSeized{Header: header(1), Seizure: seizure}),
		},
		{
			Name:   "a custody ID is used once",
			Given:  ps(&fieldlog.ItemSeized{Header: header(1), Seizure: seizure}),
			When:   func(l *fieldlog.Log) error { return l.ReportSeizure(now(t, crew), entry(2), seizure) },
			Reject: fieldlog.CodeCustodyIDReused,
		},
	})
}

func TestNarrativeReports(t *testing.T) {
	force := fieldlog.UseOfForce{Kind: fieldlog.ForceRestraint, Description: "Handcuffed after resisting", Subject: subj, Point: &pt}
	obs := fieldlog.Observation{Text: "Van with Dutch plates parked at the rest area", Point: &ptAlt}
	sitrep := fieldlog.Situation{Summary: "All quiet on sector A"}
	post := fieldlog.PostAction{Summary: "Surveillance handed to French officers at 10:40", Activities: []domain.ActivityID{surv}}
	dt.Run(t, newLog, []logCase{
		{
			Name: "report use of force",
			When: func(l *fieldlog.Log) error { return l.ReportUseOfForce(now(t, crew), entry(1), force) },
			Then: ps(&fieldlog.ForceUsed{Header: header(1), UseOfForce: force}),
		},
		{
			Name: "use of force states its kind and what happened",
			When: func(l *fieldlog.Log) error {
				return l.ReportUseOfForce(now(t, crew), entry(1), fieldlog.UseOfForce{Kind: "magic"})
			},
			Invalid: []string{"kind", "description"},
		},
		{
			Name: "report an observation",
			When: func(l *fieldlog.Log) error { return l.ReportObservation(now(t, crew), entry(1), obs) },
			Then: ps(&fieldlog.ObservationReported{Header: header(1), Observation: obs}),
		},
		{
			Name: "report the situation",
			When: func(l *fieldlog.Log) error { return l.ReportSituation(now(t, crew), entry(1), sitrep) },
			Then: ps(&fieldlog.SituationReported{Header: header(1), Situation: sitrep}),
		},
		{
			Name: "a situation report says something",
			When: func(l *fieldlog.Log) error {
				return l.ReportSituation(now(t, crew), entry(1), fieldlog.Situation{Summary: "\x00"})
			},
			Invalid: []string{"summary"},
		},
		{
			Name:  "file the post-action report of a surveillance",
			Given: ps(survStarted(1)),
			When:  func(l *fieldlog.Log) error { return l.ReportPostAction(now(t, crew), entry(2), post) },
			Then:  ps(&fieldlog.PostActionReported{Header: header(2), PostAction: post}),
		},
		{
			Name:   "a post-action report covers activities of this log",
			When:   func(l *fieldlog.Log) error { return l.ReportPostAction(now(t, crew), entry(2), post) },
			Reject: fieldlog.CodeActivityUnknown,
		},
	})
}

// TestLateReports: the field clock rules. A report delivered hours late is
// recorded, and its event says how late; one from the future is refused
// before it reaches the log.
func TestLateReports(t *testing.T) {
	pos := fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}
	late := dt.MetaAt(t, crew, dt.At(0), dt.At(3*time.Hour))
	r := dt.Given(t, newLog()).When(func(l *fieldlog.Log) error { return l.ReportPosition(late, entry(1), pos) }).Then(positioned(1, pt))
	ev := r.Events()[0]
	if !ev.Late() || ev.LateBy.Hours() != 3 || !ev.OccurredAt.Equal(dt.At(0)) || !ev.RecordedAt.Equal(dt.At(3*time.Hour)) {
		t.Errorf("late report recorded as late=%v by %s, occurred %s, recorded %s", ev.Late(), ev.LateBy, ev.OccurredAt, ev.RecordedAt)
	}

	onTime := dt.MetaAt(t, crew, dt.At(0), dt.At(30*time.Second))
	r = dt.Given(t, newLog()).When(func(l *fieldlog.Log) error { return l.ReportPosition(onTime, entry(1), pos) }).Then(positioned(1, pt))
	if ev := r.Events()[0]; ev.Late() {
		t.Errorf("report 30 s after the fact flagged late by %s", ev.LateBy)
	}

	_, err := domain.NewMeta(crew, dt.At(10*time.Minute), dt.At(0), domain.TimePolicy{})
	if code, _ := domain.CodeOf(err); code != domain.CodeOccurredInFuture {
		t.Errorf("a report from 10 minutes in the future: %v", err)
	}
}

// TestCorrectionsAndRetractions: nothing is deleted; corrections are new
// reports referencing the old one, retractions withdraw one.
func TestCorrectionsAndRetractions(t *testing.T) {
	pos := fieldlog.Position{Point: ptAlt, Source: fieldlog.SourceManual}
	corrected := &fieldlog.PositionReported{Header: correctionHeader(2, 1), Position: pos}
	otherAgency := domain.Actor{Agency: lead, Person: dt.Person(11)}
	relaxed := &fieldlog.MarkingRelaxed{ReportID: dt.Report(3), OperationID: opID, UnitID: unit, Report: dt.Report(1), From: amber, To: green}
	dt.Run(t, newLog, []logCase{
		{
			Name:  "correct a report with a new one of the same kind",
			Given: ps(positioned(1, pt)),
			When:  func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(2, 1), pos) },
			Then:  ps(corrected),
		},
		{
			Name:   "a correction refers to a report of this log",
			When:   func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(2, 1), pos) },
			Reject: fieldlog.CodeReportUnknown, Kind: domain.ErrNotFound,
		},
		{
			Name:  "a correction is of the same kind",
			Given: ps(positioned(1, pt)),
			When: func(l *fieldlog.Log) error {
				return l.ReportObservation(now(t, crew), correction(2, 1), fieldlog.Observation{Text: "sorry, that was a sighting"})
			},
			Reject: fieldlog.CodeCorrectionKind,
		},
		{
			Name:   "a report is corrected once; then its correction is corrected",
			Given:  ps(positioned(1, pt), corrected),
			When:   func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(3, 1), pos) },
			Reject: fieldlog.CodeAlreadyCorrected,
		},
		{
			Name:  "a correction of a correction",
			Given: ps(positioned(1, pt), corrected),
			When: func(l *fieldlog.Log) error {
				return l.ReportPosition(now(t, crew), correction(3, 2), fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS})
			},
			Then: ps(&fieldlog.PositionReported{Header: correctionHeader(3, 2), Position: fieldlog.Position{Point: pt, Source: fieldlog.SourceGPS}}),
		},
		{
			Name:   "a retracted report is not corrected",
			Given:  ps(positioned(1, pt), retracted(2, 1)),
			When:   func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(3, 1), pos) },
			Reject: fieldlog.CodeReportRetracted,
		},
		{
			Name:   "a retraction is not corrected",
			Given:  ps(positioned(1, pt), retracted(2, 1)),
			When:   func(l *fieldlog.Log) error { return l.ReportPosition(now(t, crew), correction(3, 2), pos) },
			Reject: fieldlog.CodeNotAReport,
		},
		{
			Name:  "only the originator corrects",
			Given: ps(positioned(1, pt)),
			When: func(l *fieldlog.Log) error {
				return l.ReportPosition(now(t, otherAgency), fieldlog.Entry{ID: dt.Report(2), Marking: leads, Corrects: dt.Report(1)}, pos)
			},
			Reject: fieldlog.CodeNotOriginator, Kind: domain.ErrForbidden,
		},
		{
			Name:  "a correction keeps the activity it is about",
			Given: ps(survStarted(1)),
			When: func(l *fieldlog.Log) error {
				s := survStart
				s.Activity = dt.Activity(9)
				return l.StartSurveillance(now(t, crew), correction(2, 1), s)
			},
			Reject: fieldlog.CodeCorrectionIdentity,
		},
		{
			Name: "a correction keeps the activity it is about, not another one of the log",
			Given: ps(survStarted(1), func() *fieldlog.SurveillanceStarted {
				other := survStarted(2)
				other.Activity = dt.Activity(3)
				return other
			}()),
			When: func(l *fieldlog.Log) error {
				s := survStart
				s.Activity = dt.Activity(3)
				return l.StartSurveillance(now(t, crew), correction(4, 1), s)
			},
			Reject: fieldlog.CodeCorrectionIdentity,
		},
		{
			Name:  "a correction of a start restates it: the activity is not started twice",
			Given: ps(survStarted(1)),
			When: func(l *fieldlog.Log) error {
				s := survStart
				s.Offence = "human trafficking"
				return l.StartSurveillance(now(t, crew), correction(2, 1), s)
			},
			Then: ps(&fieldlog.SurveillanceStarted{Header: correctionHeader(2, 1), SurveillanceStart: func() fieldlog.SurveillanceStart {
				s := survStart
				s.Offence = "human trafficking"
				return s
			}()}),
		},
		{
			Name:  "retract a report",
			Given: ps(positioned(1, pt)),
			When:  func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(2), dt.Report(1), "wrong unit") },
			Then:  ps(retracted(2, 1)),
		},
		{
			Name:   "a retraction is final: it is not retracted",
			Given:  ps(positioned(1, pt), retracted(2, 1)),
			When:   func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(3), dt.Report(2), "oops") },
			Reject: fieldlog.CodeRetractRetraction,
		},
		{
			Name:   "a report is retracted once",
			Given:  ps(positioned(1, pt), retracted(2, 1)),
			When:   func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(3), dt.Report(1), "again") },
			Reject: fieldlog.CodeReportRetracted,
		},
		{
			Name:   "a corrected report is retracted through its correction",
			Given:  ps(positioned(1, pt), corrected),
			When:   func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(3), dt.Report(1), "wrong") },
			Reject: fieldlog.CodeAlreadyCorrected,
		},
		{
			Name:   "a retraction refers to a report of this log",
			When:   func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(2), dt.Report(1), "wrong") },
			Reject: fieldlog.CodeReportUnknown,
		},
		{
			Name:  "only the originator retracts",
			Given: ps(positioned(1, pt)),
			When: func(l *fieldlog.Log) error {
				return l.Retract(now(t, otherAgency), dt.Report(2), dt.Report(1), "wrong")
			},
			Reject: fieldlog.CodeNotOriginator, Kind: domain.ErrForbidden,
		},
		{
			Name:   "a relaxation is not a report to retract",
			Given:  ps(positioned(1, pt), relaxed),
			When:   func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(4), dt.Report(3), "wrong") },
			Reject: fieldlog.CodeNotAReport,
		},
		{
			Name:    "a retraction gives its reason",
			Given:   ps(positioned(1, pt)),
			When:    func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(2), dt.Report(1), "") },
			Invalid: []string{"reason"},
		},
		{
			Name:   "a retraction's ID is new too",
			Given:  ps(positioned(1, pt)),
			When:   func(l *fieldlog.Log) error { return l.Retract(now(t, crew), dt.Report(1), dt.Report(1), "wrong") },
			Reject: fieldlog.CodeDuplicateReport,
		},
	})
}

func TestMarkingRelaxation(t *testing.T) {
	relaxed := &fieldlog.MarkingRelaxed{ReportID: dt.Report(3), OperationID: opID, UnitID: unit, Report: dt.Report(1), From: amber, To: green}
	red := dt.Must(marking.New(marking.Spec{Originator: own, TLP: marking.TLPRed, Evaluation: b2}))
	dt.Run(t, newLog, []logCase{
		{
			Name:  "the originator relaxes AMBER to GREEN",
			Given: ps(positioned(1, pt)),
			When:  func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(3), dt.Report(1), green) },
			Then:  ps(relaxed),
		},
		{
			Name:  "a second relaxation starts from the relaxed marking",
			Given: ps(positioned(1, pt), relaxed),
			When:  func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(4), dt.Report(1), clear) },
			Then: ps(&fieldlog.MarkingRelaxed{ReportID: dt.Report(4), OperationID: opID, UnitID: unit, Report: dt.Report(1),
				From: green, To: clear}),
		},
		{
			Name:   "and cannot go back to the old one",
			Given:  ps(positioned(1, pt), relaxed),
			When:   func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(4), dt.Report(1), amber) },
			Reject: marking.CodeNotRelaxation,
		},
		{
			Name:   "only towards less restrictive",
			Given:  ps(positioned(1, pt)),
			When:   func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(3), dt.Report(1), red) },
			Reject: marking.CodeNotRelaxation,
		},
		{
			Name:   "only by the originator",
			Given:  ps(positioned(1, pt)),
			When:   func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, leadHQ), dt.Report(3), dt.Report(1), green) },
			Reject: fieldlog.CodeNotOriginator, Kind: domain.ErrForbidden,
		},
		{
			Name:   "a retraction has no marking to relax",
			Given:  ps(positioned(1, pt), retracted(2, 1)),
			When:   func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(3), dt.Report(2), green) },
			Reject: fieldlog.CodeNotAReport,
		},
		{
			Name:   "an unknown report",
			When:   func(l *fieldlog.Log) error { return l.RelaxMarking(now(t, crew), dt.Report(3), dt.Report(1), green) },
			Reject: fieldlog.CodeReportUnknown,
		},
		{
			Name:  "a relaxation names the new marking",
			Given: ps(positioned(1, pt)),
			When: func(l *fieldlog.Log) error {
				return l.RelaxMarking(now(t, crew), dt.Report(3), dt.Report(1), marking.Marking{})
			},
			Invalid: []string{"marking"},
		},
	})
}

func TestLogReadsBack(t *testing.T) {
	l := dt.Given(t, newLog(),
		positioned(1, pt),
		&fieldlog.PositionReported{Header: correctionHeader(2, 1), Position: fieldlog.Position{Point: ptAlt, Source: fieldlog.SourceGPS}},
		&fieldlog.MarkingRelaxed{ReportID: dt.Report(3), OperationID: opID, UnitID: unit, Report: dt.Report(2), From: amber, To: green},
		positioned(4, pt), retracted(5, 4),
		survStarted(6), &fieldlog.PersonApprehended{Header: header(7), Apprehension: apprehension},
	).Aggregate()
	if !l.Superseded(dt.Report(1)) || l.Superseded(dt.Report(2)) {
		t.Error("report 1 is superseded by report 2, which is not")
	}
	if m, ok := l.Marking(dt.Report(2)); !ok || !m.Equal(green) {
		t.Errorf("marking of report 2 = %+v, want GREEN", m.Spec())
	}
	if m, ok := l.Marking(dt.Report(4)); !ok || !m.Equal(amber) {
		t.Errorf("marking of report 4 = %+v, want AMBER", m.Spec())
	}
	if _, ok := l.Marking(dt.Report(5)); ok {
		t.Error("a retraction has a marking")
	}
	if !l.Retracted(dt.Report(4)) || l.Retracted(dt.Report(1)) {
		t.Error("report 4 is retracted, report 1 is not")
	}
	if !l.ActivityOpen(surv) || l.ActivityOpen(purs) || !l.InCustody(subj) {
		t.Error("surveillance open, no pursuit, subject in custody")
	}
	if l.Stream() != "unitlog-"+opID.String()+"-"+unit.String() || fieldlog.OperationStreamPrefix(opID) != "unitlog-"+opID.String()+"-" {
		t.Errorf("stream %q", l.Stream())
	}
}

// TestEveryReportIsAReport keeps the Report interface honest: every report
// payload exposes its header.
func TestEveryReportIsAReport(t *testing.T) {
	var reg dt.Registry
	fieldlog.RegisterEvents(&reg)
	reports := 0
	for _, r := range reg.Registrations {
		p := r.New()
		_, isReport := p.(fieldlog.Report)
		switch r.Type {
		case fieldlog.ReportRetractedType, fieldlog.MarkingRelaxedType, fieldlog.JudicialUsePermittedType:
			if isReport {
				t.Errorf("%s should not be a Report", r.Type)
			}
		default:
			if !isReport {
				t.Errorf("%s is not a fieldlog.Report", r.Type)
			}
			reports++
		}
	}
	if reports != 16 {
		t.Errorf("%d report types, want 16", reports)
	}
}
