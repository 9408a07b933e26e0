package projections_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
	"github.com/jointops/jointops/projections/compliance"
)

// TestAuditAndJudicialEventsChangeNoReadModel: the audit trail's accesses
// and the judicial-use permissions are in the log beside everything else;
// the boards, the compliance policy and the agency-operations read model
// take them in without a change, a delta or a decision.
func TestAuditAndJudicialEventsChangeNoReadModel(t *testing.T) {
	unit := dt.Unit(7)
	h1 := dt.Must(marking.New(marking.Spec{Originator: partner, TLP: marking.TLPAmber, Handling: []marking.HandlingCode{marking.H1},
		Evaluation: dt.Must(marking.ParseEvaluation("B2"))}))
	n := 0
	recorded := func(stream string, rev uint64, by domain.Actor, p domain.Payload) projections.Envelope {
		n++
		at := dt.At(time.Duration(n) * time.Minute)
		return projections.Envelope{Position: strconv.Itoa(n), Stream: stream, Revision: rev, Event: domain.Event{
			Type: p.EventType(), SchemaVersion: p.SchemaVersion(), OccurredAt: at, RecordedAt: at, Actor: by, Payload: p}}
	}
	boss := domain.Actor{Agency: lead, Person: dt.Person(1)}
	base := []projections.Envelope{
		recorded(operation.Stream(op1), 0, boss, &operation.Proposed{
			OperationID: op1, Purpose: "Joint patrol", Lead: lead, Participants: []domain.AgencyID{lead, partner},
			HostStates: []domain.StateCode{dt.State("DE")}, LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm", "Art. 17"))},
			Area:   dt.Must(geo.NewPolygon(orb.Polygon{{{7, 48}, {7.2, 48}, {7.2, 48.2}, {7, 48}}})),
			Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(72*time.Hour))), ArrangementVersion: 1,
		}),
		recorded(operation.Stream(op1), 1, boss, &operation.Activated{OperationID: op1}),
		recorded(fieldlog.Stream(op1, unit), 0, domain.Actor{Agency: partner, Unit: unit}, &fieldlog.ObservationReported{
			Header:      fieldlog.Header{ReportID: dt.Report(1), OperationID: op1, UnitID: unit, Marking: h1},
			Observation: fieldlog.Observation{Text: "handover at the petrol station"},
		}),
	}
	extra := []projections.Envelope{
		recorded(fieldlog.Stream(op1, unit), 1, domain.Actor{Agency: partner, Person: dt.Person(2)}, &fieldlog.JudicialUsePermitted{
			ReportID: dt.Report(2), OperationID: op1, UnitID: unit, Report: dt.Report(1), CaseReference: "4 St 117/26"}),
		recorded(audit.Stream(op1), 0, domain.Actor{Agency: partner, Person: dt.Person(3)}, &audit.HistoryAccessed{
			OperationID: op1, What: audit.KindTimeline, Role: "investigator", Purpose: "case 4 St 117/26"}),
	}

	t.Run("the router gives the audit trail to no operation's board", func(t *testing.T) {
		if op, ok := projections.NewRouter().Route(extra[1]); ok {
			t.Errorf("an access is routed to operation %s", op)
		}
	})

	t.Run("boards", func(t *testing.T) {
		b, err := board.New(op1, board.Config{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range base {
			b.Apply(e)
		}
		viewers := []marking.Viewer{{Agency: lead, State: dt.State("DE")}, {Agency: partner, State: dt.State("AT")}}
		before := viewsJSON(t, b, viewers)
		for _, e := range extra {
			if d := b.Apply(e); len(d.Changes) != 0 {
				t.Errorf("%s: delta of %d changes", e.Event.Type, len(d.Changes))
			}
		}
		if after := viewsJSON(t, b, viewers); after != before {
			t.Errorf("the views changed:\nbefore %s\nafter  %s", before, after)
		}
	})

	t.Run("compliance policy", func(t *testing.T) {
		p, err := compliance.New(compliance.Config{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range base {
			p.Apply(e)
		}
		for _, e := range extra {
			if ds := p.Apply(e); len(ds) != 0 {
				t.Errorf("%s: %d decisions", e.Event.Type, len(ds))
			}
		}
	})

	t.Run("agency operations", func(t *testing.T) {
		a := projections.NewAgencyOperations()
		for _, e := range base {
			a.Apply(e)
		}
		before := a.For(partner)
		for _, e := range extra {
			a.Apply(e)
		}
		if after := a.For(partner); !reflect.DeepEqual(after, before) || len(after) != 1 {
			t.Errorf("the summaries changed: %+v, then %+v", before, after)
		}
	})
}

func viewsJSON(t *testing.T, b *board.Board, viewers []marking.Viewer) string {
	t.Helper()
	out := ""
	for _, v := range viewers {
		raw, err := json.Marshal(b.View(v))
		if err != nil {
			t.Fatal(err)
		}
		out += string(raw)
	}
	return out
}
