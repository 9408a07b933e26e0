package operation

import (
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// StreamPrefix begins the name of every operation stream.
const StreamPrefix = "operation-"

// Stream names the stream of operation id.
func Stream(id domain.OperationID) string { return StreamPrefix + id.String() }

// Status is where an operation is in its lifecycle.
type Status string

// Statuses. Agreed is derived: a proposed operation whose participants have
// all agreed to the current arrangement.
const (
	StatusNone      Status = ""
	StatusProposed  Status = "proposed"
	StatusAgreed    Status = "agreed"
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusClosed    Status = "closed"
)

// Span of control: a supervisor directs between MinSpanOfControl and
// MaxSpanOfControl subordinates; above the maximum a warning event is
// raised.
const (
	MinSpanOfControl = 3
	MaxSpanOfControl = 7
)

// Operation is the Operation aggregate. Build it with New, replay its
// stream, then decide. It is not safe for concurrent use.
type Operation struct {
	root domain.Root
	id   domain.OperationID

	status       Status // never StatusAgreed: that is derived
	purpose      string
	lead         domain.AgencyID
	participants []domain.AgencyID
	arrangement  int
	agreed       map[domain.AgencyID]int // agency → arrangement version it agreed to
	hostStates   []domain.StateCode
	legalBasis   []domain.LegalRef
	area         geo.Polygon
	period       domain.Period
	opPeriods    []OperationalPeriod

	orgUnits  map[domain.OrgUnitID]OrgUnit
	positions map[domain.PositionID]*position
	seats     map[domain.AgencyID]domain.PositionID
	resources map[domain.UnitID]*Resource
}

// OperationalPeriod is one period of the incident action plan.
type OperationalPeriod struct {
	Number     int
	Period     domain.Period
	Objectives []string
}

// OrgUnit is a node of the org tree.
type OrgUnit struct {
	ID     domain.OrgUnitID
	Parent domain.OrgUnitID // zero: directly under the unified command
	Kind   OrgUnitKind
	Name   string
}

// Tenure is one holder's time in a position: [Start, End), End zero while
// the holder is still (or will be) in it.
type Tenure struct {
	Holder domain.PersonRef
	Start  time.Time
	End    time.Time
}

// Resource is a checked-in resource.
type Resource struct {
	Unit       domain.UnitID
	Agency     domain.AgencyID
	Kind       ResourceKind
	CallSign   string
	Personnel  int
	Status     ResourceStatus
	Reason     string           // why out of service
	OrgUnit    domain.OrgUnitID // set while assigned
	CheckedOut bool
}

type position struct {
	id      domain.PositionID
	orgUnit domain.OrgUnitID
	title   string
	seatOf  domain.AgencyID
	tenures []Tenure // in order, never overlapping
}

// New returns the empty aggregate of operation id.
func New(id domain.OperationID) *Operation {
	return &Operation{
		root:      domain.NewRoot(Stream(id)),
		id:        id,
		agreed:    map[domain.AgencyID]int{},
		orgUnits:  map[domain.OrgUnitID]OrgUnit{},
		positions: map[domain.PositionID]*position{},
		seats:     map[domain.AgencyID]domain.PositionID{},
		resources: map[domain.UnitID]*Resource{},
	}
}

var _ domain.Aggregate = (*Operation)(nil)

// Stream implements domain.Aggregate.
func (o *Operation) Stream() string { return o.root.Stream() }

// Version implements domain.Aggregate.
func (o *Operation) Version() uint64 { return o.root.Version() }

// Changes implements domain.Aggregate.
func (o *Operation) Changes() []domain.Event { return o.root.Changes() }

// Commit implements domain.Aggregate.
func (o *Operation) Commit() { o.root.Commit() }

// Replay implements domain.Aggregate.
func (o *Operation) Replay(e domain.Event) {
	o.apply(e.Payload)
	o.root.Replayed()
}

func (o *Operation) raise(m domain.Meta, ps ...domain.Payload) {
	for _, p := range ps {
		o.apply(p)
		o.root.Record(m.Event(p))
	}
}

func (o *Operation) apply(p domain.Payload) {
	switch e := p.(type) {
	case *Proposed:
		o.status, o.purpose, o.lead = StatusProposed, e.Purpose, e.Lead
		o.participants = slices.Clone(e.Participants)
		o.hostStates, o.legalBasis = slices.Clone(e.HostStates), slices.Clone(e.LegalBasis)
		o.area, o.period, o.arrangement = e.Area, e.Period, e.ArrangementVersion
	case *ParticipantAdded:
		o.participants = append(o.participants, e.Agency)
		o.arrangement = e.ArrangementVersion
	case *Agreed:
		o.agreed[e.Agency] = e.ArrangementVersion
	case *Activated:
		o.status = StatusActive
	case *Suspended:
		o.status = StatusSuspended
	case *Resumed:
		o.status = StatusActive
	case *Closed:
		o.status = StatusClosed
	case *AreaChanged:
		o.area, o.arrangement = e.Area, e.ArrangementVersion
	case *PeriodChanged:
		o.period, o.arrangement = e.Period, e.ArrangementVersion
	case *LegalBasisChanged:
		o.legalBasis, o.arrangement = slices.Clone(e.LegalBasis), e.ArrangementVersion
	case *OperationalPeriodPlanned:
		o.opPeriods = append(o.opPeriods, OperationalPeriod{
			Number: e.Number, Period: e.Period, Objectives: slices.Clone(e.Objectives),
		})
	case *ObjectiveAdded:
		if i := e.OperationalPeriod - 1; i >= 0 && i < len(o.opPeriods) {
			o.opPeriods[i].Objectives = append(o.opPeriods[i].Objectives, e.Text)
		}
	default:
		o.applyCommand(p)
	}
}

func (o *Operation) applyCommand(p domain.Payload) {
	switch e := p.(type) {
	case *OrgUnitAdded:
		o.orgUnits[e.OrgUnitID] = OrgUnit{ID: e.OrgUnitID, Parent: e.ParentID, Kind: e.Kind, Name: e.Name}
	case *PositionEstablished:
		o.positions[e.PositionID] = &position{id: e.PositionID, orgUnit: e.OrgUnitID, title: e.Title, seatOf: e.CommandSeatOf}
		if !e.CommandSeatOf.IsZero() {
			o.seats[e.CommandSeatOf] = e.PositionID
		}
	case *PositionFilled:
		if pos := o.positions[e.PositionID]; pos != nil {
			pos.tenures = append(pos.tenures, Tenure{Holder: e.Holder, Start: e.EffectiveAt})
		}
	case *PositionVacated:
		if pos := o.positions[e.PositionID]; pos != nil && len(pos.tenures) > 0 {
			pos.tenures[len(pos.tenures)-1].End = e.EffectiveAt
		}
	case *CommandTransferred:
		if pos := o.positions[e.PositionID]; pos != nil && len(pos.tenures) > 0 {
			pos.tenures[len(pos.tenures)-1].End = e.EffectiveAt
			pos.tenures = append(pos.tenures, Tenure{Holder: e.To, Start: e.EffectiveAt})
		}
	case *ResourceCheckedIn:
		o.resources[e.UnitID] = &Resource{
			Unit: e.UnitID, Agency: e.Agency, Kind: e.Kind, CallSign: e.CallSign,
			Personnel: e.Personnel, Status: StatusAvailable,
		}
	case *ResourceAssigned:
		if r := o.resources[e.UnitID]; r != nil {
			r.Status, r.OrgUnit, r.Reason = StatusAssigned, e.OrgUnitID, ""
		}
	case *ResourceStatusChanged:
		if r := o.resources[e.UnitID]; r != nil {
			r.Status, r.Reason, r.OrgUnit = e.Status, e.Reason, domain.OrgUnitID{}
		}
	case *ResourceCheckedOut:
		if r := o.resources[e.UnitID]; r != nil {
			r.CheckedOut, r.OrgUnit = true, domain.OrgUnitID{}
		}
	}
}

// ID returns the operation's ID.
func (o *Operation) ID() domain.OperationID { return o.id }

// Status returns the lifecycle status; StatusAgreed for a proposed
// operation all of whose participants agreed to the current arrangement.
func (o *Operation) Status() Status {
	if o.status == StatusProposed && o.pendingAgreement() == nil {
		return StatusAgreed
	}
	return o.status
}

// Active reports whether the operation is active (tasking is allowed).
func (o *Operation) Active() bool { return o.status == StatusActive }

// Purpose returns the stated purpose.
func (o *Operation) Purpose() string { return o.purpose }

// Lead returns the lead agency.
func (o *Operation) Lead() domain.AgencyID { return o.lead }

// Participants returns the participating agencies, lead included, in the
// order they joined.
func (o *Operation) Participants() []domain.AgencyID { return slices.Clone(o.participants) }

// Participates reports whether agency takes part in the operation.
func (o *Operation) Participates(agency domain.AgencyID) bool {
	return slices.Contains(o.participants, agency)
}

// HasAgreed reports whether agency agreed to the current arrangement.
func (o *Operation) HasAgreed(agency domain.AgencyID) bool {
	v, ok := o.agreed[agency]
	return ok && v == o.arrangement
}

// ArrangementVersion returns the version of the arrangement agencies agree
// to; it moves on with every change of terms while the operation is
// proposed.
func (o *Operation) ArrangementVersion() int { return o.arrangement }

// HostStates returns the host states.
func (o *Operation) HostStates() []domain.StateCode { return slices.Clone(o.hostStates) }

// LegalBasis returns the legal basis.
func (o *Operation) LegalBasis() []domain.LegalRef { return slices.Clone(o.legalBasis) }

// Area returns the area of operations.
func (o *Operation) Area() geo.Polygon { return o.area }

// Period returns the operation's period.
func (o *Operation) Period() domain.Period { return o.period }

// OperationalPeriods returns the incident action plan's periods in order.
func (o *Operation) OperationalPeriods() []OperationalPeriod {
	out := make([]OperationalPeriod, len(o.opPeriods))
	for i, p := range o.opPeriods {
		p.Objectives = slices.Clone(p.Objectives)
		out[i] = p
	}
	return out
}

// OrgUnits returns the org tree's nodes ordered by ID.
func (o *Operation) OrgUnits() []OrgUnit {
	out := make([]OrgUnit, 0, len(o.orgUnits))
	for _, u := range o.orgUnits {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b OrgUnit) int { return a.ID.Compare(b.ID) })
	return out
}

// HolderAt returns who holds position at t; ok is false when it is vacant
// then or unknown. An outgoing commander holds the position until the
// transfer's effective time.
func (o *Operation) HolderAt(pos domain.PositionID, t time.Time) (domain.PersonRef, bool) {
	p := o.positions[pos]
	if p == nil {
		return domain.PersonRef{}, false
	}
	return p.holderAt(t)
}

func (p *position) holderAt(t time.Time) (domain.PersonRef, bool) {
	for _, ten := range slices.Backward(p.tenures) {
		if !t.Before(ten.Start) && (ten.End.IsZero() || t.Before(ten.End)) {
			return ten.Holder, true
		}
	}
	return domain.PersonRef{}, false
}

// latest returns the last tenure and whether it is open-ended.
func (p *position) latest() (Tenure, bool) {
	if len(p.tenures) == 0 {
		return Tenure{}, false
	}
	t := p.tenures[len(p.tenures)-1]
	return t, t.End.IsZero()
}

// Tenures returns the holders of position over time, in order.
func (o *Operation) Tenures(pos domain.PositionID) []Tenure {
	if p := o.positions[pos]; p != nil {
		return slices.Clone(p.tenures)
	}
	return nil
}

// CommandSeat returns the unified-command seat of agency; ok is false when
// it has none.
func (o *Operation) CommandSeat(agency domain.AgencyID) (domain.PositionID, bool) {
	id, ok := o.seats[agency]
	return id, ok
}

// InUnifiedCommand reports whether person holds a command seat at t.
func (o *Operation) InUnifiedCommand(person domain.PersonID, t time.Time) bool {
	if person.IsZero() {
		return false
	}
	for _, id := range o.seats {
		if h, ok := o.positions[id].holderAt(t); ok && h.Person() == person {
			return true
		}
	}
	return false
}

// Resource returns a checked-in (or checked-out) resource.
func (o *Operation) Resource(unit domain.UnitID) (Resource, bool) {
	if r := o.resources[unit]; r != nil {
		return *r, true
	}
	return Resource{}, false
}

// Attached reports whether unit is checked in and not checked out: only
// attached units may be tasked.
func (o *Operation) Attached(unit domain.UnitID) bool {
	r := o.resources[unit]
	return r != nil && !r.CheckedOut
}

// Span returns how many subordinates org unit directs: its child units and
// the resources assigned to it. The zero ID is the unified command, whose
// subordinates are the top-level units.
func (o *Operation) Span(unit domain.OrgUnitID) int {
	n := 0
	for _, u := range o.orgUnits {
		if u.Parent == unit {
			n++
		}
	}
	if unit.IsZero() {
		return n
	}
	for _, r := range o.resources {
		if !r.CheckedOut && r.OrgUnit == unit {
			n++
		}
	}
	return n
}
