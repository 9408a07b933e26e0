package demo

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// The routine reports of the simulated units, and the markings that make
// each agency's view of them differ.

// entry is the entry of a new report: new command and report IDs, and mk.
func (p *planner) entry(mk markingJSON) entryFields {
	return entryFields{commandFields: commandFields{CommandID: p.mint()}, ReportID: p.mint(), Marking: mk}
}

// report is the command filing b, a report of kind, into m's log.
func (p *planner) report(m *mover, kind string, b body) request {
	return request{
		kind: kind, by: m.unit.CallSign, who: m.who, body: b,
		path: p.opPath + "/units/" + m.unit.ID.String() + "/reports/" + kind,
	}
}

// marking is a marking originated by agency.
func (p *planner) marking(agency *Agency, tlp, evaluation string) markingJSON {
	return markingJSON{Originator: agency.ID, TLP: tlp, Evaluation: evaluation}
}

// narrowed is an AMBER marking releasable only to the originator and the
// agencies named.
func (p *planner) narrowed(agency *Agency, evaluation string, to ...*Agency) markingJSON {
	mk := p.marking(agency, "AMBER", evaluation)
	ids := []uuid.UUID{agency.ID}
	for _, a := range to {
		if a.ID != agency.ID {
			ids = append(ids, a.ID)
		}
	}
	mk.ReleasableTo = &recipientsJSON{Agencies: ids}
	return mk
}

// fieldMarking is the marking of a sighting or situation report: mostly
// for every participant, sometimes for some only, sometimes with handling
// codes, so that the agencies' views differ.
func (p *planner) fieldMarking(agency *Agency) markingJSON {
	eval := pick(p, evaluations)
	var mk markingJSON
	switch r := p.rng.Float64(); {
	case r < 0.10:
		mk = p.marking(agency, "CLEAR", eval)
	case r < 0.45:
		mk = p.marking(agency, "GREEN", eval)
	case r < 0.70:
		mk = p.marking(agency, "AMBER", eval)
	case r < 0.85:
		others := slices.DeleteFunc(slices.Clone(p.w.Operation.Participants), func(k string) bool { return k == agency.Key })
		mk = p.narrowed(agency, eval, p.w.Agency(pick(p, others)))
	default:
		mk = p.marking(agency, "AMBER+STRICT", eval)
	}
	switch r := p.rng.Float64(); {
	case r < 0.15:
		mk.Handling = []string{"H1"}
	case r < 0.22:
		mk.Handling = []string{"H2"}
	case r < 0.25:
		mk.Handling, mk.H3Text = []string{"H3"}, "For the joint analysis cell only"
	}
	return mk
}

// position is m's position report.
func (p *planner) position(m *mover) request {
	source, eval, accuracy := "gps", "A1", 3+p.rng.Float64()*9
	if p.rng.Float64() < 0.1 {
		source, eval, accuracy = "fused", "A2", 10+p.rng.Float64()*15
	}
	return p.report(m, "position", &positionReport{
		entryFields: p.entry(p.marking(m.agency, m.unit.TLP, eval)),
		Point:       pointOf(m.point(), math.Round(accuracy)), Source: source,
	})
}

// near returns a point within about r metres of m.
func (p *planner) near(m *mover, r float64) orb.Point {
	pt := m.point()
	dx, dy := (p.rng.Float64()*2-1)*r, (p.rng.Float64()*2-1)*r
	return orb.Point{
		pt[0] + dx/(metresPerDegreeLon*math.Cos(pt[1]*math.Pi/180)),
		pt[1] + dy/metresPerDegreeLat,
	}
}

// observation is a sighting near m, reported lateBy after it was made.
func (p *planner) observation(m *mover, lateBy time.Duration) request {
	text := pick(p, observationTexts)
	if lateBy > 0 {
		text = "Delayed report (no radio coverage): " + text
	}
	pt := pointOf(p.near(m, 150), 25)
	r := p.report(m, "observation", &observationReport{
		entryFields: p.entry(p.fieldMarking(m.agency)), Text: text, Point: &pt,
	})
	r.lateBy = lateBy
	return r
}

// situation is a situation report of m.
func (p *planner) situation(m *mover, lateBy time.Duration) request {
	text := fmt.Sprintf("%s on %s: %s; %d vehicles and %d persons checked since the last report",
		m.unit.CallSign, m.route.road.Name, pick(p, situationTexts), p.rng.IntN(25), p.rng.IntN(12))
	mk := p.marking(m.agency, "GREEN", "B2")
	if p.rng.Float64() < 0.3 {
		mk = p.fieldMarking(m.agency)
	}
	r := p.report(m, "situation", &situationReport{entryFields: p.entry(mk), Summary: text})
	r.lateBy = lateBy
	return r
}

// lateReport is a sighting or situation report that reaches the API
// minutes after it was made, by a unit that was out of coverage.
func (p *planner) lateReport() request {
	m := pick(p, p.movers)
	lateBy := time.Duration(p.between(6*60, 25*60)) * time.Second
	if p.rng.IntN(2) == 0 {
		return p.situation(m, lateBy)
	}
	return p.observation(m, lateBy)
}
