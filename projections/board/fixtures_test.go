package board_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Agency 1 (DE) leads; 2 (FR) and 3 (DE) take part; 4 (FR) never does;
// 5 (NL) joins later.
var (
	opID     = dt.Operation(1)
	lead     = dt.Agency(1)
	partner  = dt.Agency(2)
	third    = dt.Agency(3)
	outsider = dt.Agency(4)
	joiner   = dt.Agency(5)

	states = map[domain.AgencyID]domain.StateCode{
		lead: dt.State("DE"), partner: dt.State("FR"), third: dt.State("DE"),
		outsider: dt.State("FR"), joiner: dt.State("NL"),
	}
	agencies = []domain.AgencyID{lead, partner, third, outsider, joiner}

	leadUnit    = dt.Unit(1) // of the lead agency
	partnerUnit = dt.Unit(2) // of the partner agency

	b2   = dt.Must(marking.ParseEvaluation("B2"))
	area = dt.Must(geo.NewPolygon(orb.Polygon{{{7, 48}, {7.2, 48}, {7.2, 48.2}, {7, 48}}}))
	pt   = dt.Must(geo.NewPoint(48.05, 7.1))
)

func viewer(a domain.AgencyID) marking.Viewer { return marking.Viewer{Agency: a, State: states[a]} }

// mark builds a marking of originator with tlp and optional recipients
// (agencies and states).
func mark(originator domain.AgencyID, tlp marking.TLP, agencies []domain.AgencyID, states ...domain.StateCode) marking.Marking {
	var r marking.Recipients
	if len(agencies) > 0 || len(states) > 0 {
		r = dt.Must(marking.NewRecipients(agencies, states))
	}
	return dt.Must(marking.New(marking.Spec{Originator: originator, TLP: tlp, ReleasableTo: r, Evaluation: b2}))
}

func ids(a ...domain.AgencyID) []domain.AgencyID { return a }

// eventLog builds a log: each payload goes to its stream with the next
// revision and position, recorded a minute after the previous one.
type eventLog struct {
	envs []projections.Envelope
	revs map[string]uint64
}

func newLog() *eventLog { return &eventLog{revs: map[string]uint64{}} }

// add appends payloads recorded now and occurred at the same time.
func (l *eventLog) add(ps ...domain.Payload) *eventLog {
	for _, p := range ps {
		l.addLate(0, p)
	}
	return l
}

// addLate appends a payload recorded now that occurred late earlier.
func (l *eventLog) addLate(late time.Duration, p domain.Payload) *eventLog {
	n := len(l.envs) + 1
	recorded := dt.At(time.Duration(n) * time.Minute)
	stream := streamOf(p)
	rev := l.revs[stream]
	l.revs[stream] = rev + 1
	l.envs = append(l.envs, projections.Envelope{
		Position: strconv.Itoa(n), Stream: stream, Revision: rev,
		Event: domain.Event{
			Type: p.EventType(), SchemaVersion: p.SchemaVersion(),
			OccurredAt: recorded.Add(-late), RecordedAt: recorded, LateBy: late,
			Actor: domain.Actor{Agency: lead}, Payload: p,
		},
	})
	return l
}

func streamOf(p domain.Payload) string {
	switch e := p.(type) {
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
	case *task.Amended:
		return task.Stream(e.TaskID)
	case *task.Completed:
		return task.Stream(e.TaskID)
	case *task.Cancelled:
		return task.Stream(e.TaskID)
	case *compliance.FlagRaised, *compliance.FlagCleared, *compliance.FlagAcknowledged, *compliance.FlagDisputed:
		return compliance.Stream(projections.PayloadOperation(p))
	}
	return operation.Stream(projections.PayloadOperation(p))
}

// running is an active operation of lead, partner and third with a unit
// of lead and one of partner checked in.
func running() *eventLog {
	parts := ids(lead, partner, third)
	l := newLog().add(&operation.Proposed{
		OperationID: opID, Purpose: "Joint patrol Rhine crossings", Lead: lead, Participants: parts,
		HostStates: []domain.StateCode{dt.State("DE"), dt.State("FR")},
		LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm", "Art. 17"))},
		Area:       area, Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
	})
	for _, a := range parts {
		l.add(&operation.Agreed{OperationID: opID, Agency: a, ArrangementVersion: 1})
	}
	return l.add(
		&operation.Activated{OperationID: opID},
		&operation.ResourceCheckedIn{OperationID: opID, UnitID: leadUnit, Agency: lead, Kind: operation.ResourceUnit, CallSign: "Adler 1", Personnel: 2},
		&operation.ResourceCheckedIn{OperationID: opID, UnitID: partnerUnit, Agency: partner, Kind: operation.ResourceVehicle, CallSign: "Aigle 2", Personnel: 3},
	)
}

func header(n uint64, unit domain.UnitID, m marking.Marking) fieldlog.Header {
	return fieldlog.Header{ReportID: dt.Report(n), OperationID: opID, UnitID: unit, Marking: m}
}

func observed(n uint64, unit domain.UnitID, m marking.Marking, text string) *fieldlog.ObservationReported {
	return &fieldlog.ObservationReported{Header: header(n, unit, m), Observation: fieldlog.Observation{Text: text}}
}

func correctedObservation(n, of uint64, unit domain.UnitID, m marking.Marking, text string) *fieldlog.ObservationReported {
	o := observed(n, unit, m, text)
	o.Corrects = dt.Report(of)
	return o
}

func positioned(n uint64, unit domain.UnitID, m marking.Marking, lat float64) *fieldlog.PositionReported {
	return &fieldlog.PositionReported{Header: header(n, unit, m),
		Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(lat, 7.1)), Source: fieldlog.SourceGPS}}
}

func retraction(n, of uint64, unit domain.UnitID) *fieldlog.ReportRetracted {
	return &fieldlog.ReportRetracted{ReportID: dt.Report(n), OperationID: opID, UnitID: unit, Retracts: dt.Report(of), Reason: "wrong vehicle"}
}

func relaxation(n, of uint64, unit domain.UnitID, from, to marking.Marking) *fieldlog.MarkingRelaxed {
	return &fieldlog.MarkingRelaxed{ReportID: dt.Report(n), OperationID: opID, UnitID: unit, Report: dt.Report(of), From: from, To: to}
}

// fed is a board fed a log with Apply, with every delta kept.
type fed struct {
	board  *board.Board
	deltas []board.Delta
}

func feed(t testing.TB, l *eventLog, cfg board.Config) *fed {
	t.Helper()
	b, err := board.New(opID, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f := &fed{board: b}
	for _, env := range l.envs {
		f.deltas = append(f.deltas, b.Apply(env))
	}
	return f
}

// agencyJSON is everything an agency received and may read: its view and
// every delta it was sent, as JSON.
func (f *fed) agencyJSON(t testing.TB, a domain.AgencyID) string {
	t.Helper()
	out := mustJSON(t, f.board.View(viewer(a)))
	for _, d := range f.deltas {
		if ad := d.For(viewer(a)); ad != nil {
			out += mustJSON(t, ad)
		}
	}
	return out
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

func reportIDs(v board.View) []domain.ReportID {
	var out []domain.ReportID
	for _, r := range v.Reports {
		out = append(out, r.Report)
	}
	return out
}
