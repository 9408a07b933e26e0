package demo

import (
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain/geo"
)

// World is the demo world: reference data, one joint operation and its
// field units, as read from the embedded demo data. Things refer to each
// other by key ("bpol", "div-b12"); every ID is derived from a key (see
// Namespace), so it is the same on every run.
type World struct {
	// Notice says what the data is and is not; print it with the world.
	Notice   string
	States   []State
	Borders  []Border
	Agencies []Agency
	// HostAuthorities names, per state code, the agency a foreign unit
	// notifies when it enters that state.
	HostAuthorities map[string]string
	People          []Person
	Operation       Operation
	Units           []Unit
	Roads           []Road
	Scenario        Scenario
}

// State is a state with the part of its territory the demo covers.
type State struct {
	Code      string
	Name      string
	Territory geo.MultiPolygon
}

// Border is the land border of two states within the demo's region.
type Border struct {
	States [2]string
	Line   geo.Line
}

// Agency is a participating agency with its designated contact points.
type Agency struct {
	Key           string
	ID            uuid.UUID
	State         string
	Name          string
	Short         string
	Kind          string
	ContactPoints []ContactPoint
}

// ContactPoint is a designated contact point of an agency.
type ContactPoint struct {
	Key     string
	ID      uuid.UUID
	Purpose string
	Name    string
	Channel string
	Address string
}

// Person is someone of an agency: a principal with a token when Role is
// set, or the holder of a position.
type Person struct {
	Key    string
	ID     uuid.UUID
	Agency string
	Role   string
	Name   string
}

// Operation is the demo's joint operation. Times are offsets from the
// anchor, the moment the world is first laid out (see Seed).
type Operation struct {
	Key                string
	ID                 uuid.UUID
	Purpose            string
	Lead               string
	Participants       []string
	HostStates         []string
	LegalBasis         []LegalRef
	Area               geo.Polygon
	Period             Span
	OperationalPeriods []OperationalPeriod
	OrgUnits           []OrgUnit
	Positions          []Position
}

// LegalRef names an agreement and optionally one of its provisions.
type LegalRef struct {
	Instrument string `json:"instrument"`
	Provision  string `json:"provision,omitempty"`
}

// Span is a period as offsets from the anchor.
type Span struct {
	From, To time.Duration
}

// OperationalPeriod is an operational period of the incident action plan.
type OperationalPeriod struct {
	Span       Span
	Objectives []string
	// AddedObjective, if set, is added after the period is planned.
	AddedObjective string
}

// OrgUnit is a node of the operation's organisation tree.
type OrgUnit struct {
	Key    string
	ID     uuid.UUID
	Parent string
	Kind   string
	Name   string
}

// Position is a position of the command structure and its holder.
type Position struct {
	Key     string
	ID      uuid.UUID
	OrgUnit string
	Title   string
	// SeatOf makes the position that agency's seat in the unified command.
	SeatOf string
	Holder string
}

// Unit is a field unit checked in to the operation, and how the simulator
// moves it: along Road from StartKm, in Heading (+1 towards the road's end,
// -1 towards its start), at SpeedKmh. TLP is the label of its position
// reports.
type Unit struct {
	Key       string
	ID        uuid.UUID
	Agency    string
	CallSign  string
	Kind      string
	Personnel int
	OrgUnit   string
	Road      string
	StartKm   float64
	Heading   int
	SpeedKmh  float64
	TLP       string
}

// Road is a road-like path the simulated units follow.
type Road struct {
	Key  string
	Name string
	Line geo.Line
}

// Scenario names the units of the simulator's storylines.
type Scenario struct {
	// PursuitUnit starts a hot pursuit across the border at PursuitSpeedKmh.
	PursuitUnit     string
	PursuitSpeedKmh float64
	// SurveillanceUnit follows a target across the border and hands the
	// surveillance over to HandoverUnit.
	SurveillanceUnit string
	HandoverUnit     string
}

// Agency returns the agency of key, or nil.
func (w *World) Agency(key string) *Agency {
	return find(w.Agencies, key, func(a *Agency) string { return a.Key })
}

// Person returns the person of key, or nil.
func (w *World) Person(key string) *Person {
	return find(w.People, key, func(p *Person) string { return p.Key })
}

// Unit returns the unit of key, or nil.
func (w *World) Unit(key string) *Unit {
	return find(w.Units, key, func(u *Unit) string { return u.Key })
}

// Road returns the road of key, or nil.
func (w *World) Road(key string) *Road {
	return find(w.Roads, key, func(r *Road) string { return r.Key })
}

// OrgUnit returns the org unit of key, or nil.
func (w *World) OrgUnit(key string) *OrgUnit {
	return find(w.Operation.OrgUnits, key, func(o *OrgUnit) string { return o.Key })
}

// State returns the state of code, or nil.
func (w *World) State(code string) *State {
	return find(w.States, code, func(s *State) string { return s.Code })
}

// Commander returns the person of agency with the commander role, or nil.
func (w *World) Commander(agency string) *Person { return w.Person(agency + "/commander") }

// Admin returns the person of agency with the admin role, or nil.
func (w *World) Admin(agency string) *Person { return w.Person(agency + "/admin") }

// ContactPoint returns the first contact point of agency for purpose, or nil.
func (a *Agency) ContactPoint(purpose string) *ContactPoint {
	return find(a.ContactPoints, purpose, func(c *ContactPoint) string { return c.Purpose })
}

func find[T any](items []T, key string, keyOf func(*T) string) *T {
	for i := range items {
		if keyOf(&items[i]) == key {
			return &items[i]
		}
	}
	return nil
}
