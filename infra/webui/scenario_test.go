package webui_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
)

// A random but realistic operation log, decided by the real aggregates, to
// run through both implementations of delta application. Agency 1 (DE)
// leads; 2 (FR) and 3 (DE) take part; 4 (FR) never does; 5 (NL) may join.
var (
	scOperation = dt.Operation(1)
	scLead      = dt.Agency(1)
	scPartner   = dt.Agency(2)
	scThird     = dt.Agency(3)
	scOutsider  = dt.Agency(4)
	scJoiner    = dt.Agency(5)
	scAgencies  = []domain.AgencyID{scLead, scPartner, scThird, scOutsider, scJoiner}
	scStates    = map[domain.AgencyID]domain.StateCode{
		scLead: dt.State("DE"), scPartner: dt.State("FR"), scThird: dt.State("DE"),
		scOutsider: dt.State("FR"), scJoiner: dt.State("NL"),
	}
)

func scViewer(a domain.AgencyID) marking.Viewer {
	return marking.Viewer{Agency: a, State: scStates[a]}
}

// scenario drives the aggregates with random decisions; a refused
// decision raises nothing and is skipped.
type scenario struct {
	t       testing.TB
	rng     *rand.Rand
	now     time.Time
	envs    []projections.Envelope
	revs    map[string]uint64
	op      *operation.Operation
	logs    map[domain.UnitID]*fieldlog.Log
	owner   map[domain.UnitID]domain.AgencyID
	units   []domain.UnitID
	reports map[domain.UnitID][]domain.ReportID
	points  map[domain.ReportID]bool // position reports
	tasks   []*task.Task
	seat    domain.PositionID
	holder  domain.PersonRef
	next    uint64
	counts  map[string]int
	flags   scenarioFlags
}

func newScenario(t testing.TB, seed uint64) *scenario {
	sc := &scenario{
		t: t, rng: rand.New(rand.NewPCG(seed, 11)), now: dt.T0(), revs: map[string]uint64{},
		op: operation.New(scOperation), logs: map[domain.UnitID]*fieldlog.Log{},
		owner: map[domain.UnitID]domain.AgencyID{}, reports: map[domain.UnitID][]domain.ReportID{},
		points: map[domain.ReportID]bool{}, next: 1000, counts: map[string]int{},
		flags: newScenarioFlags(seed),
	}
	sc.setUp()
	return sc
}

func (sc *scenario) tick() time.Time {
	sc.now = sc.now.Add(time.Duration(30+sc.rng.IntN(60)) * time.Second)
	return sc.now
}

func (sc *scenario) meta(a domain.AgencyID) domain.Meta {
	return dt.Meta(sc.t, domain.Actor{Agency: a, Person: dt.Person(900)}, sc.tick())
}

func (sc *scenario) id() uint64 {
	sc.next++
	return sc.next
}

// decide records what a decision raised, as the log would.
func (sc *scenario) decide(agg domain.Aggregate, kind string, err error) {
	if err != nil {
		return
	}
	for _, e := range agg.Changes() {
		stream := agg.Stream()
		rev := sc.revs[stream]
		sc.revs[stream] = rev + 1
		sc.envs = append(sc.envs, projections.Envelope{
			Position: fmt.Sprintf("%d/%d", len(sc.envs)+1, len(sc.envs)+1), Stream: stream, Revision: rev, Event: e,
		})
	}
	agg.Commit()
	sc.counts[kind]++
}

func square(lon, lat, size float64) geo.Polygon {
	return dt.Must(geo.NewPolygon(orb.Polygon{{{lon, lat}, {lon + size, lat}, {lon + size, lat + size}, {lon, lat + size}, {lon, lat}}}))
}

func (sc *scenario) setUp() {
	parts := []domain.AgencyID{scLead, scPartner, scThird}
	sc.decide(sc.op, "propose", sc.op.Propose(sc.meta(scLead), operation.Proposal{
		Purpose: "Joint patrol of the Rhine crossings", Lead: scLead, Participants: parts,
		HostStates: []domain.StateCode{dt.State("DE"), dt.State("FR")},
		LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm", "Art. 17"))},
		Area:       square(7, 48, 0.3), Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(30*24*time.Hour))),
	}))
	for _, a := range parts {
		sc.decide(sc.op, "agree", sc.op.Agree(sc.meta(a), 1))
	}
	sc.decide(sc.op, "activate", sc.op.Activate(sc.meta(scLead)))
	for n := range 3 {
		start := dt.T0().Add(time.Duration(n) * 90 * time.Minute)
		sc.decide(sc.op, "plan", sc.op.PlanOperationalPeriod(sc.meta(scLead),
			dt.Must(domain.NewPeriod(start, start.Add(90*time.Minute))), []string{fmt.Sprintf("Objective %d", n+1)}))
	}
	sc.decide(sc.op, "org unit", sc.op.AddOrgUnit(sc.meta(scLead), operation.OrgUnit{ID: dt.OrgUnit(1), Kind: operation.KindBranch, Name: "Operations"}))
	sc.decide(sc.op, "org unit", sc.op.AddOrgUnit(sc.meta(scLead), operation.OrgUnit{ID: dt.OrgUnit(2), Parent: dt.OrgUnit(1), Kind: operation.KindGroup, Name: "Bridges"}))
	sc.seat = dt.Position(1)
	sc.decide(sc.op, "position", sc.op.EstablishPosition(sc.meta(scLead), operation.PositionSpec{ID: sc.seat, Title: "Commander DE", CommandSeatOf: scLead}))
	sc.decide(sc.op, "position", sc.op.EstablishPosition(sc.meta(scLead), operation.PositionSpec{ID: dt.Position(2), OrgUnit: dt.OrgUnit(1), Title: "Operations chief"}))
	sc.holder = dt.PersonRef(11, 1)
	sc.decide(sc.op, "fill", sc.op.FillPosition(sc.meta(scLead), sc.seat, sc.holder, sc.now))
	for i, a := range []domain.AgencyID{scLead, scPartner, scPartner, scThird} {
		sc.checkIn(dt.Unit(uint64(i+1)), a)
	}
}

func (sc *scenario) checkIn(u domain.UnitID, a domain.AgencyID) {
	sc.decide(sc.op, "check in", sc.op.CheckInResource(sc.meta(a), operation.CheckIn{
		Unit: u, Agency: a, Kind: operation.ResourceVehicle, CallSign: fmt.Sprintf("Unit %s", u.String()[34:]), Personnel: 2 + sc.rng.IntN(3),
	}))
	sc.units = append(sc.units, u)
	sc.owner[u] = a
	sc.logs[u] = fieldlog.New(scOperation, u)
}

// markings is every marking an originator uses, CLEAR to RED.
func markings(o domain.AgencyID) []marking.Marking {
	b2 := dt.Must(marking.ParseEvaluation("B2"))
	mk := func(tlp marking.TLP, agencies []domain.AgencyID, states ...domain.StateCode) marking.Marking {
		var r marking.Recipients
		if len(agencies) > 0 || len(states) > 0 {
			r = dt.Must(marking.NewRecipients(agencies, states))
		}
		return dt.Must(marking.New(marking.Spec{Originator: o, TLP: tlp, ReleasableTo: r, Evaluation: b2}))
	}
	return []marking.Marking{
		mk(marking.TLPClear, nil),
		mk(marking.TLPGreen, nil),
		mk(marking.TLPAmber, nil),
		mk(marking.TLPAmber, []domain.AgencyID{scPartner}),
		mk(marking.TLPAmberStrict, nil),
		mk(marking.TLPRed, []domain.AgencyID{scThird}),
		mk(marking.TLPRed, []domain.AgencyID{scJoiner}),
		mk(marking.TLPRed, nil, dt.State("FR")),
	}
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// run takes steps random decisions.
func (sc *scenario) run(steps int) {
	for range steps {
		if !sc.op.Active() && sc.rng.IntN(3) == 0 {
			sc.suspendOrResume() // tasks wait for an active operation
			continue
		}
		switch n := sc.rng.IntN(100); {
		case n < 28:
			sc.position(domain.ReportID{})
		case n < 40:
			sc.observation(domain.ReportID{})
		case n < 48:
			sc.correct()
		case n < 53:
			sc.retract()
		case n < 62:
			sc.relax()
		case n < 80:
			sc.taskStep()
		case n < 84:
			sc.transfer()
		case n < 88:
			sc.resourceStep()
		case n < 90:
			sc.join()
		case n < 93:
			sc.plan()
		case n < 96:
			sc.redraw()
		default:
			sc.suspendOrResume()
		}
		sc.flagStep()
	}
}

func (sc *scenario) point() geo.Point {
	return dt.Must(geo.NewPoint(48+sc.rng.Float64()*0.3, 7+sc.rng.Float64()*0.3))
}

func (sc *scenario) unitFor(corrects domain.ReportID) domain.UnitID {
	if !corrects.IsZero() {
		for u, rs := range sc.reports {
			for _, r := range rs {
				if r == corrects {
					return u
				}
			}
		}
	}
	return pick(sc.rng, sc.units)
}

func (sc *scenario) position(corrects domain.ReportID) {
	u := sc.unitFor(corrects)
	a := sc.owner[u]
	late := time.Duration(0)
	if sc.rng.IntN(5) == 0 {
		late = time.Duration(5+sc.rng.IntN(60)) * time.Minute
	}
	now := sc.tick()
	m := dt.MetaAt(sc.t, domain.Actor{Agency: a, Unit: u}, now.Add(-late), now)
	id := dt.Report(sc.id())
	sc.decide(sc.logs[u], "position", sc.logs[u].ReportPosition(m,
		fieldlog.Entry{ID: id, Marking: pick(sc.rng, markings(a)), Corrects: corrects},
		fieldlog.Position{Point: sc.point(), Source: fieldlog.SourceGPS}))
	sc.reports[u] = append(sc.reports[u], id)
	sc.points[id] = true
}

func (sc *scenario) observation(corrects domain.ReportID) {
	u := sc.unitFor(corrects)
	a := sc.owner[u]
	id := dt.Report(sc.id())
	body := fieldlog.Observation{Text: fmt.Sprintf("Sighting %d: white van heading north", sc.next)}
	if sc.rng.IntN(2) == 0 {
		p := sc.point()
		body.Point = &p
	}
	sc.decide(sc.logs[u], "observation", sc.logs[u].ReportObservation(
		dt.Meta(sc.t, domain.Actor{Agency: a, Unit: u}, sc.tick()),
		fieldlog.Entry{ID: id, Marking: pick(sc.rng, markings(a)), Corrects: corrects}, body))
	sc.reports[u] = append(sc.reports[u], id)
}

func (sc *scenario) someReport() (domain.UnitID, domain.ReportID, bool) {
	u := pick(sc.rng, sc.units)
	if len(sc.reports[u]) == 0 {
		return u, domain.ReportID{}, false
	}
	return u, pick(sc.rng, sc.reports[u]), true
}

func (sc *scenario) correct() {
	u, id, ok := sc.someReport()
	if !ok || sc.logs[u].Superseded(id) || sc.logs[u].Retracted(id) {
		return
	}
	if sc.points[id] {
		sc.position(id)
	} else {
		sc.observation(id)
	}
}

func (sc *scenario) retract() {
	u, id, ok := sc.someReport()
	if !ok {
		return
	}
	sc.decide(sc.logs[u], "retract", sc.logs[u].Retract(
		dt.Meta(sc.t, domain.Actor{Agency: sc.owner[u], Unit: u}, sc.tick()), dt.Report(sc.id()), id, "wrong vehicle"))
}

func (sc *scenario) relax() {
	u, id, ok := sc.someReport()
	if !ok {
		return
	}
	from, ok := sc.logs[u].Marking(id)
	if !ok {
		return
	}
	var tos []marking.Marking
	for _, m := range markings(sc.owner[u]) {
		if marking.CheckRelaxation(sc.owner[u], from, m) == nil {
			tos = append(tos, m)
		}
	}
	if len(tos) == 0 {
		return
	}
	sc.decide(sc.logs[u], "relax", sc.logs[u].RelaxMarking(
		dt.Meta(sc.t, domain.Actor{Agency: sc.owner[u], Unit: u}, sc.tick()), dt.Report(sc.id()), id, pick(sc.rng, tos)))
}

func (sc *scenario) taskStep() {
	if len(sc.tasks) == 0 || sc.rng.IntN(3) == 0 {
		k := task.New(dt.Task(sc.id()))
		sc.tasks = append(sc.tasks, k)
		terms := task.Terms{
			Objective: fmt.Sprintf("Check the rest area %d", sc.next),
			Window:    dt.Must(domain.NewPeriod(sc.now, sc.now.Add(4*time.Hour))),
		}
		if sc.rng.IntN(2) == 0 {
			terms.Area = square(7+sc.rng.Float64()*0.2, 48+sc.rng.Float64()*0.2, 0.05)
			terms.Constraints = []string{"No entry into private premises"}
		}
		sc.decide(k, "issue", k.Issue(sc.meta(scLead), sc.op, pick(sc.rng, sc.units), terms))
		return
	}
	k := pick(sc.rng, sc.tasks)
	if !k.Open() {
		return
	}
	crew := domain.Actor{Agency: sc.owner[k.Unit()], Unit: k.Unit()}
	if k.AwaitsAcknowledgement() && sc.rng.IntN(3) > 0 {
		sc.decide(k, "acknowledge", k.Acknowledge(dt.Meta(sc.t, crew, sc.tick()), k.Revision()))
		return
	}
	switch sc.rng.IntN(4) {
	case 0:
		sc.decide(k, "acknowledge", k.Acknowledge(dt.Meta(sc.t, crew, sc.tick()), k.Revision()))
	case 1:
		terms := k.Terms()
		terms.Objective += " (amended)"
		sc.decide(k, "amend", k.Amend(sc.meta(scLead), sc.op, terms, "new information"))
	case 2:
		sc.decide(k, "complete", k.Complete(dt.Meta(sc.t, crew, sc.tick()), "done"))
	default:
		sc.decide(k, "cancel", k.Cancel(sc.meta(scLead), "no longer needed"))
	}
}

func (sc *scenario) transfer() {
	to := dt.PersonRef(20+sc.next%7, 1)
	if to == sc.holder {
		return
	}
	by := domain.Actor{Agency: scLead, Person: sc.holder.Person()}
	now := sc.tick()
	sc.decide(sc.op, "transfer", sc.op.TransferCommand(dt.Meta(sc.t, by, now), operation.Transfer{
		Position: sc.seat, From: sc.holder.Person(), To: to, BriefingRef: "BRF-1",
		EffectiveAt: now.Add(time.Duration(sc.rng.IntN(15)) * time.Minute),
	}))
	if ts := sc.op.Tenures(sc.seat); len(ts) > 0 && ts[len(ts)-1].Holder == to {
		sc.holder = to
	}
}

func (sc *scenario) resourceStep() {
	u := pick(sc.rng, sc.units)
	switch sc.rng.IntN(4) {
	case 0:
		sc.decide(sc.op, "assign", sc.op.AssignResource(sc.meta(scLead), u, pick(sc.rng, []domain.OrgUnitID{dt.OrgUnit(1), dt.OrgUnit(2)})))
	case 1:
		sc.decide(sc.op, "out of service", sc.op.MarkResourceOutOfService(sc.meta(sc.owner[u]), u, "flat tyre"))
	case 2:
		sc.decide(sc.op, "available", sc.op.MarkResourceAvailable(sc.meta(sc.owner[u]), u))
	default:
		sc.decide(sc.op, "fill", sc.op.FillPosition(sc.meta(scLead), dt.Position(2), dt.PersonRef(30+sc.next%3, 1), sc.now))
	}
}

func (sc *scenario) join() {
	if sc.op.Participates(scJoiner) {
		return
	}
	sc.decide(sc.op, "join", sc.op.AddParticipant(sc.meta(scLead), scJoiner))
	sc.decide(sc.op, "agree", sc.op.Agree(sc.meta(scJoiner), sc.op.ArrangementVersion()))
	sc.checkIn(dt.Unit(5), scJoiner)
}

func (sc *scenario) plan() {
	n := len(sc.op.OperationalPeriods())
	if n > 0 && sc.rng.IntN(2) == 0 {
		sc.decide(sc.op, "objective", sc.op.AddObjective(sc.meta(scLead), 1+sc.rng.IntN(n), fmt.Sprintf("Extra objective %d", sc.next)))
		return
	}
	start := dt.T0().Add(time.Duration(n) * 90 * time.Minute)
	sc.decide(sc.op, "plan", sc.op.PlanOperationalPeriod(sc.meta(scLead),
		dt.Must(domain.NewPeriod(start, start.Add(90*time.Minute))), []string{fmt.Sprintf("Objective %d", n+1)}))
}

func (sc *scenario) redraw() {
	sc.decide(sc.op, "area", sc.op.ChangeArea(sc.meta(scLead), square(6.9+sc.rng.Float64()*0.1, 47.9+sc.rng.Float64()*0.1, 0.4)))
}

func (sc *scenario) suspendOrResume() {
	if sc.op.Active() {
		sc.decide(sc.op, "suspend", sc.op.Suspend(sc.meta(scLead), "weather"))
	} else {
		sc.decide(sc.op, "resume", sc.op.Resume(sc.meta(scLead)))
	}
}

// checkCoverage fails a scenario that stopped producing the interesting
// cases, so the comparison cannot pass vacuously.
func (sc *scenario) checkCoverage(t *testing.T) {
	t.Helper()
	for _, kind := range []string{"position", "observation", "relax", "retract", "issue", "acknowledge", "complete", "transfer", "plan",
		"raise flag", "answer flag"} {
		if sc.counts[kind] == 0 {
			t.Errorf("the scenario has no %s: %v", kind, sc.counts)
		}
	}
}
