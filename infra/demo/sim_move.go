package demo

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
)

// mover is a unit moving back and forth along its road.
type mover struct {
	unit   *Unit
	agency *Agency
	who    principal
	home   string // the state of the unit's agency
	route  *route
	// crossings are the distances along the route where it crosses a
	// border, in order.
	crossings []float64
	s         float64 // metres from the route's start
	dir       float64 // +1 towards the route's end, -1 towards its start
	speed     float64 // metres per second now
	cruise    float64 // metres per second on patrol
	holdUntil float64 // simulated second before which the unit stands still
	state     string  // the state it is in
}

// crossingStep is the sampling interval when looking for where a route
// crosses a border.
const crossingStep = 20.0

func (p *planner) newMover(u *Unit) *mover {
	a := p.w.Agency(u.Agency)
	r := newRoute(p.w.Road(u.Road))
	m := &mover{
		unit: u, agency: a, who: p.w.unitPrincipal(u), home: a.State, route: r,
		s: u.StartKm * 1000, dir: float64(u.Heading), speed: u.SpeedKmh / 3.6, cruise: u.SpeedKmh / 3.6,
	}
	m.state = p.locate(m.point())
	prev := p.locate(r.at(0))
	for s := crossingStep; s < r.length(); s += crossingStep {
		if st := p.locate(r.at(s)); st != "" && st != prev {
			m.crossings = append(m.crossings, s-crossingStep/2)
			prev = st
		}
	}
	return m
}

func (m *mover) point() orb.Point { return m.route.at(m.s) }

// crossingAhead returns the distance to the next border crossing in the
// direction of travel, or -1 if there is none before the road's end.
func (m *mover) crossingAhead() float64 {
	best := -1.0
	for _, c := range m.crossings {
		if d := (c - m.s) * m.dir; d > 0 && (best < 0 || d < best) {
			best = d
		}
	}
	return best
}

// move advances every unit by one tick, turning at the ends of its road,
// and reports the border crossings that makes.
func (p *planner) move() {
	for _, m := range p.movers {
		if p.clock < m.holdUntil {
			continue
		}
		before := m.point()
		length := m.route.length()
		m.s += m.dir * m.speed * p.dt
		switch {
		case m.s >= length:
			m.s, m.dir = max(2*length-m.s, 0), -1
		case m.s <= 0:
			m.s, m.dir = min(-m.s, length), 1
		}
		after := m.point()
		if st := p.locate(after); st != "" && st != m.state {
			from := m.state
			m.state = st
			p.crossed(m, from, st, p.border(before, after, from))
		}
	}
}

// crossed reports a unit's border crossing and, entering a foreign state,
// notifies the host authority (at once, or as late as the story says). A
// crossing during a pursuit or surveillance names the activity and
// notifies the host's contact point for it; a crossing home lets the story
// of the unit start again later.
func (p *planner) crossed(m *mover, from, to string, at orb.Point) {
	act, purpose, text, delay := p.pursuit.crossing(p, m, to)
	if act == nil {
		act, purpose, text = p.watch.crossing(p, m, to)
	}
	if purpose == "" {
		purpose = "duty_office"
		text = fmt.Sprintf("%s (%s) entering %s on %s: joint patrol under Prüm Decision Art. 17",
			m.unit.CallSign, m.agency.Short, p.w.State(to).Name, m.route.road.Name)
	}
	pt := pointOf(at, 10)
	p.emit(p.report(m, "border-crossing", &borderCrossingReport{
		entryFields: p.entry(p.marking(m.agency, "GREEN", "A1")),
		From:        from, To: to, Point: pt, Mode: "land", Activity: act,
	}))
	switch {
	case to != m.home && delay > 0:
		p.after(delay, func() []request {
			p.notify(m, to, purpose, act, text)
			return nil
		})
	case to != m.home:
		p.notify(m, to, purpose, act, text)
	default:
		p.pursuit.home(p, m)
		p.watch.home(p, m)
	}
}

// notify reports notifying the host authority of state host at its
// contact point for purpose, and later its acknowledgement.
func (p *planner) notify(m *mover, host, purpose string, act *uuid.UUID, text string) {
	authority := p.w.Agency(p.w.HostAuthorities[host])
	cp := authority.ContactPoint(purpose)
	if cp == nil {
		cp = authority.ContactPoint("duty_office")
	}
	notification := p.mint()
	n := &hostNotificationReport{
		entryFields:  p.entry(p.marking(m.agency, "AMBER", "A1")),
		Notification: notification, HostState: host, Authority: authority.ID, ContactPoint: &cp.ID,
		Channel: cp.Channel, Activity: act, Text: text,
	}
	p.emit(p.report(m, "host-notification", n))
	ref := fmt.Sprintf("%s-%05d", authority.Key, p.rng.IntN(100000))
	p.after(p.between(15, 40), func() []request {
		return []request{p.report(m, "host-acknowledgement", &hostAcknowledgementReport{
			entryFields:  p.entry(p.marking(m.agency, "AMBER", "A1")),
			Notification: notification, AcknowledgedBy: cp.Name, Reference: ref, Authorised: true,
		})}
	})
}

// pointOf is the JSON point of pt with an accuracy in metres.
func pointOf(pt orb.Point, accuracy float64) pointJSON {
	return pointJSON{Lat: round6(pt[1]), Lon: round6(pt[0]), Accuracy: &accuracy}
}
