package boards_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Agencies 1 (DE, lead), 2 (FR), 3 (DE) and 4 (NL) take part in opID;
// 5 (FR) takes part in nothing. otherOp is led by 5 with 1 alone.
var (
	opID    = dt.Operation(1)
	otherOp = dt.Operation(2)

	agA      = dt.Agency(1)
	agB      = dt.Agency(2)
	agC      = dt.Agency(3)
	agD      = dt.Agency(4)
	outsider = dt.Agency(5)

	states = map[domain.AgencyID]domain.StateCode{
		agA: dt.State("DE"), agB: dt.State("FR"), agC: dt.State("DE"), agD: dt.State("NL"), outsider: dt.State("FR"),
	}
	participants = []domain.AgencyID{agA, agB, agC, agD}
	everyone     = []domain.AgencyID{agA, agB, agC, agD, outsider}

	unitOf = map[domain.AgencyID]domain.UnitID{agA: dt.Unit(1), agB: dt.Unit(2), agC: dt.Unit(3), agD: dt.Unit(4), outsider: dt.Unit(5)}

	b2 = dt.Must(marking.ParseEvaluation("B2"))
)

func viewer(a domain.AgencyID) marking.Viewer { return marking.Viewer{Agency: a, State: states[a]} }

// mark builds a marking of originator with tlp and optional recipients.
func mark(originator domain.AgencyID, tlp marking.TLP, recipients ...domain.AgencyID) marking.Marking {
	var r marking.Recipients
	if len(recipients) > 0 {
		r = dt.Must(marking.NewRecipients(recipients, nil))
	}
	return dt.Must(marking.New(marking.Spec{Originator: originator, TLP: tlp, ReleasableTo: r, Evaluation: b2}))
}

// pos is the log position of the n-th event.
func pos(n int) string { return eventstore.Position{Commit: uint64(n), Prepare: uint64(n)}.String() }

// eventLog builds a log: each payload goes to its stream with the next
// revision and position, recorded a second after the previous one.
type eventLog struct {
	envs  []projections.Envelope
	revs  map[string]uint64
	count int // events ever added
}

func newLog() *eventLog { return &eventLog{revs: map[string]uint64{}} }

func (l *eventLog) add(ps ...domain.Payload) *eventLog {
	for _, p := range ps {
		l.count++
		n := l.count
		at := dt.At(time.Duration(n) * time.Second)
		stream := streamOf(p)
		rev := l.revs[stream]
		l.revs[stream] = rev + 1
		l.envs = append(l.envs, projections.Envelope{
			Position: pos(n), Stream: stream, Revision: rev,
			Event: domain.Event{
				Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: at, RecordedAt: at,
				Actor: domain.Actor{Agency: agA}, Payload: p,
			},
		})
	}
	return l
}

// last returns the position of the last event added.
func (l *eventLog) last() string { return l.envs[len(l.envs)-1].Position }

func streamOf(p domain.Payload) string {
	switch e := p.(type) {
	case *agency.Registered:
		return agency.Stream(e.AgencyID)
	case fieldlog.Report:
		return fieldlog.Stream(e.Head().OperationID, e.Head().UnitID)
	case *fieldlog.ReportRetracted:
		return fieldlog.Stream(e.OperationID, e.UnitID)
	case *fieldlog.MarkingRelaxed:
		return fieldlog.Stream(e.OperationID, e.UnitID)
	case *task.Issued:
		return task.Stream(e.TaskID)
	case *task.Acknowledged:
		return task.Stream(e.TaskID)
	case *task.Completed:
		return task.Stream(e.TaskID)
	}
	return operation.Stream(projections.PayloadOperation(p))
}

// running is a log in which every agency registered, opID is active with
// agencies 1–4 and a unit of each checked in, and otherOp is proposed by
// the outsider with agency 1.
func running() *eventLog {
	l := newLog()
	for _, a := range everyone {
		l.add(&agency.Registered{AgencyID: a, State: states[a], Name: "Agency " + a.String()[:4], Kind: agency.KindPolice})
	}
	l.add(&operation.Proposed{
		OperationID: opID, Purpose: "Joint patrol", Lead: agA, Participants: participants,
		HostStates: []domain.StateCode{dt.State("DE"), dt.State("FR")},
		Period:     dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
	})
	for _, a := range participants {
		l.add(&operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: 1})
	}
	l.add(&operation.Activated{OperationID: opID})
	for _, a := range participants {
		l.add(&operation.ResourceCheckedIn{OperationID: opID, UnitID: unitOf[a], Agency: a, Kind: operation.ResourceUnit, CallSign: "U" + a.String()[:2], Personnel: 2})
	}
	l.add(&operation.Proposed{
		OperationID: otherOp, Purpose: "Other", Lead: outsider, Participants: []domain.AgencyID{outsider, agA},
		Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
	})
	return l
}

func header(op domain.OperationID, n uint64, by domain.AgencyID, m marking.Marking) fieldlog.Header {
	return fieldlog.Header{ReportID: dt.Report(n), OperationID: op, UnitID: unitOf[by], Marking: m}
}

func observed(n uint64, by domain.AgencyID, m marking.Marking, text string) *fieldlog.ObservationReported {
	return &fieldlog.ObservationReported{Header: header(opID, n, by, m), Observation: fieldlog.Observation{Text: text}}
}

func positioned(op domain.OperationID, n uint64, by domain.AgencyID, m marking.Marking, lat float64) *fieldlog.PositionReported {
	return &fieldlog.PositionReported{Header: header(op, n, by, m),
		Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(lat, 7.1)), Source: fieldlog.SourceGPS}}
}

func relaxation(n, of uint64, by domain.AgencyID, from, to marking.Marking) *fieldlog.MarkingRelaxed {
	return &fieldlog.MarkingRelaxed{ReportID: dt.Report(n), OperationID: opID, UnitID: unitOf[by], Report: dt.Report(of), From: from, To: to}
}

func newBoards(t testing.TB, cfg boards.Config) *boards.Boards {
	t.Helper()
	return dt.Must(boards.New(cfg))
}

// applyAll applies envs in order.
func applyAll(t testing.TB, b *boards.Boards, envs []projections.Envelope) {
	t.Helper()
	for _, env := range envs {
		if err := b.Apply(context.Background(), env); err != nil {
			t.Fatalf("Apply %s: %v", env.Position, err)
		}
	}
}

// folded returns a's view of op's board folded from the whole log.
func folded(t testing.TB, envs []projections.Envelope, op domain.OperationID, a domain.AgencyID) string {
	t.Helper()
	b := dt.Must(board.New(op, board.Config{}))
	r := projections.NewRouter()
	for _, env := range envs {
		if got, ok := r.Route(env); ok && got == op {
			b.Fold(env)
		}
	}
	return mustJSON(t, b.View(viewer(a)))
}

func subscribe(t testing.TB, b *boards.Boards, a domain.AgencyID, after string, queue int) *boards.Subscription {
	t.Helper()
	s, err := b.Subscribe(t.Context(), opID, viewer(a), after, queue)
	if err != nil {
		t.Fatalf("Subscribe(%s, after %q): %v", a, after, err)
	}
	t.Cleanup(s.Close)
	return s
}

// drain returns the frames queued for s now, without waiting.
func drain(s *boards.Subscription) []*boards.Frame {
	var out []*boards.Frame
	for {
		select {
		case f, ok := <-s.C():
			if !ok {
				return out
			}
			out = append(out, f)
		default:
			return out
		}
	}
}

// client is what a board client keeps: its view and the position it is at.
type client struct {
	view     board.View
	position string
	frames   int
}

// receive applies frames as a client does, failing on a delta that does
// not come after the position the client is at (a duplicate, or out of
// order).
func (c *client) receive(t testing.TB, frames []*boards.Frame) {
	t.Helper()
	for _, f := range frames {
		if err := c.apply(f); err != nil {
			t.Fatal(err)
		}
	}
}

func (c *client) apply(f *boards.Frame) error {
	switch f.Kind {
	case boards.KindSnapshot:
		c.view = *f.View
	case boards.KindDelta:
		if c.position != "" && !after(f.Position, c.position) {
			return fmt.Errorf("delta at %s after position %s: duplicate or out of order", f.Position, c.position)
		}
		c.view.Apply(f.Delta)
	default:
		return fmt.Errorf("frame kind %q", f.Kind)
	}
	c.position = f.Position
	c.frames++
	return nil
}

// after reports whether position p comes after q.
func after(p, q string) bool {
	pp := dt.Must(eventstore.ParsePosition(p))
	qq := dt.Must(eventstore.ParsePosition(q))
	return qq.Less(pp)
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}
