package board

import (
	"github.com/paulmach/orb"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/projections/internal/wire"
)

// encoder writes a board's snapshot; decoder reads it back. Each pair of
// methods with the same name writes and reads one part, in one order.
type encoder struct{ *wire.Writer }

type decoder struct {
	*wire.Reader
	payloads payloadTypes
}

func newDecoder(r *wire.Reader) *decoder {
	d := &decoder{Reader: r, payloads: payloadTypes{}}
	fieldlog.RegisterEvents(d.payloads)
	return d
}

// payloadTypes is a domain.Registry in a map: the constructors of the
// field-log payloads, to decode report bodies by type.
type payloadTypes map[string]func() domain.Payload

func (p payloadTypes) Register(eventType string, _ uint32, newPayload func() domain.Payload) {
	p[eventType] = newPayload
}

const idSize = 16

func (d *decoder) operationID() domain.OperationID { return wire.ID(d.Reader, domain.NewOperationID) }
func (d *decoder) agencyID() domain.AgencyID       { return wire.ID(d.Reader, domain.NewAgencyID) }
func (d *decoder) unitID() domain.UnitID           { return wire.ID(d.Reader, domain.NewUnitID) }
func (d *decoder) reportID() domain.ReportID       { return wire.ID(d.Reader, domain.NewReportID) }
func (d *decoder) taskID() domain.TaskID           { return wire.ID(d.Reader, domain.NewTaskID) }
func (d *decoder) orgUnitID() domain.OrgUnitID     { return wire.ID(d.Reader, domain.NewOrgUnitID) }
func (d *decoder) positionID() domain.PositionID   { return wire.ID(d.Reader, domain.NewPositionID) }

func (e encoder) agencies(ids []domain.AgencyID) {
	wire.WriteSlice(e.Writer, ids, func(id domain.AgencyID) { e.UUID(id.UUID()) })
}

func (d *decoder) agencies() []domain.AgencyID { return wire.ReadSlice(d.Reader, idSize, d.agencyID) }

func (e encoder) strings(s []string) { wire.WriteSlice(e.Writer, s, e.String) }

func (d *decoder) strings() []string { return wire.ReadSlice(d.Reader, 1, d.String) }

// check records err, the refusal of a domain constructor, as corruption.
func (d *decoder) check(what string, err error) {
	if err != nil {
		d.Failf("%s: %v", what, err)
	}
}

func (e encoder) marking(m marking.Marking) {
	if m.IsZero() {
		e.Byte(0)
		return
	}
	s := m.Spec()
	e.Byte(byte(s.TLP))
	e.UUID(s.Originator.UUID())
	wire.WriteSlice(e.Writer, s.Handling, func(c marking.HandlingCode) { e.Byte(byte(c)) })
	e.String(s.H3Text)
	e.agencies(s.ReleasableTo.Agencies())
	e.states(s.ReleasableTo.States())
	e.Byte(byte(s.Evaluation.Reliability()))
	e.Byte(byte(s.Evaluation.Accuracy()))
}

// marking reads a marking; the zero marking (TLP 0) is unset.
func (d *decoder) marking() marking.Marking {
	tlp := marking.TLP(d.Byte())
	if tlp == 0 {
		return marking.Marking{}
	}
	s := marking.Spec{TLP: tlp, Originator: d.agencyID()}
	s.Handling = wire.ReadSlice(d.Reader, 1, func() marking.HandlingCode { return marking.HandlingCode(d.Byte()) })
	s.H3Text = d.String()
	agencies, states := d.agencies(), d.states()
	reliability, accuracy := marking.Reliability(d.Byte()), marking.Accuracy(d.Byte())
	if d.Err() != nil {
		return marking.Marking{}
	}
	var err error
	if len(agencies) > 0 || len(states) > 0 {
		s.ReleasableTo, err = marking.NewRecipients(agencies, states)
		d.check("marking recipients", err)
	}
	s.Evaluation, err = marking.NewEvaluation(reliability, accuracy)
	d.check("marking evaluation", err)
	m, err := marking.New(s)
	d.check("marking", err)
	return m
}

func (e encoder) states(codes []domain.StateCode) {
	wire.WriteSlice(e.Writer, codes, func(c domain.StateCode) { e.String(c.String()) })
}

func (d *decoder) states() []domain.StateCode {
	return wire.ReadSlice(d.Reader, 1, func() domain.StateCode {
		s := d.String()
		if s == "" {
			return domain.StateCode{}
		}
		c, err := domain.ParseStateCode(s)
		d.check("state", err)
		return c
	})
}

func (e encoder) legalRefs(refs []domain.LegalRef) {
	wire.WriteSlice(e.Writer, refs, func(r domain.LegalRef) {
		e.String(r.Instrument())
		e.String(r.Provision())
	})
}

func (d *decoder) legalRefs() []domain.LegalRef {
	return wire.ReadSlice(d.Reader, 2, func() domain.LegalRef {
		instrument, provision := d.String(), d.String()
		if instrument == "" && provision == "" {
			return domain.LegalRef{}
		}
		r, err := domain.NewLegalRef(instrument, provision)
		d.check("legal basis", err)
		return r
	})
}

func (e encoder) period(p domain.Period) {
	e.Bool(!p.IsZero())
	if !p.IsZero() {
		e.Time(p.Start())
		e.Time(p.End())
	}
}

func (d *decoder) period() domain.Period {
	if !d.Bool() {
		return domain.Period{}
	}
	start, end := d.Time(), d.Time()
	if d.Err() != nil {
		return domain.Period{}
	}
	p, err := domain.NewPeriod(start, end)
	d.check("period", err)
	return p
}

func (e encoder) personRef(r domain.PersonRef) {
	e.UUID(r.Person().UUID())
	e.UUID(r.Agency().UUID())
}

func (d *decoder) personRef() domain.PersonRef {
	person := wire.ID(d.Reader, domain.NewPersonID)
	agency := d.agencyID()
	if person.IsZero() && agency.IsZero() {
		return domain.PersonRef{}
	}
	r, err := domain.NewPersonRef(person, agency)
	d.check("person", err)
	return r
}

func (e encoder) polygon(p geo.Polygon) {
	wire.WriteSlice(e.Writer, p.Orb(), func(r orb.Ring) {
		wire.WriteSlice(e.Writer, r, func(pt orb.Point) {
			e.Float64(pt[0])
			e.Float64(pt[1])
		})
	})
}

func (d *decoder) polygon() geo.Polygon {
	rings := wire.ReadSlice(d.Reader, 1, func() orb.Ring {
		return wire.ReadSlice(d.Reader, 16, func() orb.Point { return orb.Point{d.Float64(), d.Float64()} })
	})
	if len(rings) == 0 || d.Err() != nil {
		return geo.Polygon{}
	}
	p, err := geo.NewPolygon(rings)
	d.check("polygon", err)
	return p
}

// Optional parts of a geo.Point.
const (
	hasAltitude byte = 1 << iota
	hasAccuracy
)

func (e encoder) point(p geo.Point) {
	e.Float64(p.Lat())
	e.Float64(p.Lon())
	alt, withAlt := p.Altitude()
	acc, withAcc := p.Accuracy()
	var flags byte
	if withAlt {
		flags |= hasAltitude
	}
	if withAcc {
		flags |= hasAccuracy
	}
	e.Byte(flags)
	if withAlt {
		e.Float64(alt)
	}
	if withAcc {
		e.Float64(acc)
	}
}

func (d *decoder) point() geo.Point {
	lat, lon, flags := d.Float64(), d.Float64(), d.Byte()
	var opts []geo.PointOption
	if flags&hasAltitude != 0 {
		opts = append(opts, geo.Altitude(d.Float64()))
	}
	if flags&hasAccuracy != 0 {
		opts = append(opts, geo.Accuracy(d.Float64()))
	}
	if flags&^(hasAltitude|hasAccuracy) != 0 {
		d.Failf("bad point flags %#x", flags)
	}
	if d.Err() != nil {
		return geo.Point{}
	}
	p, err := geo.NewPoint(lat, lon, opts...)
	d.check("point", err)
	return p
}
