package demo

import (
	"errors"
	"fmt"
	"slices"
)

// tokenRoles are the roles that get a token per agency; field units get
// theirs as units.
var tokenRoles = []string{"admin", "commander", "observer", "investigator"}

// check reports every dangling reference and out-of-range value.
func (w *World) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	unique := func(kind string, keys []string) {
		for i, k := range keys {
			if k == "" {
				bad("%s %d: no key", kind, i)
			} else if slices.Contains(keys[:i], k) {
				bad("%s %q: listed twice", kind, k)
			}
		}
	}
	keysOf := func(n int, key func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = key(i)
		}
		return out
	}
	unique("state", keysOf(len(w.States), func(i int) string { return w.States[i].Code }))
	unique("agency", keysOf(len(w.Agencies), func(i int) string { return w.Agencies[i].Key }))
	unique("person", keysOf(len(w.People), func(i int) string { return w.People[i].Key }))
	unique("unit", keysOf(len(w.Units), func(i int) string { return w.Units[i].Key }))
	unique("road", keysOf(len(w.Roads), func(i int) string { return w.Roads[i].Key }))
	unique("org unit", keysOf(len(w.Operation.OrgUnits), func(i int) string { return w.Operation.OrgUnits[i].Key }))
	unique("position", keysOf(len(w.Operation.Positions), func(i int) string { return w.Operation.Positions[i].Key }))

	for _, b := range w.Borders {
		for _, s := range b.States {
			if w.State(s) == nil {
				bad("border %s-%s: no state %q", b.States[0], b.States[1], s)
			}
		}
	}
	for _, a := range w.Agencies {
		if w.State(a.State) == nil {
			bad("agency %q: no state %q", a.Key, a.State)
		}
		unique("contact point of "+a.Key, keysOf(len(a.ContactPoints), func(i int) string { return a.ContactPoints[i].Key }))
	}
	for _, s := range w.States {
		if !slices.ContainsFunc(w.Agencies, func(a Agency) bool { return a.State == s.Code }) {
			bad("state %q: no agency to administer it", s.Code)
		}
	}
	for state, agency := range w.HostAuthorities {
		a := w.Agency(agency)
		if w.State(state) == nil || a == nil || a.State != state {
			bad("host authority of %q: %q is not an agency of that state", state, agency)
		} else if a.ContactPoint("duty_office") == nil {
			bad("host authority %q: no duty_office contact point", agency)
		}
	}
	for _, p := range w.People {
		if w.Agency(p.Agency) == nil {
			bad("person %q: no agency %q", p.Key, p.Agency)
		}
		if p.Role != "" && !slices.Contains(tokenRoles, p.Role) {
			bad("person %q: role %q is none of %v", p.Key, p.Role, tokenRoles)
		}
	}
	for _, a := range w.Agencies {
		for _, role := range tokenRoles {
			if p := w.Person(a.Key + "/" + role); p == nil || p.Role != role {
				bad("agency %q has no %s %q", a.Key, role, a.Key+"/"+role)
			}
		}
	}
	w.checkOperation(bad)
	w.checkUnits(bad)
	return errors.Join(errs...)
}

func (w *World) checkOperation(bad func(string, ...any)) {
	o := &w.Operation
	if w.Agency(o.Lead) == nil || !slices.Contains(o.Participants, o.Lead) {
		bad("operation: lead %q must be a participating agency", o.Lead)
	}
	for _, p := range o.Participants {
		if w.Agency(p) == nil {
			bad("operation: no participant %q", p)
		}
	}
	for _, s := range o.HostStates {
		if w.State(s) == nil {
			bad("operation: no host state %q", s)
		}
	}
	for i, u := range o.OrgUnits {
		if u.Parent != "" && !slices.ContainsFunc(o.OrgUnits[:i], func(p OrgUnit) bool { return p.Key == u.Parent }) {
			bad("org unit %q: parent %q must be listed before it", u.Key, u.Parent)
		}
	}
	for _, p := range o.Positions {
		if p.OrgUnit != "" && w.OrgUnit(p.OrgUnit) == nil {
			bad("position %q: no org unit %q", p.Key, p.OrgUnit)
		}
		holder := w.Person(p.Holder)
		switch {
		case holder == nil:
			bad("position %q: no holder %q", p.Key, p.Holder)
		case p.SeatOf != "" && holder.Agency != p.SeatOf:
			bad("position %q: the seat of %q takes a person of that agency, not %q", p.Key, p.SeatOf, p.Holder)
		}
		if p.SeatOf != "" && !slices.Contains(o.Participants, p.SeatOf) {
			bad("position %q: seat of %q, which does not take part", p.Key, p.SeatOf)
		}
	}
}

func (w *World) checkUnits(bad func(string, ...any)) {
	for _, u := range w.Units {
		if !slices.Contains(w.Operation.Participants, u.Agency) {
			bad("unit %q: agency %q does not take part", u.Key, u.Agency)
		}
		if w.OrgUnit(u.OrgUnit) == nil {
			bad("unit %q: no org unit %q", u.Key, u.OrgUnit)
		}
		r := w.Road(u.Road)
		if r == nil {
			bad("unit %q: no road %q", u.Key, u.Road)
		} else if l := pathLength(r.Line.Orb()) / 1000; u.StartKm < 0 || u.StartKm > l {
			bad("unit %q: start_km %.1f is off road %q (%.1f km)", u.Key, u.StartKm, u.Road, l)
		}
		if u.Heading != 1 && u.Heading != -1 {
			bad("unit %q: heading %d, want 1 or -1", u.Key, u.Heading)
		}
		if !(u.SpeedKmh > 0 && u.SpeedKmh < 300) {
			bad("unit %q: speed %v km/h", u.Key, u.SpeedKmh)
		}
		if !slices.Contains([]string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT"}, u.TLP) {
			bad("unit %q: tlp %q", u.Key, u.TLP)
		}
	}
	sc := w.Scenario
	for _, k := range []string{sc.PursuitUnit, sc.SurveillanceUnit, sc.HandoverUnit} {
		if w.Unit(k) == nil {
			bad("scenario: no unit %q", k)
		}
	}
	if !(sc.PursuitSpeedKmh > 0) {
		bad("scenario: pursuit speed %v km/h", sc.PursuitSpeedKmh)
	}
}
