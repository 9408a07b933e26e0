package eventlog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
)

// The field reports: the Header's fields first (the embedded struct comes
// first), then the body's, each in declaration order.

func scanPositionReported(c *cursor, e *fieldlog.PositionReported) {
	c.header(&e.Header)
	c.lit(`,"point":`)
	c.point(&e.Point)
	c.lit(`,"source":`)
	c.source(&e.Source)
	c.lit(`}`)
}

func scanObservationReported(c *cursor, e *fieldlog.ObservationReported) {
	c.header(&e.Header)
	c.lit(`,"text":`)
	c.string(&e.Text)
	if c.opt(`,"point":`) {
		e.Point = new(geo.Point)
		c.point(e.Point)
	}
	c.lit(`}`)
}

func scanSituationReported(c *cursor, e *fieldlog.SituationReported) {
	c.header(&e.Header)
	c.lit(`,"summary":`)
	c.string(&e.Summary)
	c.lit(`}`)
}

// header consumes the opening of a report and its Header's fields.
func (c *cursor) header(h *fieldlog.Header) {
	c.lit(`{"report_id":`)
	id(c, &h.ReportID, domain.NewReportID)
	c.lit(`,"operation_id":`)
	id(c, &h.OperationID, domain.NewOperationID)
	c.lit(`,"unit_id":`)
	id(c, &h.UnitID, domain.NewUnitID)
	c.lit(`,"marking":`)
	c.marking(&h.Marking)
	if c.opt(`,"corrects":`) {
		id(c, &h.Corrects, domain.NewReportID)
	}
}

// marking consumes a marking as Marking.MarshalJSON writes it and builds
// it as Marking.UnmarshalJSON does: through marking.New, which validates.
func (c *cursor) marking(m *marking.Marking) {
	var s marking.Spec
	c.lit(`{"originator":`)
	id(c, &s.Originator, domain.NewAgencyID)
	c.lit(`,"tlp":`)
	c.tlp(&s.TLP)
	if c.opt(`,"handling":`) {
		c.list(func() {
			var h marking.HandlingCode
			c.text(&h)
			s.Handling = append(s.Handling, h)
		})
	}
	if c.opt(`,"h3_text":`) {
		c.string(&s.H3Text)
	}
	if c.opt(`,"releasable_to":`) {
		c.recipients(&s.ReleasableTo)
	}
	c.lit(`,"evaluation":`)
	c.text(&s.Evaluation)
	c.lit(`}`)
	if !c.ok {
		return
	}
	v, err := marking.New(s)
	if err != nil {
		c.ok = false
		return
	}
	*m = v
}

// tlp consumes a TLP label as TLP.UnmarshalText reads it.
func (c *cursor) tlp(t *marking.TLP) {
	b := c.str()
	if !c.ok {
		return
	}
	for l := marking.TLPClear; l <= marking.TLPRed; l++ {
		if string(b) == l.String() {
			*t = l
			return
		}
	}
	c.ok = false
}

// recipients consumes a releasable-to list and builds it with
// marking.NewRecipients, as Marking.UnmarshalJSON does.
func (c *cursor) recipients(r *marking.Recipients) {
	var (
		agencies []domain.AgencyID
		states   []domain.StateCode
	)
	c.lit(`{`)
	next := `"states":`
	if c.opt(`"agencies":`) {
		c.list(func() {
			var a domain.AgencyID
			id(c, &a, domain.NewAgencyID)
			agencies = append(agencies, a)
		})
		next = `,"states":`
	}
	if c.opt(next) {
		c.list(func() {
			var st domain.StateCode
			c.text(&st)
			states = append(states, st)
		})
	}
	c.lit(`}`)
	if !c.ok {
		return
	}
	v, err := marking.NewRecipients(agencies, states)
	if err != nil {
		c.ok = false
		return
	}
	*r = v
}

// point consumes a point as geo.Point.MarshalJSON writes it and builds it
// as geo.Point.UnmarshalJSON does: through geo.NewPoint, which validates.
func (c *cursor) point(p *geo.Point) {
	var lat, lon, alt, acc float64
	c.lit(`{"lat":`)
	c.float(&lat)
	c.lit(`,"lon":`)
	c.float(&lon)
	hasAlt := c.opt(`,"alt_m":`)
	if hasAlt {
		c.float(&alt)
	}
	hasAcc := c.opt(`,"accuracy_m":`)
	if hasAcc {
		c.float(&acc)
	}
	c.lit(`}`)
	if !c.ok {
		return
	}
	var (
		v   geo.Point
		err error
	)
	switch { // no options slice for the usual point
	case hasAlt && hasAcc:
		v, err = geo.NewPoint(lat, lon, geo.Altitude(alt), geo.Accuracy(acc))
	case hasAlt:
		v, err = geo.NewPoint(lat, lon, geo.Altitude(alt))
	case hasAcc:
		v, err = geo.NewPoint(lat, lon, geo.Accuracy(acc))
	default:
		v, err = geo.NewPoint(lat, lon)
	}
	if err != nil {
		c.ok = false
		return
	}
	*p = v
}

// source consumes a position's source, sharing the constants' strings.
func (c *cursor) source(s *fieldlog.Source) {
	b := c.utf8()
	if !c.ok {
		return
	}
	for _, known := range []fieldlog.Source{fieldlog.SourceGPS, fieldlog.SourceManual, fieldlog.SourceRelayed, fieldlog.SourceFused} {
		if string(b) == string(known) {
			*s = known
			return
		}
	}
	*s = fieldlog.Source(b)
}
