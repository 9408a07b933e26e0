package projections_test

import (
	"slices"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
)

var (
	op1, op2 = dt.Operation(1), dt.Operation(2)
	lead     = dt.Agency(1)
	partner  = dt.Agency(2)
	outsider = dt.Agency(3)
)

func env(stream string, p domain.Payload) projections.Envelope {
	return projections.Envelope{Stream: stream, Event: domain.Event{Type: p.EventType(), Payload: p}}
}

func TestRouter(t *testing.T) {
	r := projections.NewRouter()
	tests := []struct {
		name string
		env  projections.Envelope
		want domain.OperationID
		ok   bool
	}{
		{name: "an operation event names its operation", env: env(operation.Stream(op1), &operation.Activated{OperationID: op1}), want: op1, ok: true},
		{name: "a field report names its operation", env: env(fieldlog.Stream(op2, dt.Unit(7)), &fieldlog.SituationReported{
			Header: fieldlog.Header{ReportID: dt.Report(1), OperationID: op2, UnitID: dt.Unit(7)}}), want: op2, ok: true},
		{name: "a relaxation names its operation", env: env(fieldlog.Stream(op2, dt.Unit(7)), &fieldlog.MarkingRelaxed{OperationID: op2}), want: op2, ok: true},
		{name: "a task's issue names its operation", env: env(task.Stream(dt.Task(5)), &task.Issued{TaskID: dt.Task(5), OperationID: op2}), want: op2, ok: true},
		{name: "later task events are routed by the task", env: env(task.Stream(dt.Task(5)), &task.Acknowledged{TaskID: dt.Task(5)}), want: op2, ok: true},
		{name: "a task never issued has no operation", env: env(task.Stream(dt.Task(6)), &task.Completed{TaskID: dt.Task(6)})},
		{name: "an unknown payload on an operation stream goes by the stream", env: env(operation.Stream(op1), unknown{}), want: op1, ok: true},
		{name: "an unknown payload on a field log goes by the stream", env: env(fieldlog.Stream(op2, dt.Unit(3)), unknown{}), want: op2, ok: true},
		{name: "other streams belong to no operation", env: env("agency-x", unknown{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := r.Route(tt.env)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Route = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestStreamOperation(t *testing.T) {
	tests := []struct {
		stream string
		want   domain.OperationID
		ok     bool
	}{
		{stream: operation.Stream(op1), want: op1, ok: true},
		{stream: fieldlog.Stream(op2, dt.Unit(9)), want: op2, ok: true},
		{stream: fieldlog.OperationStreamPrefix(op2), want: op2, ok: true},
		{stream: "operation-not-a-uuid"},
		{stream: "unitlog-short"},
		{stream: task.Stream(dt.Task(1))},
	}
	for _, tt := range tests {
		t.Run(tt.stream, func(t *testing.T) {
			got, ok := projections.StreamOperation(tt.stream)
			if got != tt.want || ok != tt.ok {
				t.Errorf("StreamOperation = %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

type unknown struct{}

func (unknown) EventType() string     { return "jointops.future.thing" }
func (unknown) SchemaVersion() uint32 { return 1 }

func TestAgencyOperations(t *testing.T) {
	proposed := func(id domain.OperationID, purpose string) domain.Payload {
		return &operation.Proposed{OperationID: id, Purpose: purpose, Lead: lead, Participants: []domain.AgencyID{lead, partner}, ArrangementVersion: 1}
	}
	agreed := func(id domain.OperationID, a domain.AgencyID, v int) domain.Payload {
		return &operation.Agreed{OperationID: id, Agency: a, ArrangementVersion: v}
	}
	tests := []struct {
		name   string
		events []domain.Payload
		agency domain.AgencyID
		want   []projections.OperationSummary
	}{
		{
			name:   "the lead's and a participant's roles",
			events: []domain.Payload{proposed(op1, "Rhine"), &operation.ParticipantAdded{OperationID: op1, Agency: outsider, ArrangementVersion: 2}},
			agency: outsider,
			want:   []projections.OperationSummary{{Operation: op1, Purpose: "Rhine", Status: operation.StatusProposed, Role: projections.RoleParticipant}},
		},
		{
			name:   "agreed is derived from the current arrangement",
			events: []domain.Payload{proposed(op1, "Rhine"), agreed(op1, lead, 1), agreed(op1, partner, 1), proposed(op2, "Mosel")},
			agency: lead,
			want: []projections.OperationSummary{
				{Operation: op1, Purpose: "Rhine", Status: operation.StatusAgreed, Role: projections.RoleLead},
				{Operation: op2, Purpose: "Mosel", Status: operation.StatusProposed, Role: projections.RoleLead},
			},
		},
		{
			name: "changed terms need agreement again",
			events: []domain.Payload{proposed(op1, "Rhine"), agreed(op1, lead, 1), agreed(op1, partner, 1),
				&operation.PeriodChanged{OperationID: op1, ArrangementVersion: 2}},
			agency: partner,
			want:   []projections.OperationSummary{{Operation: op1, Purpose: "Rhine", Status: operation.StatusProposed, Role: projections.RoleParticipant}},
		},
		{
			name: "lifecycle",
			events: []domain.Payload{proposed(op1, "Rhine"), &operation.Activated{OperationID: op1}, &operation.Suspended{OperationID: op1},
				&operation.Resumed{OperationID: op1}, &operation.Closed{OperationID: op1}},
			agency: partner,
			want:   []projections.OperationSummary{{Operation: op1, Purpose: "Rhine", Status: operation.StatusClosed, Role: projections.RoleParticipant}},
		},
		{
			name:   "a non-participant sees none",
			events: []domain.Payload{proposed(op1, "Rhine")},
			agency: outsider,
		},
		{
			name:   "events of unknown operations are ignored",
			events: []domain.Payload{&operation.Activated{OperationID: op2}, unknown{}},
			agency: lead,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := projections.NewAgencyOperations()
			for _, p := range tt.events {
				a.Apply(env("s", p))
			}
			if got := a.For(tt.agency); !slices.Equal(got, tt.want) {
				t.Errorf("For = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
