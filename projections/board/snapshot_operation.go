package board

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections/internal/wire"
)

// operation writes the operation's own fields and the items visible to
// every participant: the plan, the command structure, resources and tasks.
func (e encoder) operation(b *Board) {
	e.Bool(b.proposed)
	e.Symbol(string(b.status))
	e.Symbol(string(b.shownStatus))
	e.String(b.purpose)
	e.UUID(b.lead.UUID())
	e.agencies(b.participants)
	e.Int(b.arrangement)
	e.Len(len(b.agreed))
	for a, v := range b.agreed {
		e.UUID(a.UUID())
		e.Int(v)
	}
	e.states(b.hostStates)
	e.legalRefs(b.legalBasis)
	e.polygon(b.area)
	e.period(b.period)
	wire.WriteSlice(e.Writer, b.opPeriods, func(p OperationalPeriod) {
		e.Int(p.Number)
		e.period(p.Period)
		e.strings(p.Objectives)
	})
	e.Len(len(b.orgUnits))
	for _, u := range b.orgUnits {
		e.UUID(u.ID.UUID())
		e.UUID(u.Parent.UUID())
		e.Symbol(string(u.Kind))
		e.String(u.Name)
	}
	e.Len(len(b.positions))
	for _, p := range b.positions {
		e.position(p)
	}
	e.Len(len(b.units))
	for _, u := range b.units {
		e.unit(u)
	}
	e.Len(len(b.tasks))
	for _, t := range b.tasks {
		e.task(t)
	}
}

func (d *decoder) operation(b *Board) {
	b.proposed = d.Bool()
	b.status, b.shownStatus = operation.Status(d.Symbol()), operation.Status(d.Symbol())
	b.purpose, b.lead = d.String(), d.agencyID()
	b.participants = d.agencies()
	b.arrangement = d.Int()
	n := d.Count(idSize + 1)
	b.agreed = make(map[domain.AgencyID]int, n)
	for range n {
		a := d.agencyID()
		b.agreed[a] = d.Int()
	}
	d.unique("agreement", len(b.agreed), n)
	b.hostStates, b.legalBasis = d.states(), d.legalRefs()
	b.area, b.period = d.polygon(), d.period()
	b.opPeriods = wire.ReadSlice(d.Reader, 3, func() OperationalPeriod {
		return OperationalPeriod{Number: d.Int(), Period: d.period(), Objectives: d.strings()}
	})
	for i := 1; i < len(b.opPeriods); i++ {
		if b.opPeriods[i-1].Number >= b.opPeriods[i].Number {
			d.Failf("operational periods out of order")
		}
	}
	n = d.Count(2*idSize + 2)
	b.orgUnits = make(map[domain.OrgUnitID]OrgUnit, n)
	for range n {
		u := OrgUnit{ID: d.orgUnitID(), Parent: d.orgUnitID(), Kind: operation.OrgUnitKind(d.Symbol()), Name: d.String()}
		b.orgUnits[u.ID] = u
	}
	d.unique("org unit", len(b.orgUnits), n)
	n = d.Count(idSize)
	b.positions = make(map[domain.PositionID]*Position, n)
	for range n {
		p := d.position()
		b.positions[p.ID] = p
	}
	d.unique("position", len(b.positions), n)
	n = d.Count(idSize)
	b.units = make(map[domain.UnitID]*Unit, n)
	for range n {
		u := d.unit()
		b.units[u.Unit] = u
	}
	d.unique("unit", len(b.units), n)
	n = d.Count(idSize)
	b.tasks = make(map[domain.TaskID]*Task, n)
	for range n {
		t := d.task()
		b.tasks[t.Task] = t
	}
	d.unique("task", len(b.tasks), n)
}

// unique fails when a map holds fewer items than were read: an ID came
// twice.
func (d *decoder) unique(what string, got, read int) {
	if got != read {
		d.Failf("a %s twice", what)
	}
}

// position writes a position of the command structure. Holder is not
// written: the board never sets it (views derive it from the tenures).
func (e encoder) position(p *Position) {
	e.UUID(p.ID.UUID())
	e.UUID(p.OrgUnit.UUID())
	e.String(p.Title)
	e.UUID(p.CommandSeatOf.UUID())
	wire.WriteSlice(e.Writer, p.Tenures, func(t Tenure) {
		e.personRef(t.Holder)
		e.Time(t.Start)
		e.Time(t.End)
	})
}

func (d *decoder) position() *Position {
	p := &Position{ID: d.positionID(), OrgUnit: d.orgUnitID(), Title: d.String(), CommandSeatOf: d.agencyID()}
	p.Tenures = wire.ReadSlice(d.Reader, 2*idSize+2, func() Tenure {
		return Tenure{Holder: d.personRef(), Start: d.Time(), End: d.Time()}
	})
	return p
}

func (e encoder) unit(u *Unit) {
	e.UUID(u.Unit.UUID())
	e.UUID(u.Agency.UUID())
	e.Symbol(string(u.Kind))
	e.String(u.CallSign)
	e.Int(u.Personnel)
	e.Symbol(string(u.Status))
	e.String(u.Reason)
	e.UUID(u.OrgUnit.UUID())
	e.Bool(u.CheckedOut)
}

func (d *decoder) unit() *Unit {
	return &Unit{
		Unit: d.unitID(), Agency: d.agencyID(), Kind: operation.ResourceKind(d.Symbol()), CallSign: d.String(),
		Personnel: d.Int(), Status: operation.ResourceStatus(d.Symbol()), Reason: d.String(), OrgUnit: d.orgUnitID(),
		CheckedOut: d.Bool(),
	}
}

func (e encoder) task(t *Task) {
	e.UUID(t.Task.UUID())
	e.UUID(t.Unit.UUID())
	e.UUID(t.IssuedBy.UUID())
	e.String(t.Objective)
	e.polygon(t.Area)
	e.period(t.Window)
	e.strings(t.Constraints)
	e.legalRefs(t.LegalBasis)
	e.Int(t.Revision)
	e.Symbol(string(t.Status))
	e.Int(t.AcknowledgedRevision)
	e.Bool(t.AwaitingAcknowledgement)
}

func (d *decoder) task() *Task {
	return &Task{
		Task: d.taskID(), Unit: d.unitID(), IssuedBy: d.agencyID(), Objective: d.String(), Area: d.polygon(),
		Window: d.period(), Constraints: d.strings(), LegalBasis: d.legalRefs(), Revision: d.Int(),
		Status: task.Status(d.Symbol()), AcknowledgedRevision: d.Int(), AwaitingAcknowledgement: d.Bool(),
	}
}
