package projections_test

import (
	"encoding"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
)

// operationsLog has every event AgencyOperations and Router fold: two
// operations through their lifecycle, agreements to changing terms, an
// agency joining, tasks issued and followed up, and events they ignore.
func operationsLog() []projections.Envelope {
	proposed := func(id domain.OperationID, purpose string) domain.Payload {
		return &operation.Proposed{OperationID: id, Purpose: purpose, Lead: lead, Participants: []domain.AgencyID{lead, partner}, ArrangementVersion: 1}
	}
	return []projections.Envelope{
		env(operation.Stream(op1), proposed(op1, "Rhine")),
		env(operation.Stream(op1), &operation.Agreed{OperationID: op1, Agency: lead, ArrangementVersion: 1}),
		env(task.Stream(dt.Task(1)), &task.Issued{TaskID: dt.Task(1), OperationID: op1}),
		env(operation.Stream(op2), proposed(op2, "Mosel")),
		env(operation.Stream(op1), &operation.Agreed{OperationID: op1, Agency: partner, ArrangementVersion: 1}),
		env(task.Stream(dt.Task(2)), &task.Issued{TaskID: dt.Task(2), OperationID: op2}),
		env(task.Stream(dt.Task(1)), &task.Acknowledged{TaskID: dt.Task(1)}),
		env(operation.Stream(op2), &operation.ParticipantAdded{OperationID: op2, Agency: outsider, ArrangementVersion: 2}),
		env(operation.Stream(op1), &operation.Activated{OperationID: op1}),
		env(fieldlog.Stream(op2, dt.Unit(1)), &fieldlog.MarkingRelaxed{OperationID: op2}),
		env(task.Stream(dt.Task(2)), &task.Completed{TaskID: dt.Task(2)}),
		env(operation.Stream(op1), &operation.PeriodChanged{OperationID: op1, ArrangementVersion: 2}),
		env(operation.Stream(op1), &operation.Agreed{OperationID: op1, Agency: lead, ArrangementVersion: 2}),
		env(operation.Stream(op1), &operation.Suspended{OperationID: op1}),
		env(task.Stream(dt.Task(3)), &task.Cancelled{TaskID: dt.Task(3)}),
		env("agency-x", unknown{}),
		env(operation.Stream(op2), &operation.Closed{OperationID: op2}),
		env(task.Stream(dt.Task(1)), &task.Completed{TaskID: dt.Task(1)}),
	}
}

// TestAgencyOperationsSnapshot: restored at any event of the log, the
// read model lists every agency's operations as the original does, then
// and after the rest of the log.
func TestAgencyOperationsSnapshot(t *testing.T) {
	log := operationsLog()
	for cut := range len(log) + 1 {
		original := projections.NewAgencyOperations()
		for _, e := range log[:cut] {
			original.Apply(e)
		}
		var restored projections.AgencyOperations
		unmarshal(t, &restored, marshal(t, original))
		for i, e := range log[cut:] {
			for _, a := range []domain.AgencyID{lead, partner, outsider} {
				if got, want := restored.For(a), original.For(a); !slices.Equal(got, want) {
					t.Fatalf("cut %d, %d events later, agency %s: restored %+v\nwant %+v", cut, i, a, got, want)
				}
			}
			original.Apply(e)
			restored.Apply(e)
		}
	}
}

// TestRouterSnapshot: restored at any event of the log, the Router routes
// every later event as the original does.
func TestRouterSnapshot(t *testing.T) {
	log := operationsLog()
	for cut := range len(log) + 1 {
		original := projections.NewRouter()
		for _, e := range log[:cut] {
			original.Route(e)
		}
		var restored projections.Router
		unmarshal(t, &restored, marshal(t, original))
		for _, e := range log[cut:] {
			wantOp, wantOK := original.Route(e)
			if gotOp, gotOK := restored.Route(e); gotOp != wantOp || gotOK != wantOK {
				t.Fatalf("cut %d, %s: restored routes to %v, %t; want %v, %t", cut, e.Event.Type, gotOp, gotOK, wantOp, wantOK)
			}
		}
	}
}

func marshal(t *testing.T, m encoding.BinaryMarshaler) []byte {
	t.Helper()
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	return data
}

func unmarshal(t *testing.T, u encoding.BinaryUnmarshaler, data []byte) {
	t.Helper()
	if err := u.UnmarshalBinary(data); err != nil {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
}

// TestUnmarshalRejects: a snapshot of another format version, of the
// other read model, truncated or damaged is an error of its kind, and
// leaves the receiver as it was.
func TestUnmarshalRejects(t *testing.T) {
	ops, router := projections.NewAgencyOperations(), projections.NewRouter()
	for _, e := range operationsLog() {
		ops.Apply(e)
		router.Route(e)
	}
	models := []struct {
		name string
		data []byte
		// fresh returns a read model holding one operation and one task,
		// and a description of its state to compare after a failure.
		fresh func() (encoding.BinaryUnmarshaler, func() string)
	}{
		{name: "agency operations", data: marshal(t, ops), fresh: func() (encoding.BinaryUnmarshaler, func() string) {
			a := projections.NewAgencyOperations()
			a.Apply(operationsLog()[0])
			return a, func() string { return fmt.Sprint(a.For(lead)) }
		}},
		{name: "router", data: marshal(t, router), fresh: func() (encoding.BinaryUnmarshaler, func() string) {
			r := projections.NewRouter()
			r.Route(operationsLog()[2])
			return r, func() string { return fmt.Sprint(r.Route(operationsLog()[6])) }
		}},
	}
	for i, m := range models {
		other := models[1-i].data
		newer := slices.Clone(m.data)
		newer[0] = 0x7f
		damaged := slices.Clone(m.data)
		damaged[len(damaged)/2] ^= 0x08
		tests := []struct {
			name string
			data []byte
			want error
		}{
			{name: "nothing", want: projections.ErrSnapshotCorrupt},
			{name: "a newer format version", data: newer, want: projections.ErrSnapshotVersion},
			{name: "the other read model's snapshot", data: other, want: projections.ErrSnapshotCorrupt},
			{name: "truncated", data: m.data[:len(m.data)-1], want: projections.ErrSnapshotCorrupt},
			{name: "damaged", data: damaged, want: projections.ErrSnapshotCorrupt},
		}
		for _, tt := range tests {
			t.Run(m.name+", "+tt.name, func(t *testing.T) {
				u, state := m.fresh()
				before := state()
				if err := u.UnmarshalBinary(tt.data); !errors.Is(err, tt.want) {
					t.Errorf("UnmarshalBinary = %v, want %v", err, tt.want)
				}
				if after := state(); after != before {
					t.Errorf("a failed UnmarshalBinary changed the state from %s to %s", before, after)
				}
			})
		}
	}
}
