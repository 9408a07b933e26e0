package board

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agreement"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/projections/internal/wire"
)

// flags writes the compliance flags in order: each flag's view (its
// severity follows from its rule), its marking list (0 for none, else the
// list's index plus one), the reports it rests on and the agency whose
// unit acted.
func (e encoder) flags(flags []*flag) {
	e.Len(len(flags))
	for _, f := range flags {
		v := &f.view
		e.String(string(v.ID))
		e.Symbol(string(v.Rule))
		e.UUID(v.Unit.UUID())
		e.Symbol(string(v.Provision.Agreement))
		e.Symbol(string(v.Provision.Provision))
		wire.WriteSlice(e.Writer, v.Evidence, func(ev Evidence) {
			e.UUID(ev.Report.UUID())
			e.String(ev.Stream)
			e.Uvarint(ev.Revision)
		})
		e.String(v.Explanation)
		e.Symbol(v.Language)
		e.Time(v.OccurredAt)
		e.Time(v.RecordedAt)
		e.Bool(v.Cleared != nil)
		if c := v.Cleared; c != nil {
			e.String(c.Reason)
			e.Time(c.OccurredAt)
			e.Time(c.RecordedAt)
		}
		wire.WriteSlice(e.Writer, v.Answers, func(a FlagAnswer) {
			e.UUID(a.Agency.UUID())
			e.Symbol(string(a.Kind))
			e.String(a.Note)
			e.Time(a.OccurredAt)
			e.Time(a.RecordedAt)
		})
		e.Uvarint(uint64(f.list + 1))
		wire.WriteSlice(e.Writer, f.reports, func(r domain.ReportID) { e.UUID(r.UUID()) })
		e.UUID(f.agency.UUID())
	}
}

// flags reads the compliance flags back and checks that each comes after
// the one before. A flag may rest on a report the board does not know (it
// then fails closed), so its reports are not checked against the board's.
func (d *decoder) flags(b *Board) {
	n := d.Count(3*idSize + 8)
	b.flagOrder = make([]*flag, 0, n)
	for range n {
		f := d.flag(b)
		if d.Err() != nil {
			return
		}
		if k := len(b.flagOrder); k > 0 && !b.flagOrder[k-1].before(f) {
			d.Failf("flag %s out of order", f.view.ID)
			return
		}
		b.flags[f.view.ID] = f
		b.flagOrder = append(b.flagOrder, f)
		for _, r := range f.reports {
			b.flagsByReport[r] = append(b.flagsByReport[r], f)
		}
	}
	d.unique("flag", len(b.flags), len(b.flagOrder))
}

func (d *decoder) flag(b *Board) *flag {
	v := Flag{ID: compliance.FlagID(d.String()), Rule: compliance.Rule(d.Symbol()), Unit: d.unitID(),
		Provision: agreement.ProvisionRef{Agreement: agreement.Key(d.Symbol()), Provision: agreement.Key(d.Symbol())}}
	v.Evidence = wire.ReadSlice(d.Reader, idSize+2, func() Evidence {
		return Evidence{Report: d.reportID(), Stream: d.String(), Revision: d.Uvarint()}
	})
	v.Explanation, v.Language, v.OccurredAt, v.RecordedAt = d.String(), d.Symbol(), d.Time(), d.Time()
	v.Severity, v.State = v.Rule.Severity(), FlagOpen
	if d.Bool() {
		v.State = FlagCleared
		v.Cleared = &FlagClearance{Reason: d.String(), OccurredAt: d.Time(), RecordedAt: d.Time()}
	}
	v.Answers = wire.ReadSlice(d.Reader, idSize+4, func() FlagAnswer {
		return FlagAnswer{Agency: d.agencyID(), Kind: AnswerKind(d.Symbol()), Note: d.String(), OccurredAt: d.Time(), RecordedAt: d.Time()}
	})
	f := &flag{view: v, list: noList}
	if l := d.Uvarint(); l > uint64(len(b.aud.lists)) {
		d.Failf("flag marking list %d of %d", l-1, len(b.aud.lists))
	} else if l > 0 {
		f.list = listID(l - 1)
	}
	f.reports = wire.ReadSlice(d.Reader, idSize, d.reportID)
	f.agency = d.agencyID()
	f.view.Agency = f.agency
	if d.Err() != nil {
		return f
	}
	if !v.ID.Valid() || !v.Rule.Valid() {
		d.Failf("flag %q of rule %q", v.ID, v.Rule)
	}
	for i, r := range f.reports {
		if slices.Contains(f.reports[:i], r) {
			d.Failf("flag %s names report %s twice", v.ID, r)
		}
	}
	return f
}
