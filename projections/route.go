package projections

import (
	"strings"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

// Router tells which operation an event belongs to, so a runner can hand it
// to that operation's board. Operation events and field reports name their
// operation in the payload (and the stream name carries it too); of a
// task's events only the first, Issued, does, so the Router remembers each
// task's operation from it. Feed it every event in log order. It is not
// safe for concurrent use.
type Router struct {
	tasks map[domain.TaskID]domain.OperationID
}

// NewRouter returns a Router that knows no task yet.
func NewRouter() *Router { return &Router{tasks: map[domain.TaskID]domain.OperationID{}} }

// Route returns the operation env belongs to; ok is false for events of no
// operation (reference data, unknown types, tasks never issued).
func (r *Router) Route(env Envelope) (op domain.OperationID, ok bool) {
	if issued, isIssued := env.Event.Payload.(*task.Issued); isIssued {
		r.tasks[issued.TaskID] = issued.OperationID
		return issued.OperationID, true
	}
	if id, ok := taskOf(env.Event.Payload); ok {
		op, known := r.tasks[id]
		return op, known
	}
	if id := PayloadOperation(env.Event.Payload); !id.IsZero() {
		return id, true
	}
	return StreamOperation(env.Stream)
}

// taskOf returns the task a task event (other than Issued) is about.
func taskOf(p domain.Payload) (domain.TaskID, bool) {
	switch e := p.(type) {
	case *task.Acknowledged:
		return e.TaskID, true
	case *task.Amended:
		return e.TaskID, true
	case *task.Completed:
		return e.TaskID, true
	case *task.Cancelled:
		return e.TaskID, true
	}
	return domain.TaskID{}, false
}

// PayloadOperation returns the operation named in an operation event, a
// field-log event or a compliance flag's event, or the zero ID for any
// other payload.
func PayloadOperation(p domain.Payload) domain.OperationID {
	switch e := p.(type) {
	case fieldlog.Report:
		return e.Head().OperationID
	case *fieldlog.ReportRetracted:
		return e.OperationID
	case *fieldlog.MarkingRelaxed:
		return e.OperationID
	case *task.Issued:
		return e.OperationID
	}
	return operationEventID(p)
}

func operationEventID(p domain.Payload) domain.OperationID {
	switch e := p.(type) {
	case *operation.Proposed:
		return e.OperationID
	case *operation.ParticipantAdded:
		return e.OperationID
	case *operation.Agreed:
		return e.OperationID
	case *operation.Activated:
		return e.OperationID
	case *operation.Suspended:
		return e.OperationID
	case *operation.Resumed:
		return e.OperationID
	case *operation.Closed:
		return e.OperationID
	case *operation.AreaChanged:
		return e.OperationID
	case *operation.PeriodChanged:
		return e.OperationID
	case *operation.LegalBasisChanged:
		return e.OperationID
	case *operation.OperationalPeriodPlanned:
		return e.OperationID
	case *operation.ObjectiveAdded:
		return e.OperationID
	}
	return commandEventID(p)
}

func commandEventID(p domain.Payload) domain.OperationID {
	switch e := p.(type) {
	case *operation.OrgUnitAdded:
		return e.OperationID
	case *operation.PositionEstablished:
		return e.OperationID
	case *operation.PositionFilled:
		return e.OperationID
	case *operation.PositionVacated:
		return e.OperationID
	case *operation.CommandTransferred:
		return e.OperationID
	case *operation.SpanOfControlExceeded:
		return e.OperationID
	case *operation.ResourceCheckedIn:
		return e.OperationID
	case *operation.ResourceAssigned:
		return e.OperationID
	case *operation.ResourceStatusChanged:
		return e.OperationID
	case *operation.ResourceCheckedOut:
		return e.OperationID
	}
	return complianceEventID(p)
}

// complianceEventID returns the operation of an event of a compliance
// stream: a flag's, or a host's stop request.
func complianceEventID(p domain.Payload) domain.OperationID {
	switch e := p.(type) {
	case *compliance.FlagRaised:
		return e.OperationID
	case *compliance.FlagCleared:
		return e.OperationID
	case *compliance.FlagAcknowledged:
		return e.OperationID
	case *compliance.FlagDisputed:
		return e.OperationID
	case *compliance.StopRequested:
		return e.OperationID
	}
	return domain.OperationID{}
}

// StreamOperation returns the operation named by an operation stream
// ("operation-<id>") or a field-log stream ("unitlog-<op>-<unit>"); ok is
// false for any other stream.
func StreamOperation(stream string) (domain.OperationID, bool) {
	const uuidLen = 36
	var s string
	switch {
	case strings.HasPrefix(stream, operation.StreamPrefix):
		s = stream[len(operation.StreamPrefix):]
	case strings.HasPrefix(stream, fieldlog.StreamPrefix):
		rest := stream[len(fieldlog.StreamPrefix):]
		if len(rest) < uuidLen {
			return domain.OperationID{}, false
		}
		s = rest[:uuidLen]
	default:
		return domain.OperationID{}, false
	}
	id, err := domain.ParseOperationID(s)
	return id, err == nil
}
