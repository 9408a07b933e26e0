package httpapi

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
)

// Field reports: a unit files reports into its own log of the operation,
// one kind per route. Every report body is flat: the command fields, the
// entry (report_id, marking, corrects) and the fields of its kind. A
// correction is the same route with "corrects" naming the earlier report.

func (a *api) fieldLogRoutes() []route {
	const reports = "/v1/operations/{operation}/units/{unit}/reports"
	return []route{
		{"POST", reports + "/position", create[positionReportIn](a, (*positionReportIn).build, a.cmds.ReportPosition, reportLocation[fieldlog.Position])},
		{"POST", reports + "/border-crossing", create[borderCrossingReportIn](a, (*borderCrossingReportIn).build, a.cmds.ReportBorderCrossing, reportLocation[fieldlog.BorderCrossing])},
		{"POST", reports + "/host-notification", create[hostNotificationReportIn](a, (*hostNotificationReportIn).build, a.cmds.NotifyHost, reportLocation[fieldlog.HostNotification])},
		{"POST", reports + "/host-acknowledgement", create[hostAcknowledgementReportIn](a, (*hostAcknowledgementReportIn).build, a.cmds.AcknowledgeHostNotification, reportLocation[fieldlog.HostAcknowledgement])},
		{"POST", reports + "/surveillance-start", create[surveillanceStartReportIn](a, (*surveillanceStartReportIn).build, a.cmds.StartSurveillance, reportLocation[fieldlog.SurveillanceStart])},
		{"POST", reports + "/surveillance-handover", create[surveillanceHandoverReportIn](a, (*surveillanceHandoverReportIn).build, a.cmds.HandOverSurveillance, reportLocation[fieldlog.SurveillanceHandover])},
		{"POST", reports + "/surveillance-end", create[surveillanceEndReportIn](a, (*surveillanceEndReportIn).build, a.cmds.EndSurveillance, reportLocation[fieldlog.SurveillanceEnd])},
		{"POST", reports + "/pursuit-start", create[pursuitStartReportIn](a, (*pursuitStartReportIn).build, a.cmds.StartPursuit, reportLocation[fieldlog.PursuitStart])},
		{"POST", reports + "/pursuit-cease", create[pursuitCeaseReportIn](a, (*pursuitCeaseReportIn).build, a.cmds.CeasePursuit, reportLocation[fieldlog.PursuitCease])},
		{"POST", reports + "/apprehension", create[apprehensionReportIn](a, (*apprehensionReportIn).build, a.cmds.ReportApprehension, reportLocation[fieldlog.Apprehension])},
		{"POST", reports + "/person-handover", create[personHandoverReportIn](a, (*personHandoverReportIn).build, a.cmds.ReportPersonHandover, reportLocation[fieldlog.PersonHandover])},
		{"POST", reports + "/seizure", create[seizureReportIn](a, (*seizureReportIn).build, a.cmds.ReportSeizure, reportLocation[fieldlog.Seizure])},
		{"POST", reports + "/use-of-force", create[useOfForceReportIn](a, (*useOfForceReportIn).build, a.cmds.ReportUseOfForce, reportLocation[fieldlog.UseOfForce])},
		{"POST", reports + "/observation", create[observationReportIn](a, (*observationReportIn).build, a.cmds.ReportObservation, reportLocation[fieldlog.Observation])},
		{"POST", reports + "/situation", create[situationReportIn](a, (*situationReportIn).build, a.cmds.ReportSituation, reportLocation[fieldlog.Situation])},
		{"POST", reports + "/post-action", create[postActionReportIn](a, (*postActionReportIn).build, a.cmds.ReportPostAction, reportLocation[fieldlog.PostAction])},
		{"POST", reports + "/{report}/retract", command[retractionIn](a, (*retractionIn).build, a.cmds.Retract)},
		{"POST", reports + "/{report}/relax-marking", command[relaxationIn](a, (*relaxationIn).build, a.cmds.RelaxMarking)},
	}
}

// reportLocation is the path of a filed report.
func reportLocation[B any](in commands.Report[B]) string {
	return "/v1/operations/" + in.Operation.String() + "/units/" + in.Unit.String() + "/reports/" + in.Entry.ID.String()
}

// reportOf assembles a report command from the path, the entry and the
// body.
func reportOf[B any](r *http.Request, at time.Time, p *domain.Problems, e entryIn, body func(*domain.Problems) B) commands.Report[B] {
	return commands.Report[B]{
		Operation:  pathID[domain.OperationID](r, p, "operation"),
		Unit:       pathID[domain.UnitID](r, p, "unit"),
		OccurredAt: at,
		Entry:      e.build(p),
		Body:       body(p),
	}
}

type positionReportIn struct {
	commandIn
	entryIn
	positionIn
}

func (b *positionReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.Position] {
	return reportOf(r, at, p, b.entryIn, b.positionIn.build)
}

type borderCrossingReportIn struct {
	commandIn
	entryIn
	borderCrossingIn
}

func (b *borderCrossingReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.BorderCrossing] {
	return reportOf(r, at, p, b.entryIn, b.borderCrossingIn.build)
}

type hostNotificationReportIn struct {
	commandIn
	entryIn
	hostNotificationIn
}

func (b *hostNotificationReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.HostNotification] {
	return reportOf(r, at, p, b.entryIn, b.hostNotificationIn.build)
}

type hostAcknowledgementReportIn struct {
	commandIn
	entryIn
	hostAcknowledgementIn
}

func (b *hostAcknowledgementReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.HostAcknowledgement] {
	return reportOf(r, at, p, b.entryIn, b.hostAcknowledgementIn.build)
}

type surveillanceStartReportIn struct {
	commandIn
	entryIn
	surveillanceStartIn
}

func (b *surveillanceStartReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.SurveillanceStart] {
	return reportOf(r, at, p, b.entryIn, b.surveillanceStartIn.build)
}

type surveillanceHandoverReportIn struct {
	commandIn
	entryIn
	surveillanceHandoverIn
}

func (b *surveillanceHandoverReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.SurveillanceHandover] {
	return reportOf(r, at, p, b.entryIn, b.surveillanceHandoverIn.build)
}

type surveillanceEndReportIn struct {
	commandIn
	entryIn
	surveillanceEndIn
}

func (b *surveillanceEndReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.SurveillanceEnd] {
	return reportOf(r, at, p, b.entryIn, b.surveillanceEndIn.build)
}

type pursuitStartReportIn struct {
	commandIn
	entryIn
	pursuitStartIn
}

func (b *pursuitStartReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.PursuitStart] {
	return reportOf(r, at, p, b.entryIn, b.pursuitStartIn.build)
}

type pursuitCeaseReportIn struct {
	commandIn
	entryIn
	pursuitCeaseIn
}

func (b *pursuitCeaseReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.PursuitCease] {
	return reportOf(r, at, p, b.entryIn, b.pursuitCeaseIn.build)
}

type apprehensionReportIn struct {
	commandIn
	entryIn
	apprehensionIn
}

func (b *apprehensionReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.Apprehension] {
	return reportOf(r, at, p, b.entryIn, b.apprehensionIn.build)
}

type personHandoverReportIn struct {
	commandIn
	entryIn
	personHandoverIn
}

func (b *personHandoverReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.PersonHandover] {
	return reportOf(r, at, p, b.entryIn, b.personHandoverIn.build)
}

type seizureReportIn struct {
	commandIn
	entryIn
	seizureIn
}

func (b *seizureReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.Seizure] {
	return reportOf(r, at, p, b.entryIn, b.seizureIn.build)
}

type useOfForceReportIn struct {
	commandIn
	entryIn
	useOfForceIn
}

func (b *useOfForceReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.UseOfForce] {
	return reportOf(r, at, p, b.entryIn, b.useOfForceIn.build)
}

type observationReportIn struct {
	commandIn
	entryIn
	observationIn
}

func (b *observationReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.Observation] {
	return reportOf(r, at, p, b.entryIn, b.observationIn.build)
}

type situationReportIn struct {
	commandIn
	entryIn
	situationIn
}

func (b *situationReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.Situation] {
	return reportOf(r, at, p, b.entryIn, b.situationIn.build)
}

type postActionReportIn struct {
	commandIn
	entryIn
	postActionIn
}

func (b *postActionReportIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Report[fieldlog.PostAction] {
	return reportOf(r, at, p, b.entryIn, b.postActionIn.build)
}

type retractionIn struct {
	commandIn
	ReportID string `json:"report_id"`
	Reason   string `json:"reason"`
}

func (b *retractionIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Retraction {
	return commands.Retraction{
		Operation:  pathID[domain.OperationID](r, p, "operation"),
		Unit:       pathID[domain.UnitID](r, p, "unit"),
		OccurredAt: at,
		ID:         requireID[domain.ReportID](p, "report_id", b.ReportID),
		Report:     pathID[domain.ReportID](r, p, "report"),
		Reason:     b.Reason,
	}
}

type relaxationIn struct {
	commandIn
	ReportID string     `json:"report_id"`
	Marking  *markingIn `json:"marking"`
}

func (b *relaxationIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Relaxation {
	if b.Marking == nil {
		p.Add("marking", "required")
	}
	return commands.Relaxation{
		Operation:  pathID[domain.OperationID](r, p, "operation"),
		Unit:       pathID[domain.UnitID](r, p, "unit"),
		OccurredAt: at,
		ID:         requireID[domain.ReportID](p, "report_id", b.ReportID),
		Report:     pathID[domain.ReportID](r, p, "report"),
		To:         b.Marking.build(p, "marking"),
	}
}
