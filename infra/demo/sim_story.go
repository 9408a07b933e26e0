package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// The storylines of the simulated field. Each follows its unit: it starts
// when the unit, in its home state, is about to cross the border, and plays
// out as the unit moves; then the unit turns home, and after a pause the
// story may start again.

// Distances and times of the storylines (metres, simulated seconds).
const (
	pursuitTrigger      = 1000 // start the pursuit this close to the border
	pursuitRunAbroad    = 1200 // stop the car this far into the host state
	pursuitRunFar       = 6500 // … or, on a pursuit that goes wrong, this far
	pursuitNotifyLate   = 150  // on one that goes wrong, notify the host this late
	pursuitHold         = 60   // on the spot, waiting for the host's officers
	surveillanceTrigger = 1400 // pick up the target this close to the border
	surveillanceAbroad  = 800  // hand over this far into the host state
	surveillanceLasting = 90   // how long the partner follows the target
	storyPause          = 600  // before the same story starts again
)

type phase int

const (
	idle      phase = iota
	following       // pursuing or following the target towards the border
	abroad          // across the border, in the host state
	holding         // stopped abroad
	returning       // back towards home
)

// pursuitStory is a hot pursuit (CISA Art. 41): a car fails to stop, the
// unit pursues it across the border, notifying the host authority,
// stops it, apprehends the driver, seizes what it carries, hands the driver
// over to the host's officers and files its post-action report. Every
// other pursuit, the first included, goes wrong the way the compliance
// policy flags: the unit notifies the host only pursuitNotifyLate seconds
// after crossing, and runs pursuitRunFar metres into the host state, past
// the distance the host allows (the demo agreements: 5 km in Austria).
type pursuitStory struct {
	m        *mover
	speed    float64 // metres per second in pursuit
	phase    phase
	wrong    bool // this pursuit notifies late and runs too far
	activity uuid.UUID
	crossed  float64 // where the unit crossed, metres along its road
	host     string
	nextAt   float64
	count    int
}

func (s *pursuitStory) step(p *planner) {
	m := s.m
	switch s.phase {
	case idle:
		if p.clock < s.nextAt || m.state != m.home {
			return
		}
		if d := m.crossingAhead(); d <= 0 || d > pursuitTrigger {
			return
		}
		c := pursuitCases[s.count%len(pursuitCases)]
		s.count++
		s.phase, s.activity, m.speed, s.wrong = following, p.mint(), s.speed, s.count%2 == 1
		p.emit(p.report(m, "pursuit-start", &pursuitStartReport{
			entryFields: p.entry(p.marking(m.agency, "AMBER", "A1")),
			Activity:    s.activity, Grounds: "caught_in_act", Offence: c.offence, Target: c.target,
			Point: pointOf(m.point(), 10),
		}))
	case abroad:
		run := float64(pursuitRunAbroad)
		if s.wrong {
			run = pursuitRunFar
		}
		if (m.s-s.crossed)*m.dir < run {
			return
		}
		s.stop(p)
	}
}

// stop ends the pursuit abroad: the car is stopped and its driver
// apprehended; after a while the host's officers take the driver over.
func (s *pursuitStory) stop(p *planner) {
	m := s.m
	c := pursuitCases[(s.count-1)%len(pursuitCases)]
	host := p.w.Agency(p.w.HostAuthorities[s.host])
	subject := p.mint()
	at := pointOf(m.point(), 8)
	custody := fmt.Sprintf("%s-%s-%03d", callSignCode(m.unit.CallSign), runTag(p.run), s.count)
	activity, hostState := s.activity, p.w.State(s.host).Name
	p.emit(
		p.report(m, "pursuit-cease", &pursuitCeaseReport{
			entryFields: p.entry(p.marking(m.agency, "AMBER", "A1")),
			Activity:    s.activity, Reason: "apprehended", Point: at,
		}),
		p.report(m, "apprehension", &apprehensionReport{
			entryFields: p.entry(withHandling(p.narrowed(m.agency, "A1", host), "H2")),
			Subject:     subject, Nationality: pick(p, nationalities), Grounds: c.grounds, Activity: &activity, Point: at,
		}),
		p.report(m, "use-of-force", &useOfForceReport{
			entryFields: p.entry(p.marking(m.agency, "AMBER+STRICT", "A1")),
			Kind:        "restraint", Description: "Handcuffs applied; the driver resisted briefly", Subject: &subject, Point: &at,
		}),
		p.report(m, "seizure", &seizureReport{
			entryFields: p.entry(p.marking(m.agency, "AMBER", "A1")),
			CustodyID:   custody, Description: "Car keys, two mobile phones and the vehicle's papers", Subject: &subject, Point: &at,
		}),
	)
	s.phase, m.speed, m.holdUntil = holding, m.cruise, p.clock+pursuitHold
	p.after(pursuitHold, func() []request {
		s.phase, m.dir = returning, -m.dir
		return []request{
			p.report(m, "person-handover", &personHandoverReport{
				entryFields: p.entry(p.marking(m.agency, "GREEN", "A1")),
				Subject:     subject, ToAgency: host.ID, Point: &at,
			}),
			p.report(m, "post-action", &postActionReport{
				entryFields: p.entry(withHandling(p.marking(m.agency, "AMBER", "A1"), "H1")),
				Summary: fmt.Sprintf("Post-action report under CISA Art. 41(5): hot pursuit of %s into %s for %s; driver apprehended and handed over to %s",
					strings.ToLower(c.target[:1])+c.target[1:], hostState, strings.ToLower(c.offence), host.Name),
				Activities: []uuid.UUID{activity},
			}),
		}
	})
}

// crossing is called when m crosses into state to: during the pursuit, the
// crossing belongs to it and the host is notified at its pursuit contact,
// delay simulated seconds later (late, on a pursuit that goes wrong).
func (s *pursuitStory) crossing(p *planner, m *mover, to string) (act *uuid.UUID, purpose, text string, delay float64) {
	if m != s.m || s.phase != following || to == m.home {
		return nil, "", "", 0
	}
	if s.wrong {
		delay = pursuitNotifyLate
	}
	s.phase, s.crossed, s.host = abroad, m.s, to
	c := pursuitCases[(s.count-1)%len(pursuitCases)]
	activity := s.activity
	return &activity, "pursuit_notification", fmt.Sprintf("Hot pursuit under CISA Art. 41: %s (%s) crossing into %s behind %s, offence: %s",
		m.unit.CallSign, m.agency.Short, p.w.State(to).Name, c.target, c.offence), delay
}

// home is called when m is back in its home state.
func (s *pursuitStory) home(p *planner, m *mover) {
	if m == s.m && s.phase == returning {
		s.phase, s.nextAt = idle, p.clock+storyPause
	}
}

// surveillanceStory is a cross-border surveillance (CISA Art. 40): the
// unit follows a target towards the border, crosses it notifying the host
// authority, and hands the surveillance over to a partner unit of another
// agency, which follows the target on and ends the surveillance later.
type surveillanceStory struct {
	m, partner *mover
	phase      phase
	activity   uuid.UUID
	crossed    float64
	host       string
	nextAt     float64
	count      int
}

func (s *surveillanceStory) step(p *planner) {
	m := s.m
	switch s.phase {
	case idle:
		if p.clock < s.nextAt || m.state != m.home {
			return
		}
		if d := m.crossingAhead(); d <= 0 || d > surveillanceTrigger {
			return
		}
		c := surveillanceCases[s.count%len(surveillanceCases)]
		s.count++
		s.phase, s.activity = following, p.mint()
		start := &surveillanceStartReport{
			entryFields: p.entry(s.marking(p)),
			Activity:    s.activity, Target: c.target, Offence: c.offence, Authorisation: "urgent",
		}
		if s.count%2 == 0 {
			start.Authorisation, start.AuthorisationRef = "prior", fmt.Sprintf("CISA-40-%s-%03d", runTag(p.run), s.count)
		}
		pt := pointOf(m.point(), 10)
		start.Point = &pt
		p.emit(p.report(m, "surveillance-start", start))
	case abroad:
		if (m.s-s.crossed)*m.dir < surveillanceAbroad {
			return
		}
		s.handOver(p)
	}
}

// marking is the marking of the surveillance's reports: AMBER, released
// only to the agencies concerned (the unit's, the host's and the
// partner's), not for onward transmission.
func (s *surveillanceStory) marking(p *planner) markingJSON {
	host := p.w.Agency(p.w.HostAuthorities[s.partner.home])
	return withHandling(p.narrowed(s.m.agency, "B2", host, s.partner.agency), "H2")
}

// handOver hands the surveillance over to the partner, which starts its
// own and ends it later; the unit files its post-action report and turns
// home.
func (s *surveillanceStory) handOver(p *planner) {
	m, partner := s.m, s.partner
	c := surveillanceCases[(s.count-1)%len(surveillanceCases)]
	at := pointOf(m.point(), 10)
	if s.count%2 == 1 {
		s.apprehend(p, at)
	}
	own := p.mint()
	p.emit(
		p.report(m, "surveillance-handover", &surveillanceHandoverReport{
			entryFields: p.entry(s.marking(p)),
			Activity:    s.activity, ToAgency: partner.agency.ID, ToUnit: &partner.unit.ID, Point: &at,
		}),
		p.report(partner, "surveillance-start", &surveillanceStartReport{
			entryFields: p.entry(withHandling(p.narrowed(partner.agency, "B2", m.agency), "H2")),
			Activity:    own, Target: c.target, Offence: c.offence, Authorisation: "prior",
			AuthorisationRef: "Handover from " + m.unit.CallSign, Point: &at,
		}),
		p.report(m, "post-action", &postActionReport{
			entryFields: p.entry(s.marking(p)),
			Summary: fmt.Sprintf("Post-action report under CISA Art. 40(5): %s followed into %s and handed over to %s (%s)",
				c.target, p.w.State(s.host).Name, partner.unit.CallSign, partner.agency.Short),
			Activities: []uuid.UUID{s.activity},
		}),
	)
	s.phase, m.dir = returning, -m.dir
	p.after(surveillanceLasting, func() []request {
		pt := pointOf(partner.point(), 10)
		return []request{p.report(partner, "surveillance-end", &surveillanceEndReport{
			entryFields: p.entry(withHandling(p.narrowed(partner.agency, "B2", m.agency), "H2")),
			Activity:    own, Reason: "completed", Point: &pt,
		})}
	})
}

// apprehend reports the surveillance's officers apprehending the target
// abroad at at, and handing him over to the host's officers.
func (s *surveillanceStory) apprehend(p *planner, at pointJSON) {
	m := s.m
	host := p.w.Agency(p.w.HostAuthorities[s.host])
	subject, activity := p.mint(), s.activity
	p.emit(
		p.report(m, "apprehension", &apprehensionReport{
			entryFields: p.entry(s.marking(p)),
			Subject:     subject, Nationality: pick(p, nationalities),
			Grounds:  "Spotted the surveillance team and attacked an officer with a tyre iron; overpowered and held",
			Activity: &activity, Point: at,
		}),
		p.report(m, "person-handover", &personHandoverReport{
			entryFields: p.entry(s.marking(p)),
			Subject:     subject, ToAgency: host.ID, Point: &at,
		}),
	)
}

// crossing is called when m crosses into state to: during the
// surveillance, the crossing belongs to it and the host is notified at its
// surveillance contact.
func (s *surveillanceStory) crossing(p *planner, m *mover, to string) (act *uuid.UUID, purpose, text string) {
	if m != s.m || s.phase != following || to == m.home {
		return nil, "", ""
	}
	s.phase, s.crossed, s.host = abroad, m.s, to
	c := surveillanceCases[(s.count-1)%len(surveillanceCases)]
	activity := s.activity
	return &activity, "surveillance_notification", fmt.Sprintf("Cross-border surveillance under CISA Art. 40: %s (%s) following %s into %s, offence: %s",
		m.unit.CallSign, m.agency.Short, c.target, p.w.State(to).Name, c.offence)
}

// home is called when m is back in its home state.
func (s *surveillanceStory) home(p *planner, m *mover) {
	if m == s.m && s.phase == returning {
		s.phase, s.nextAt = idle, p.clock+storyPause
	}
}

// withHandling adds handling codes to a marking.
func withHandling(mk markingJSON, codes ...string) markingJSON {
	mk.Handling = codes
	return mk
}

// callSignCode is a call sign as a custody ID prefix: "Wegscheid 16/1"
// becomes "WEGSCHEID16-1".
func callSignCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '/':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// runTag is a short tag of the run's name, so that IDs people read (custody
// IDs, references) differ between runs.
func runTag(run string) string {
	sum := sha256.Sum256([]byte(run))
	return hex.EncodeToString(sum[:3])
}
