package history_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// The timeline decides visibility with Board.MayViewReport; it must agree
// with what Board.View shows, for every agency at every point of random
// logs: a report listed in the view is one it may see, and a report it may
// see is listed (position reports: every point shown may be seen).
func TestMayViewReportAgreesWithTheView(t *testing.T) {
	var seen, hidden int
	defer func() {
		if !t.Failed() && (seen == 0 || hidden == 0) {
			t.Errorf("the logs showed %d reports and hid %d: they test nothing", seen, hidden)
		}
	}()
	f := newFixture(t).running()
	f.add(registered(agC))
	setup := f.envs
	for seed := range uint64(5) {
		g := &generator{rng: rand.New(rand.NewPCG(seed, 11)), next: 5000, reports: map[domain.AgencyID][]sent{}}
		b := dt.Must(board.New(opID, board.Config{}))
		dir := projections.NewDirectory()
		r := projections.NewRouter()
		var reports []domain.ReportID
		fold := func(env projections.Envelope) {
			dir.Apply(env.Event.Payload)
			if op, ok := r.Route(env); ok && op == opID {
				b.Fold(env)
			}
			if rep, ok := env.Event.Payload.(fieldlog.Report); ok {
				if _, pos := rep.(*fieldlog.PositionReported); !pos {
					reports = append(reports, rep.Head().ReportID)
				}
			}
		}
		for _, env := range setup {
			fold(env)
		}
		at := dt.At(time.Hour)
		for i := range 400 {
			at = at.Add(time.Second)
			e := g.event(at)
			n := uint64(10_000 + i)
			fold(projections.Envelope{
				Position: eventstore.Position{Commit: n, Prepare: n}.String(), Stream: streamOf(e.p), Revision: uint64(i),
				Event: domain.Event{Type: e.p.EventType(), SchemaVersion: e.p.SchemaVersion(), OccurredAt: at, RecordedAt: at,
					Actor: domain.Actor{Agency: e.by}, Payload: e.p},
			})
			if i%25 != 24 {
				continue
			}
			for _, a := range everyone {
				viewer := dir.Viewer(a)
				s, h := checkVisibility(t, b, viewer, reports)
				seen, hidden = seen+s, hidden+h
			}
		}
	}
}

// checkVisibility compares MayViewReport with viewer's view and returns
// how many of reports it sees and how many it does not.
func checkVisibility(t *testing.T, b *board.Board, viewer marking.Viewer, reports []domain.ReportID) (seen, hidden int) {
	t.Helper()
	v := b.View(viewer)
	shown := map[domain.ReportID]bool{}
	for _, r := range v.Reports {
		shown[r.Report] = true
		if !b.MayViewReport(r.Report, viewer) {
			t.Fatalf("agency %s is shown report %s it may not view", viewer.Agency, r.Report)
		}
	}
	for _, id := range reports {
		if b.MayViewReport(id, viewer) != shown[id] {
			t.Fatalf("agency %s: MayViewReport(%s) = %v, shown %v", viewer.Agency, id, !shown[id], shown[id])
		}
		if shown[id] {
			seen++
		} else {
			hidden++
		}
	}
	for _, tr := range v.Tracks {
		for _, p := range tr.Points {
			if !b.MayViewReport(p.Report, viewer) {
				t.Fatalf("agency %s is shown position %s it may not view", viewer.Agency, p.Report)
			}
		}
	}
	return seen, hidden
}
