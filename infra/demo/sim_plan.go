package demo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain/geo"
)

// request is one command the simulator sends.
type request struct {
	kind   string // the report kind ("position" …) or task step ("task-issue" …)
	by     string // who sends it, for the log
	who    principal
	path   string
	body   body
	lateBy time.Duration // occurred_at this long before it is sent
}

// pending is a command due later in simulated time; build makes it when it
// is due, from the state of the world then.
type pending struct {
	due   float64
	seq   int
	build func() []request
}

// planner decides what the simulated field does, one command per tick. It
// is deterministic: its choices come from one seeded random source, its IDs
// from the run's name and a counter, and its clock is the tick count times
// dt. It does no I/O; the Simulator sends what it plans.
type planner struct {
	w      *World
	rng    *rand.Rand
	run    string
	minted uint64
	dt     float64 // simulated seconds per tick
	clock  float64 // simulated seconds since the start
	opPath string

	movers []*mover
	byUnit map[string]*mover
	rr     int // the next mover to report its position

	ready []request
	later []pending
	seq   int

	pursuit *pursuitStory
	watch   *surveillanceStory

	nextTask, nextSitrep, nextLate float64
}

// Timings of the simulated field, in simulated seconds.
const (
	firstSitrep   = 12
	firstTask     = 20
	firstLate     = 30
	positionShare = 0.94 // of the routine commands; the rest are sightings
)

func newPlanner(w *World, seed uint64, run string, dt float64) *planner {
	p := &planner{
		w: w, rng: rand.New(rand.NewPCG(seed, 0x6a6f696e746f7073)), run: run, dt: dt,
		opPath: "/v1/operations/" + w.Operation.ID.String(), byUnit: map[string]*mover{},
		nextTask: firstTask, nextSitrep: firstSitrep, nextLate: firstLate,
	}
	for i := range w.Units {
		m := p.newMover(&w.Units[i])
		p.movers = append(p.movers, m)
		p.byUnit[m.unit.Key] = m
	}
	sc := w.Scenario
	p.pursuit = &pursuitStory{m: p.byUnit[sc.PursuitUnit], speed: sc.PursuitSpeedKmh / 3.6}
	p.watch = &surveillanceStory{m: p.byUnit[sc.SurveillanceUnit], partner: p.byUnit[sc.HandoverUnit]}
	return p
}

// next advances the simulated world by one tick and returns the command to
// send now: the oldest one due, or else a routine report.
func (p *planner) next() request {
	p.clock += p.dt
	p.release()
	p.move()
	p.pursuit.step(p)
	p.watch.step(p)
	p.timers()
	if len(p.ready) > 0 {
		r := p.ready[0]
		p.ready = p.ready[1:]
		return r
	}
	return p.routine()
}

// mint returns a new ID of the run.
func (p *planner) mint() uuid.UUID {
	p.minted++
	return uuid.NewSHA1(Namespace, []byte("sim/"+p.run+"/"+strconv.FormatUint(p.minted, 10)))
}

// emit queues commands to send as soon as possible, in order.
func (p *planner) emit(rs ...request) { p.ready = append(p.ready, rs...) }

// after queues the commands build makes, delay simulated seconds from now.
func (p *planner) after(delay float64, build func() []request) {
	p.seq++
	item := pending{due: p.clock + delay, seq: p.seq, build: build}
	i, _ := slices.BinarySearchFunc(p.later, item, func(a, b pending) int {
		if a.due != b.due {
			return cmpFloat(a.due, b.due)
		}
		return a.seq - b.seq
	})
	p.later = slices.Insert(p.later, i, item)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// release queues every pending command that is due.
func (p *planner) release() {
	n := 0
	for n < len(p.later) && p.later[n].due <= p.clock {
		n++
	}
	if n == 0 {
		return
	}
	due := p.later[:n]
	p.later = slices.Clone(p.later[n:])
	for _, d := range due {
		p.emit(d.build()...)
	}
}

// between returns a random duration in [lo, hi) simulated seconds.
func (p *planner) between(lo, hi float64) float64 { return lo + p.rng.Float64()*(hi-lo) }

// pick returns a random element of xs.
func pick[T any](p *planner, xs []T) T { return xs[p.rng.IntN(len(xs))] }

// timers starts the periodic things: tasks, situation reports and late
// reports.
func (p *planner) timers() {
	if p.clock >= p.nextTask {
		p.issueTask()
		p.nextTask = p.clock + p.between(150, 300)
	}
	if p.clock >= p.nextSitrep {
		p.emit(p.situation(pick(p, p.movers), 0))
		p.nextSitrep = p.clock + p.between(60, 90)
	}
	if p.clock >= p.nextLate {
		p.emit(p.lateReport())
		p.nextLate = p.clock + p.between(90, 150)
	}
}

// routine is a position report, round robin over the units, or now and
// then a sighting.
func (p *planner) routine() request {
	if p.rng.Float64() < positionShare {
		m := p.movers[p.rr]
		p.rr = (p.rr + 1) % len(p.movers)
		return p.position(m)
	}
	return p.observation(pick(p, p.movers), 0)
}

// locate returns the code of the state whose territory holds pt, or "".
func (p *planner) locate(pt orb.Point) string {
	gp, err := geo.NewPoint(pt[1], pt[0])
	if err != nil {
		return ""
	}
	for _, s := range p.w.States {
		if s.Territory.Contains(gp) {
			return s.Code
		}
	}
	return ""
}

// border returns where the segment from a (in state from) to b leaves
// state from, to within centimetres.
func (p *planner) border(a, b orb.Point, from string) orb.Point {
	for range 24 {
		mid := orb.Point{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
		if p.locate(mid) == from {
			a = mid
		} else {
			b = mid
		}
	}
	return b
}

// round6 rounds a coordinate to a tenth of a metre or so.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
