package commands

import (
	"context"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// Report is a field report command: the unit files body in its log of the
// operation. Field reports go to a stream per unit and operation, so units
// reporting at once never contend with each other.
type Report[B any] struct {
	Operation  domain.OperationID
	Unit       domain.UnitID
	OccurredAt time.Time
	Entry      fieldlog.Entry
	Body       B
}

// Retraction withdraws an earlier report of the unit's log.
type Retraction struct {
	Operation  domain.OperationID
	Unit       domain.UnitID
	OccurredAt time.Time
	ID         domain.ReportID
	Report     domain.ReportID
	Reason     string
}

// Relaxation relaxes the marking of an earlier report; only its originator
// agency may.
type Relaxation struct {
	Operation  domain.OperationID
	Unit       domain.UnitID
	OccurredAt time.Time
	ID         domain.ReportID
	Report     domain.ReportID
	To         marking.Marking
}

// fileReport runs one field-log decision for unit in op.
func fileReport(ctx context.Context, h *Handlers, useCase string, p Principal, id CommandID, input any,
	op domain.OperationID, unit domain.UnitID, occurredAt time.Time,
	decide func(*fieldlog.Log, domain.Meta) error) (Accepted, error) {
	return run(ctx, h, command[*fieldlog.Log]{
		useCase: useCase, id: id, p: p, input: input, op: op,
		stream:    fieldlog.Stream(op, unit),
		fresh:     func() *fieldlog.Log { return fieldlog.New(op, unit) },
		authorize: func(ctx context.Context) error { return h.authorizeUnit(ctx, p, op, unit) },
		decide: func(_ context.Context, l *fieldlog.Log) error {
			m, _, err := h.meta(p, occurredAt)
			if err != nil {
				return err
			}
			return decide(l, m)
		},
	})
}

// reportWith adapts a fieldlog method to a handler of its report kind.
func reportWith[B any](useCase string, method func(*fieldlog.Log, domain.Meta, fieldlog.Entry, B) error) func(context.Context, *Handlers, Principal, CommandID, Report[B]) (Accepted, error) {
	return func(ctx context.Context, h *Handlers, p Principal, id CommandID, in Report[B]) (Accepted, error) {
		return fileReport(ctx, h, useCase, p, id, in, in.Operation, in.Unit, in.OccurredAt,
			func(l *fieldlog.Log, m domain.Meta) error { return method(l, m, in.Entry, in.Body) })
	}
}

// The report handlers, one per kind of field report. A correction is the
// same command with Entry.Corrects naming the report it corrects.
var (
	reportPosition       = reportWith("report_position", (*fieldlog.Log).ReportPosition)
	reportBorderCrossing = reportWith("report_border_crossing", (*fieldlog.Log).ReportBorderCrossing)
	notifyHost           = reportWith("notify_host", (*fieldlog.Log).NotifyHost)
	acknowledgeHost      = reportWith("acknowledge_host_notification", (*fieldlog.Log).AcknowledgeHostNotification)
	startSurveillance    = reportWith("start_surveillance", (*fieldlog.Log).StartSurveillance)
	handOverSurveillance = reportWith("hand_over_surveillance", (*fieldlog.Log).HandOverSurveillance)
	endSurveillance      = reportWith("end_surveillance", (*fieldlog.Log).EndSurveillance)
	startPursuit         = reportWith("start_pursuit", (*fieldlog.Log).StartPursuit)
	ceasePursuit         = reportWith("cease_pursuit", (*fieldlog.Log).CeasePursuit)
	reportApprehension   = reportWith("report_apprehension", (*fieldlog.Log).ReportApprehension)
	reportPersonHandover = reportWith("report_person_handover", (*fieldlog.Log).ReportPersonHandover)
	reportSeizure        = reportWith("report_seizure", (*fieldlog.Log).ReportSeizure)
	reportUseOfForce     = reportWith("report_use_of_force", (*fieldlog.Log).ReportUseOfForce)
	reportObservation    = reportWith("report_observation", (*fieldlog.Log).ReportObservation)
	reportSituation      = reportWith("report_situation", (*fieldlog.Log).ReportSituation)
	reportPostAction     = reportWith("report_post_action", (*fieldlog.Log).ReportPostAction)
)

// ReportPosition files a position report.
func (h *Handlers) ReportPosition(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.Position]) (Accepted, error) {
	return reportPosition(ctx, h, p, id, in)
}

// ReportBorderCrossing files a border crossing.
func (h *Handlers) ReportBorderCrossing(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.BorderCrossing]) (Accepted, error) {
	return reportBorderCrossing(ctx, h, p, id, in)
}

// NotifyHost records a notification of the host authority.
func (h *Handlers) NotifyHost(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.HostNotification]) (Accepted, error) {
	return notifyHost(ctx, h, p, id, in)
}

// AcknowledgeHostNotification records the host's acknowledgement.
func (h *Handlers) AcknowledgeHostNotification(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.HostAcknowledgement]) (Accepted, error) {
	return acknowledgeHost(ctx, h, p, id, in)
}

// StartSurveillance records the start of a surveillance.
func (h *Handlers) StartSurveillance(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.SurveillanceStart]) (Accepted, error) {
	return startSurveillance(ctx, h, p, id, in)
}

// HandOverSurveillance records a surveillance handover.
func (h *Handlers) HandOverSurveillance(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.SurveillanceHandover]) (Accepted, error) {
	return handOverSurveillance(ctx, h, p, id, in)
}

// EndSurveillance records the end of a surveillance.
func (h *Handlers) EndSurveillance(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.SurveillanceEnd]) (Accepted, error) {
	return endSurveillance(ctx, h, p, id, in)
}

// StartPursuit records the start of a pursuit.
func (h *Handlers) StartPursuit(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.PursuitStart]) (Accepted, error) {
	return startPursuit(ctx, h, p, id, in)
}

// CeasePursuit records the end of a pursuit.
func (h *Handlers) CeasePursuit(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.PursuitCease]) (Accepted, error) {
	return ceasePursuit(ctx, h, p, id, in)
}

// ReportApprehension records an apprehended person.
func (h *Handlers) ReportApprehension(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.Apprehension]) (Accepted, error) {
	return reportApprehension(ctx, h, p, id, in)
}

// ReportPersonHandover records the handover of an apprehended person.
func (h *Handlers) ReportPersonHandover(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.PersonHandover]) (Accepted, error) {
	return reportPersonHandover(ctx, h, p, id, in)
}

// ReportSeizure records a seized item.
func (h *Handlers) ReportSeizure(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.Seizure]) (Accepted, error) {
	return reportSeizure(ctx, h, p, id, in)
}

// ReportUseOfForce records a use of force.
func (h *Handlers) ReportUseOfForce(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.UseOfForce]) (Accepted, error) {
	return reportUseOfForce(ctx, h, p, id, in)
}

// ReportObservation records an observation or sighting.
func (h *Handlers) ReportObservation(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.Observation]) (Accepted, error) {
	return reportObservation(ctx, h, p, id, in)
}

// ReportSituation files a situation report.
func (h *Handlers) ReportSituation(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.Situation]) (Accepted, error) {
	return reportSituation(ctx, h, p, id, in)
}

// ReportPostAction files a post-action report.
func (h *Handlers) ReportPostAction(ctx context.Context, p Principal, id CommandID, in Report[fieldlog.PostAction]) (Accepted, error) {
	return reportPostAction(ctx, h, p, id, in)
}

// Retract withdraws an earlier report; nothing is deleted.
func (h *Handlers) Retract(ctx context.Context, p Principal, id CommandID, in Retraction) (Accepted, error) {
	return fileReport(ctx, h, "retract_report", p, id, in, in.Operation, in.Unit, in.OccurredAt,
		func(l *fieldlog.Log, m domain.Meta) error { return l.Retract(m, in.ID, in.Report, in.Reason) })
}

// RelaxMarking relaxes the marking of an earlier report.
func (h *Handlers) RelaxMarking(ctx context.Context, p Principal, id CommandID, in Relaxation) (Accepted, error) {
	return fileReport(ctx, h, "relax_marking", p, id, in, in.Operation, in.Unit, in.OccurredAt,
		func(l *fieldlog.Log, m domain.Meta) error { return l.RelaxMarking(m, in.ID, in.Report, in.To) })
}
