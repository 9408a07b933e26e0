package boards_test

import (
	"math/rand/v2"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
)

// generator extends a log with a random but plausible stream of what a
// busy operation records: positions and observations of the four
// agencies under every kind of marking, relaxations, corrections and
// retractions by the originator, tasks, resource changes, and reports of
// another operation in between.
type generator struct {
	rng     *rand.Rand
	log     *eventLog
	next    uint64
	reports map[domain.AgencyID][]sent // each agency's reports, oldest first
	tasks   uint64
}

type sent struct {
	id      uint64
	marking marking.Marking
}

func newGenerator(seed uint64, l *eventLog) *generator {
	return &generator{rng: rand.New(rand.NewPCG(seed, 42)), log: l, next: 1000, reports: map[domain.AgencyID][]sent{}}
}

// run adds n events.
func (g *generator) run(n int) {
	for range n {
		g.log.add(g.event())
	}
}

func (g *generator) event() domain.Payload {
	by := participants[g.rng.IntN(len(participants))]
	mine := g.reports[by]
	switch k := g.rng.IntN(100); {
	case k < 40:
		return g.report(by, func(h fieldlog.Header) fieldlog.Report {
			return &fieldlog.PositionReported{Header: h, Position: fieldlog.Position{
				Point: dt.Must(geo.NewPoint(48+g.rng.Float64()/10, 7.1)), Source: fieldlog.SourceGPS}}
		})
	case k < 60:
		return g.report(by, func(h fieldlog.Header) fieldlog.Report {
			return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "seen"}}
		})
	case k < 66 && len(mine) > 0:
		old := mine[g.rng.IntN(len(mine))]
		return g.report(by, func(h fieldlog.Header) fieldlog.Report {
			h.Corrects = dt.Report(old.id)
			return &fieldlog.ObservationReported{Header: h, Observation: fieldlog.Observation{Text: "correction"}}
		})
	case k < 74 && len(mine) > 0:
		i := g.rng.IntN(len(mine))
		to := mark(by, marking.TLPGreen)
		g.next++
		p := relaxation(g.next, mine[i].id, by, mine[i].marking, to)
		mine[i].marking = to
		return p
	case k < 78 && len(mine) > 0:
		g.next++
		return &fieldlog.ReportRetracted{ReportID: dt.Report(g.next), OperationID: opID, UnitID: unitOf[by],
			Retracts: dt.Report(mine[g.rng.IntN(len(mine))].id), Reason: "wrong"}
	case k < 82:
		g.tasks++
		id := dt.Task(g.tasks)
		return &task.Issued{TaskID: id, OperationID: opID, UnitID: unitOf[by], IssuedBy: agA, Revision: 1,
			Terms: task.Terms{Objective: "check the bridge", Window: dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))}}
	case k < 85 && g.tasks > 0:
		id := dt.Task(1 + g.rng.Uint64N(g.tasks))
		return &task.Acknowledged{TaskID: id, UnitID: unitOf[by], Revision: 1}
	case k < 90:
		status := []operation.ResourceStatus{operation.StatusAvailable, operation.StatusAssigned, operation.StatusOutOfService}[g.rng.IntN(3)]
		return &operation.ResourceStatusChanged{OperationID: opID, UnitID: unitOf[by], Status: status, Reason: "shift"}
	default:
		g.next++
		return positioned(otherOp, g.next, outsider, mark(outsider, marking.TLPGreen), 49)
	}
}

// report builds a report of by under a random marking.
func (g *generator) report(by domain.AgencyID, build func(fieldlog.Header) fieldlog.Report) domain.Payload {
	g.next++
	m := g.marking(by)
	g.reports[by] = append(g.reports[by], sent{id: g.next, marking: m})
	return build(header(opID, g.next, by, m))
}

func (g *generator) marking(by domain.AgencyID) marking.Marking {
	other := participants[g.rng.IntN(len(participants))]
	switch g.rng.IntN(6) {
	case 0:
		return mark(by, marking.TLPClear)
	case 1, 2:
		return mark(by, marking.TLPGreen)
	case 3:
		return mark(by, marking.TLPAmber, other)
	case 4:
		return mark(by, marking.TLPAmberStrict)
	default:
		return mark(by, marking.TLPRed, by, other)
	}
}
