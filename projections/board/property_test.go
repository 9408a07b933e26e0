package board_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

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

// TestDeltasReplayToTheView is the board's central property, over random
// but realistic logs (decided by the real aggregates: positions, late
// positions, reports, corrections, retractions, relaxations, tasks,
// command changes, a participant joining, compliance flags raised on one
// or two reports, cleared, acknowledged and disputed), with windows small
// enough that the logs overflow them — corrections, retractions,
// relaxations and flags reach reports still in a window and reports long
// out of every one: for every agency and every prefix of the log,
//
//   - applying the agency's deltas in order to its view of the empty board
//     gives Board.View of the board folded from that prefix (so a report
//     the board dropped is one every client's trim dropped too);
//   - a board rebuilt with Fold shows the same View;
//   - nothing the agency may not see at that point — by an independent
//     oracle of MayView over each report's marking in force, its
//     corrected reports and the participants — appears in its view or its
//     deltas, not even an ID;
//   - its reports other than positions are exactly the latest
//     ReportLength it may see among those still in the window of their
//     marking list, by the oracle, and it sees every flag it may: one
//     whose reports it may all see, or whose unit is its own.
func TestDeltasReplayToTheView(t *testing.T) {
	cfg := board.Config{TrackLength: 2, SignificantLength: 3, ReportLength: 3}
	reached := map[string]int{}
	for seed := range uint64(8) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			g := newGenerator(t, seed)
			g.run(220)
			live := dt.Must(board.New(opID, cfg))
			rebuilt := dt.Must(board.New(opID, cfg))
			views := map[domain.AgencyID]*board.View{}
			for _, a := range agencies {
				v := live.View(viewer(a))
				views[a] = &v
			}
			o := newOracle(cfg.ReportLength)
			for _, env := range g.log.envs {
				countReach(reached, live, o, env)
				d := live.Apply(env)
				rebuilt.Fold(env)
				o.fold(env)
				for _, a := range agencies {
					ad := d.For(viewer(a))
					views[a].Apply(ad)
					liveView := live.View(viewer(a))
					want := mustJSON(t, liveView)
					if got := *views[a]; !reflect.DeepEqual(got, liveView) && mustJSON(t, got) != want {
						t.Fatalf("position %s, agency %s: view from deltas\n%s\nwant Board.View\n%s", env.Position, a, mustJSON(t, got), want)
					}
					if got := rebuilt.View(viewer(a)); !reflect.DeepEqual(got, liveView) && mustJSON(t, got) != want {
						t.Fatalf("position %s, agency %s: view of the folded board\n%s\nwant\n%s", env.Position, a, mustJSON(t, got), want)
					}
					if got, want := reportIDs(liveView), o.reportWindow(a, cfg.ReportLength); !slices.Equal(got, want) {
						t.Fatalf("position %s, agency %s sees the reports %v, want the latest it may see %v", env.Position, a, got, want)
					}
					if missing := o.missingFlag(a, liveView); missing != "" {
						t.Fatalf("position %s, agency %s does not see %s, which it may", env.Position, a, missing)
					}
					seen := want
					if ad != nil {
						seen += mustJSON(t, ad)
					}
					if leaked := o.leaked(a, seen); leaked != "" {
						t.Fatalf("position %s, agency %s sees %s, which it may not", env.Position, a, leaked)
					}
					if leaked := o.leakedFlag(a, *views[a], ad); leaked != "" {
						t.Fatalf("position %s, agency %s sees %s, which it may not", env.Position, a, leaked)
					}
				}
			}
			g.checkCoverage(t)
		})
	}
	t.Logf("reached %v", reached)
	// Every event that names an earlier report reached, over the seeds,
	// reports other than positions both still in a window and out of all.
	for _, what := range []string{"correct", "retract", "relax", "flag"} {
		for _, where := range []string{"retained", "dropped"} {
			if reached[what+" "+where] == 0 {
				t.Errorf("no %s of a %s report in the generated logs: %v", what, where, reached)
			}
		}
	}
}

// countReach counts, before env is folded, the reports other than
// positions it names (a correction's original, a retraction's or
// relaxation's report, a flag's evidence) by whether b still keeps them.
func countReach(reached map[string]int, b *board.Board, o *oracle, env projections.Envelope) {
	var what string
	var named []domain.ReportID
	switch e := env.Event.Payload.(type) {
	case fieldlog.Report:
		what, named = "correct", []domain.ReportID{e.Head().Corrects}
	case *fieldlog.ReportRetracted:
		what, named = "retract", []domain.ReportID{e.Retracts}
	case *fieldlog.MarkingRelaxed:
		what, named = "relax", []domain.ReportID{e.Report}
	case *compliance.FlagRaised:
		what = "flag"
		for _, r := range e.Evidence {
			named = append(named, r.Report)
		}
	}
	for _, id := range named {
		if _, ok := o.markings[id]; !ok || o.positions[id] {
			continue
		}
		where := "dropped"
		if b.Retains(id) {
			where = "retained"
		}
		reached[what+" "+where]++
	}
}

// oracle knows, for every report ID in the log, what hides it, and which
// reports other than positions left the window of their marking list
// (window reports later of the same markings in force, its own and its
// corrected reports', arrived or were relaxed into it): those are in no
// agency's view, not even of one a relaxation entitles afterwards.
type oracle struct {
	window       int
	dropped      map[domain.ReportID]bool
	participants []domain.AgencyID
	markings     map[domain.ReportID]marking.Marking
	corrects     map[domain.ReportID]domain.ReportID
	retracts     map[domain.ReportID]domain.ReportID // retraction → retracted report
	relaxations  []domain.ReportID                   // never shown to anyone
	positions    map[domain.ReportID]bool
	recorded     map[domain.ReportID]time.Time
	owners       map[domain.UnitID]domain.AgencyID
	flags        map[compliance.FlagID]oracleFlag
}

// oracleFlag is what decides who may see a flag: its reports and the
// agency whose unit acted.
type oracleFlag struct {
	reports []domain.ReportID
	agency  domain.AgencyID
}

func newOracle(window int) *oracle {
	return &oracle{
		window:    window,
		dropped:   map[domain.ReportID]bool{},
		markings:  map[domain.ReportID]marking.Marking{},
		corrects:  map[domain.ReportID]domain.ReportID{},
		retracts:  map[domain.ReportID]domain.ReportID{},
		positions: map[domain.ReportID]bool{},
		recorded:  map[domain.ReportID]time.Time{},
		owners:    map[domain.UnitID]domain.AgencyID{},
		flags:     map[compliance.FlagID]oracleFlag{},
	}
}

func (o *oracle) fold(env projections.Envelope) {
	switch e := env.Event.Payload.(type) {
	case *operation.Proposed:
		o.participants = slices.Clone(e.Participants)
	case *operation.ParticipantAdded:
		o.participants = append(o.participants, e.Agency)
	case fieldlog.Report:
		if _, known := o.markings[e.Head().ReportID]; known {
			return // a board ignores a report it knows
		}
		_, o.positions[e.Head().ReportID] = e.(*fieldlog.PositionReported)
		o.recorded[e.Head().ReportID] = env.Event.RecordedAt
		o.markings[e.Head().ReportID] = e.Head().Marking
		if c := e.Head().Corrects; !c.IsZero() {
			o.corrects[e.Head().ReportID] = c
		}
		o.crowd(e.Head().ReportID)
	case *fieldlog.ReportRetracted:
		o.retracts[e.ReportID] = e.Retracts
	case *fieldlog.MarkingRelaxed:
		o.relaxations = append(o.relaxations, e.ReportID)
		if _, known := o.markings[e.Report]; !known {
			return
		}
		o.markings[e.Report] = e.To
		for id := range o.markings {
			if o.corrected(id, e.Report) {
				o.crowd(id)
			}
		}
	case *operation.ResourceCheckedIn:
		o.owners[e.UnitID] = e.Agency
	case *compliance.FlagRaised:
		f := oracleFlag{agency: o.owners[e.Unit]}
		for _, r := range e.Evidence {
			f.reports = append(f.reports, r.Report)
		}
		o.flags[e.ID] = f
	}
}

// leakedFlag returns a flag in v or d that a may not see, or "". A flag
// ID appears nowhere but as a flag's own (no report names one), so the
// flags and the flag changes are all there is to check.
func (o *oracle) leakedFlag(a domain.AgencyID, v board.View, d *board.AgencyDelta) string {
	ids := flagIDs(v)
	if d != nil {
		for _, c := range d.Changes {
			if c.Collection == board.CollFlags {
				ids = append(ids, compliance.FlagID(c.Key))
			}
		}
	}
	for _, id := range ids {
		if !o.mayViewFlag(a, id) {
			return "flag " + string(id)
		}
	}
	return ""
}

// mayViewFlag reports whether a may see flag id: it may see every report
// the flag rests on, or its unit acted.
func (o *oracle) mayViewFlag(a domain.AgencyID, id compliance.FlagID) bool {
	f := o.flags[id]
	if !slices.Contains(o.participants, a) {
		return false
	}
	if a == f.agency {
		return true
	}
	for _, r := range f.reports {
		if !o.mayView(a, r) {
			return false
		}
	}
	return true
}

func (o *oracle) mayView(a domain.AgencyID, id domain.ReportID) bool {
	if !slices.Contains(o.participants, a) {
		return false
	}
	if target, ok := o.retracts[id]; ok {
		id = target
	}
	for ; !id.IsZero(); id = o.corrects[id] {
		if !marking.MayView(o.markings[id], viewer(a), o.participants) {
			return false
		}
	}
	return true
}

// markingsOf names what hides a report: its marking in force, then those
// of the reports it corrects, nearest first.
func (o *oracle) markingsOf(id domain.ReportID) string {
	var s strings.Builder
	for ; !id.IsZero(); id = o.corrects[id] {
		m, err := json.Marshal(o.markings[id]) // canonical: equal markings, equal texts
		if err != nil {
			panic(err) // every marking of the generated logs encodes
		}
		s.Write(m)
	}
	return s.String()
}

// corrected reports whether id is report r or corrects it, directly or
// not.
func (o *oracle) corrected(id, r domain.ReportID) bool {
	for ; !id.IsZero(); id = o.corrects[id] {
		if id == r {
			return true
		}
	}
	return false
}

// crowd drops, when report id (not a position, not dropped) arrived in
// the window of its markings, the oldest report of that window beyond its
// size.
func (o *oracle) crowd(id domain.ReportID) {
	if o.positions[id] || o.dropped[id] {
		return
	}
	key := o.markingsOf(id)
	var same []domain.ReportID
	for r := range o.markings {
		if !o.positions[r] && !o.dropped[r] && o.markingsOf(r) == key {
			same = append(same, r)
		}
	}
	if len(same) > o.window {
		o.dropped[slices.MinFunc(same, o.compareRecorded)] = true
	}
}

func (o *oracle) compareRecorded(x, y domain.ReportID) int {
	if c := o.recorded[x].Compare(o.recorded[y]); c != 0 {
		return c
	}
	return x.Compare(y)
}

// reportWindow returns the latest n reports other than positions that a
// may see among those not dropped, by recorded_at then ID.
func (o *oracle) reportWindow(a domain.AgencyID, n int) []domain.ReportID {
	var out []domain.ReportID
	for id := range o.markings {
		if !o.positions[id] && !o.dropped[id] && o.mayView(a, id) {
			out = append(out, id)
		}
	}
	slices.SortFunc(out, o.compareRecorded)
	return out[max(0, len(out)-n):]
}

// missingFlag returns a flag that a may see and v does not show, or "".
func (o *oracle) missingFlag(a domain.AgencyID, v board.View) string {
	for id := range o.flags {
		if o.mayViewFlag(a, id) && !slices.ContainsFunc(v.Flags, func(f board.Flag) bool { return f.ID == id }) {
			return "flag " + string(id)
		}
	}
	return ""
}

// leaked returns a report ID in seen that a may not see, or "".
func (o *oracle) leaked(a domain.AgencyID, seen string) string {
	in := uuidsIn(seen)
	for id := range o.markings {
		if !o.mayView(a, id) && in[id.String()] {
			return "report " + id.String()
		}
	}
	for id := range o.retracts {
		if !o.mayView(a, id) && in[id.String()] {
			return "retraction " + id.String()
		}
	}
	for _, id := range o.relaxations {
		if in[id.String()] {
			return "relaxation " + id.String()
		}
	}
	return ""
}

// uuidsIn returns every substring of s that has the canonical form of a
// UUID, wherever it is (a value, a key, inside a text): one pass, where
// testing each ID with strings.Contains would scan s once per ID.
func uuidsIn(s string) map[string]bool {
	out := map[string]bool{}
	for i := 0; i+36 <= len(s); i++ {
		if s[i+8] != '-' || s[i+13] != '-' || s[i+18] != '-' || s[i+23] != '-' {
			continue
		}
		if _, err := uuid.Parse(s[i : i+36]); err == nil {
			out[s[i:i+36]] = true
		}
	}
	return out
}

// generator drives the aggregates with random decisions and records what
// they raise. Rejected decisions raise nothing and are simply skipped.
type generator struct {
	t       testing.TB
	rng     *rand.Rand
	log     *eventLog
	now     time.Time
	op      *operation.Operation
	logs    map[domain.UnitID]*fieldlog.Log
	owner   map[domain.UnitID]domain.AgencyID
	units   []domain.UnitID
	reports map[domain.UnitID][]domain.ReportID
	tasks   []*task.Task
	next    uint64
	seat    domain.PositionID
	holder  domain.PersonRef
	joined  bool
	counts  map[string]int
	flagged flagSteps
}

func newGenerator(t testing.TB, seed uint64) *generator {
	g := &generator{
		t: t, rng: rand.New(rand.NewPCG(seed, 7)), log: newLog(), now: dt.T0(),
		op: operation.New(opID), logs: map[domain.UnitID]*fieldlog.Log{}, owner: map[domain.UnitID]domain.AgencyID{},
		reports: map[domain.UnitID][]domain.ReportID{}, next: 100_000, counts: map[string]int{},
		flagged: newFlagSteps(seed),
	}
	g.setUp()
	return g
}

func (g *generator) meta(a domain.AgencyID) domain.Meta {
	g.now = g.now.Add(time.Minute)
	return dt.Meta(g.t, domain.Actor{Agency: a, Person: dt.Person(10 + uint64(len(g.owner)))}, g.now)
}

// decide runs a decision and records what the aggregate raised.
func (g *generator) decide(agg domain.Aggregate, kind string, err error) {
	if err != nil {
		return
	}
	for _, e := range agg.Changes() {
		stream := agg.Stream()
		rev := g.log.revs[stream]
		g.log.revs[stream] = rev + 1
		g.log.envs = append(g.log.envs, projections.Envelope{
			Position: fmt.Sprint(len(g.log.envs) + 1), Stream: stream, Revision: rev, Event: e,
		})
	}
	agg.Commit()
	g.counts[kind]++
}

func (g *generator) setUp() {
	parts := ids(lead, partner, third)
	g.decide(g.op, "propose", g.op.Propose(g.meta(lead), operation.Proposal{
		Purpose: "Joint patrol", Lead: lead, Participants: parts, HostStates: []domain.StateCode{dt.State("DE")},
		LegalBasis: []domain.LegalRef{dt.Must(domain.NewLegalRef("Prüm", "Art. 17"))}, Area: area,
		Period: dt.Must(domain.NewPeriod(dt.T0(), dt.At(30*24*time.Hour))),
	}))
	for _, a := range parts {
		g.decide(g.op, "agree", g.op.Agree(g.meta(a), 1))
	}
	g.decide(g.op, "activate", g.op.Activate(g.meta(lead)))
	g.seat = dt.Position(1)
	g.decide(g.op, "seat", g.op.EstablishPosition(g.meta(lead), operation.PositionSpec{ID: g.seat, Title: "Commander DE", CommandSeatOf: lead}))
	g.holder = dt.PersonRef(11, 1)
	g.decide(g.op, "fill", g.op.FillPosition(g.meta(lead), g.seat, g.holder, g.now))
	for i, a := range parts {
		g.checkIn(dt.Unit(uint64(i+1)), a)
	}
}

func (g *generator) checkIn(u domain.UnitID, a domain.AgencyID) {
	g.decide(g.op, "check in", g.op.CheckInResource(g.meta(a), operation.CheckIn{
		Unit: u, Agency: a, Kind: operation.ResourceUnit, CallSign: "Unit " + u.String()[30:], Personnel: 2,
	}))
	g.units = append(g.units, u)
	g.owner[u] = a
	g.logs[u] = fieldlog.New(opID, u)
}

// pool is every marking an originator may use in the generated logs.
func pool(o domain.AgencyID) []marking.Marking {
	return []marking.Marking{
		mark(o, marking.TLPClear, nil),
		mark(o, marking.TLPGreen, nil),
		mark(o, marking.TLPAmber, nil),
		mark(o, marking.TLPAmber, ids(partner)),
		mark(o, marking.TLPAmber, nil, dt.State("DE")),
		mark(o, marking.TLPAmberStrict, nil),
		mark(o, marking.TLPRed, ids(third)),
		mark(o, marking.TLPRed, ids(joiner)),
		mark(o, marking.TLPRed, ids(outsider)),
		mark(o, marking.TLPRed, nil, dt.State("FR")),
		mark(o, marking.TLPRed, ids(third, joiner)),
	}
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// marking picks the marking of a new report of originator o: mostly its
// usual GREEN or AMBER+STRICT, so that reports share marking lists and
// overflow the windows, one time in four any.
func (g *generator) marking(o domain.AgencyID) marking.Marking {
	p := pool(o)
	switch g.rng.IntN(4) {
	case 0, 1:
		return p[1]
	case 2:
		return p[5]
	}
	return pick(g.rng, p)
}

func (g *generator) newReport() domain.ReportID {
	g.next++
	return dt.Report(g.next)
}

func (g *generator) run(steps int) {
	for range steps {
		switch n := g.rng.IntN(100); {
		case n < 18:
			g.position(domain.ReportID{})
		case n < 42:
			g.observation(domain.ReportID{})
		case n < 54:
			g.correct()
		case n < 60:
			g.retract()
		case n < 72:
			g.relax()
		case n < 86:
			g.taskStep()
		case n < 89:
			g.join()
		case n < 93:
			g.transfer()
		case n < 96:
			g.plan()
		default:
			g.suspendOrResume()
		}
		g.flagStep()
	}
}

func (g *generator) position(corrects domain.ReportID) {
	u := pick(g.rng, g.units)
	if !corrects.IsZero() {
		u = g.unitOf(corrects)
	}
	a := g.owner[u]
	late := time.Duration(0)
	if g.rng.IntN(6) == 0 {
		late = time.Duration(10+g.rng.IntN(80)) * time.Minute
	}
	g.now = g.now.Add(time.Minute)
	m := dt.MetaAt(g.t, domain.Actor{Agency: a, Unit: u}, g.now.Add(-late), g.now)
	id := g.newReport()
	p := dt.Must(geo.NewPoint(48+g.rng.Float64()/10, 7+g.rng.Float64()/10))
	kind := "position"
	if !corrects.IsZero() {
		kind = "position correction"
	}
	g.decide(g.logs[u], kind, g.logs[u].ReportPosition(m, fieldlog.Entry{ID: id, Marking: g.marking(a), Corrects: corrects},
		fieldlog.Position{Point: p, Source: fieldlog.SourceGPS}))
	g.reports[u] = append(g.reports[u], id)
}

func (g *generator) observation(corrects domain.ReportID) {
	u := pick(g.rng, g.units)
	if !corrects.IsZero() {
		u = g.unitOf(corrects)
	}
	a := g.owner[u]
	id := g.newReport()
	kind := "observation"
	if !corrects.IsZero() {
		kind = "observation correction"
	}
	g.decide(g.logs[u], kind, g.logs[u].ReportObservation(g.meta(a), fieldlog.Entry{ID: id, Marking: g.marking(a), Corrects: corrects},
		fieldlog.Observation{Text: fmt.Sprintf("sighting %d", g.next)}))
	g.reports[u] = append(g.reports[u], id)
}

func (g *generator) unitOf(id domain.ReportID) domain.UnitID {
	for u, rs := range g.reports {
		if slices.Contains(rs, id) {
			return u
		}
	}
	return domain.UnitID{}
}

// someReport picks a report of the log, or the zero ID.
func (g *generator) someReport() (domain.UnitID, domain.ReportID) {
	u := pick(g.rng, g.units)
	if len(g.reports[u]) == 0 {
		return u, domain.ReportID{}
	}
	return u, pick(g.rng, g.reports[u])
}

func (g *generator) correct() {
	u, id := g.someReport()
	if id.IsZero() || g.logs[u].Superseded(id) || g.logs[u].Retracted(id) {
		return
	}
	if g.isPosition(id) {
		g.position(id)
	} else {
		g.observation(id)
	}
}

func (g *generator) isPosition(id domain.ReportID) bool {
	for _, env := range g.log.envs {
		if p, ok := env.Event.Payload.(*fieldlog.PositionReported); ok && p.ReportID == id {
			return true
		}
	}
	return false
}

// linkedReports returns the reports that correct or are corrected.
func (g *generator) linkedReports() []domain.ReportID {
	var out []domain.ReportID
	for _, env := range g.log.envs {
		if r, ok := env.Event.Payload.(fieldlog.Report); ok && !r.Head().Corrects.IsZero() {
			out = append(out, r.Head().ReportID, r.Head().Corrects)
		}
	}
	return out
}

func (g *generator) retract() {
	u, id := g.someReport()
	if id.IsZero() {
		return
	}
	g.decide(g.logs[u], "retract", g.logs[u].Retract(g.meta(g.owner[u]), g.newReport(), id, "wrong"))
}

// relax relaxes a random report, half the time one that corrects or is
// corrected, so that relaxations reach along chains of corrections.
func (g *generator) relax() {
	u, id := g.someReport()
	if linked := g.linkedReports(); len(linked) > 0 && g.rng.IntN(2) == 0 {
		id = pick(g.rng, linked)
		u = g.unitOf(id)
	}
	from, ok := g.logs[u].Marking(id)
	if id.IsZero() || !ok {
		return
	}
	var tos []marking.Marking
	for _, m := range pool(g.owner[u]) {
		if marking.CheckRelaxation(g.owner[u], from, m) == nil {
			tos = append(tos, m)
		}
	}
	if len(tos) == 0 {
		return
	}
	g.decide(g.logs[u], "relax", g.logs[u].RelaxMarking(g.meta(g.owner[u]), g.newReport(), id, pick(g.rng, tos)))
}

func (g *generator) taskStep() {
	if len(g.tasks) == 0 || g.rng.IntN(3) == 0 {
		k := task.New(dt.Task(uint64(len(g.tasks) + 1)))
		g.tasks = append(g.tasks, k)
		g.decide(k, "issue", k.Issue(g.meta(lead), g.op, pick(g.rng, g.units), task.Terms{
			Objective: "Check the rest area", Window: dt.Must(domain.NewPeriod(g.now, g.now.Add(4*time.Hour))),
		}))
		return
	}
	k := pick(g.rng, g.tasks)
	if !k.Open() {
		return
	}
	crew := domain.Actor{Agency: g.owner[k.Unit()], Unit: k.Unit()}
	switch g.rng.IntN(3) {
	case 0:
		g.decide(k, "acknowledge", k.Acknowledge(dt.Meta(g.t, crew, g.tick()), k.Revision()))
	case 1:
		g.decide(k, "complete", k.Complete(dt.Meta(g.t, crew, g.tick()), "done"))
	default:
		g.decide(k, "cancel", k.Cancel(g.meta(lead), "no longer needed"))
	}
}

func (g *generator) tick() time.Time {
	g.now = g.now.Add(time.Minute)
	return g.now
}

func (g *generator) join() {
	if g.joined {
		return
	}
	g.joined = true
	g.decide(g.op, "join", g.op.AddParticipant(g.meta(lead), joiner))
	g.decide(g.op, "agree", g.op.Agree(g.meta(joiner), g.op.ArrangementVersion()))
	g.checkIn(dt.Unit(5), joiner)
}

func (g *generator) transfer() {
	to := dt.PersonRef(20+g.next%5, 1)
	if to == g.holder {
		return
	}
	by := domain.Actor{Agency: lead, Person: g.holder.Person()}
	g.decide(g.op, "transfer", g.op.TransferCommand(dt.Meta(g.t, by, g.tick()), operation.Transfer{
		Position: g.seat, From: g.holder.Person(), To: to, BriefingRef: "BRF-1",
		EffectiveAt: g.now.Add(time.Duration(g.rng.IntN(20)) * time.Minute),
	}))
	if g.op.Tenures(g.seat)[len(g.op.Tenures(g.seat))-1].Holder == to {
		g.holder = to
	}
}

func (g *generator) plan() {
	n := len(g.op.OperationalPeriods())
	start := dt.T0().Add(time.Duration(n) * 3 * time.Hour)
	g.decide(g.op, "plan", g.op.PlanOperationalPeriod(g.meta(lead),
		dt.Must(domain.NewPeriod(start, start.Add(3*time.Hour))), []string{fmt.Sprintf("objective %d", n+1)}))
}

func (g *generator) suspendOrResume() {
	if g.op.Active() {
		g.decide(g.op, "suspend", g.op.Suspend(g.meta(lead), "weather"))
	} else {
		g.decide(g.op, "resume", g.op.Resume(g.meta(lead)))
	}
}

// checkCoverage fails a generator that stopped producing the interesting
// cases, so the property cannot pass vacuously.
func (g *generator) checkCoverage(t *testing.T) {
	t.Helper()
	for _, kind := range []string{"position", "observation", "relax", "retract", "issue", "transfer", "join",
		"raise flag", "clear flag", "acknowledge flag", "dispute flag"} {
		if g.counts[kind] == 0 {
			t.Errorf("the generated log has no %s: %v", kind, g.counts)
		}
	}
}
