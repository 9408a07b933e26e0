package board

import (
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// report is a field report other than a position report.
type report struct {
	id                    domain.ReportID
	unit                  domain.UnitID
	typ                   string
	body                  any // what the report says: body(payload)
	occurred, recorded    time.Time
	lateBy                time.Duration
	list                  listID // its own marking in force, then its corrected reports'
	corrects, correctedBy domain.ReportID
	retraction            *Retraction
}

func (r *report) before(s *report) bool {
	if c := r.recorded.Compare(s.recorded); c != 0 {
		return c < 0
	}
	return r.id.Compare(s.id) < 0
}

// known reports whether id is already a report of the board.
func (b *Board) known(id domain.ReportID) bool {
	if _, ok := b.points[id]; ok {
		return true
	}
	return b.reports[id] != nil
}

// listOf returns the marking list in force of a report, noList if the
// board does not know it.
func (b *Board) listOf(id domain.ReportID) listID {
	if r := b.reports[id]; r != nil {
		return r.list
	}
	if ref, ok := b.points[id]; ok {
		return ref.list
	}
	return noList
}

// correctorOf returns the report correcting id, if any.
func (b *Board) correctorOf(id domain.ReportID) domain.ReportID {
	if r := b.reports[id]; r != nil {
		return r.correctedBy
	}
	if l := b.pointLinks[id]; l != nil {
		return l.correctedBy
	}
	return domain.ReportID{}
}

// correctedOf returns the report id corrects, if any.
func (b *Board) correctedOf(id domain.ReportID) domain.ReportID {
	if r := b.reports[id]; r != nil {
		return r.corrects
	}
	if l := b.pointLinks[id]; l != nil {
		return l.corrects
	}
	return domain.ReportID{}
}

// ownList interns the marking list of a new report: its marking, then, for
// a correction, the corrected report's list. A correction of a report the
// board does not know fails closed: only its originator sees it.
func (b *Board) ownList(m marking.Marking, corrects domain.ReportID) listID {
	if corrects.IsZero() {
		return b.aud.list(markingList{m})
	}
	if l := b.listOf(corrects); l != noList {
		return b.aud.extend(m, l)
	}
	strict, err := marking.New(marking.Spec{Originator: m.Originator(), TLP: marking.TLPAmberStrict, Evaluation: m.Evaluation()})
	if err != nil {
		return b.aud.list(markingList{m})
	}
	return b.aud.list(markingList{m, strict})
}

// link records that child corrects parent and reports whether it did: the
// board knows parent and nothing corrected it before. The first correction
// stays parent's corrected_by: a later one, which some agency that saw the
// first may not see, must not take it away from that agency (its delta
// would reveal the later correction, and its view would disagree with the
// deltas it was sent).
func (b *Board) link(parent, child domain.ReportID) bool {
	if parent.IsZero() {
		return false
	}
	if r := b.reports[parent]; r != nil {
		if !r.correctedBy.IsZero() {
			return false
		}
		r.correctedBy = child
		return true
	}
	if _, ok := b.points[parent]; !ok {
		return false
	}
	l := b.pointLinks[parent]
	if l == nil {
		l = &links{}
		b.pointLinks[parent] = l
	}
	if !l.correctedBy.IsZero() {
		return false
	}
	l.correctedBy = child
	if _, p, _ := b.retainedPoint(parent); p != nil {
		p.correctedBy = child
	}
	return true
}

// putCorrected shows parent as corrected to those who may see its
// correction, whose list is l (they may see parent too).
func (b *Board) putCorrected(parent domain.ReportID, l listID) {
	s := b.aud.plain[l]
	if r := b.reports[parent]; r != nil {
		b.put(s, CollReports, parent.String(), b.renderReport(r, true))
		return
	}
	if t, p, pl := b.retainedPoint(parent); p != nil {
		b.put(s, CollTrack, parent.String(), b.renderPoint(t, p, pl, true))
	}
}

func (b *Board) reported(ev domain.Event, r fieldlog.Report) {
	h := r.Head()
	if b.known(h.ReportID) {
		return
	}
	rep := &report{
		id: h.ReportID, unit: h.UnitID, typ: r.EventType(), body: body(r),
		occurred: ev.OccurredAt, recorded: ev.RecordedAt, lateBy: ev.LateBy,
		list: b.ownList(h.Marking, h.Corrects), corrects: h.Corrects,
	}
	b.reports[rep.id] = rep
	i := len(b.reportOrder)
	for i > 0 && rep.before(b.reportOrder[i-1]) {
		i--
	}
	b.reportOrder = slices.Insert(b.reportOrder, i, rep)
	b.put(b.aud.plain[rep.list], CollReports, rep.id.String(), b.renderReport(rep, false))
	if b.link(h.Corrects, rep.id) {
		b.putCorrected(h.Corrects, rep.list)
	}
	b.addEntry(reportEntry(rep, reportSummary(r)))
}

// retracted marks a report withdrawn, for those who may see it.
func (b *Board) retracted(ev domain.Event, e *fieldlog.ReportRetracted) {
	if r := b.reports[e.Retracts]; r != nil {
		if r.retraction != nil {
			return
		}
		r.retraction = &Retraction{Report: e.ReportID, Reason: e.Reason, RecordedAt: ev.RecordedAt}
		b.reput(r.id, domain.AgencyID{})
		b.addEntry(retractionEntry(r, e.ReportID, e.Reason, ev.OccurredAt, ev.RecordedAt))
		return
	}
	if _, p, _ := b.retainedPoint(e.Retracts); p != nil && !p.retracted {
		p.retracted = true
		b.reput(e.Retracts, domain.AgencyID{})
	}
}

// relaxed applies a new marking to a report from now on. The lists of the
// report and of its corrections (which include its marking) change; the
// report, its corrections and the report it corrects are shown again to
// everyone who may now see them (their marking or their correction
// changed), and their entries in the significant-events log and the
// compliance flags resting on them to those who may see them only now.
func (b *Board) relaxed(e *fieldlog.MarkingRelaxed) {
	old := b.listOf(e.Report)
	if old == noList {
		return
	}
	// Visibility only ever grows: that is what lets a view apply deltas
	// without ever losing an item. The log never holds a "relaxation"
	// that tightens (the field log refuses it); a board fed one ignores it.
	if cur := b.aud.lists[old][0]; marking.CheckRelaxation(cur.Originator(), cur, e.To) != nil {
		return
	}
	chain := []domain.ReportID{e.Report}
	for next := b.correctorOf(e.Report); !next.IsZero() && !slices.Contains(chain, next); next = b.correctorOf(next) {
		chain = append(chain, next)
	}
	olds, news := make([]listID, len(chain)), make([]listID, len(chain))
	for i, id := range chain {
		olds[i] = b.listOf(id)
		if i == 0 {
			news[i] = b.aud.replaceHead(old, e.To)
		} else {
			news[i] = b.aud.rebase(olds[i], news[i-1])
		}
	}
	if news[0] == old {
		return
	}
	for i, id := range chain {
		b.setList(id, olds[i], news[i])
	}
	if parent := b.correctedOf(e.Report); !parent.IsZero() {
		b.reput(parent, domain.AgencyID{})
	}
	for i, id := range chain {
		b.reput(id, domain.AgencyID{})
		for _, en := range b.reportEntries(id) {
			b.put(b.aud.spec(domain.AgencyID{}, []listID{news[i]}, []listID{olds[i]}), CollSignificant, en.Key, en.Entry)
		}
	}
	b.reflag(chain)
}

// setList moves a report to another marking list; a retained position
// moves to the ring of its new list.
func (b *Board) setList(id domain.ReportID, old, l listID) {
	if r := b.reports[id]; r != nil {
		r.list = l
		return
	}
	ref, ok := b.points[id]
	if !ok {
		return
	}
	b.points[id] = pointRef{list: l, track: ref.track}
	t := b.trackList[ref.track]
	if r := t.ring(old); r != nil {
		if p, ok := r.take(id); ok {
			b.ringFor(t, l).insert(p)
		}
	}
}

// reportEntries returns the significant-events entries that share the
// audience of report id: its own and its retraction's.
func (b *Board) reportEntries(id domain.ReportID) []*entry {
	r := b.reports[id]
	if r == nil {
		return nil
	}
	var out []*entry
	if e := b.entryByKey[id.String()]; e != nil {
		out = append(out, e)
	}
	if r.retraction != nil {
		if e := b.entryByKey[r.retraction.Report.String()]; e != nil {
			out = append(out, e)
		}
	}
	return out
}

// reput shows a report (or a retained position) again to everyone who may
// see it — only agency, when set — each with the corrected_by they may see.
func (b *Board) reput(id domain.ReportID, agency domain.AgencyID) {
	if r := b.reports[id]; r != nil {
		b.putVariants(agency, r.list, b.listOf(r.correctedBy), CollReports, id.String(),
			func(with bool) any { return b.renderReport(r, with) })
		return
	}
	if t, p, l := b.retainedPoint(id); p != nil {
		b.putVariants(agency, l, b.listOf(p.correctedBy), CollTrack, id.String(),
			func(with bool) any { return b.renderPoint(t, p, l, with) })
	}
}

// putVariants puts an item of list l whose corrector has list k (noList
// for none): with its corrected_by to those who may see the corrector,
// without to the others.
func (b *Board) putVariants(agency domain.AgencyID, l, k listID, collection, key string, render func(withCorrector bool) any) {
	if k == noList {
		b.put(b.only(agency, l), collection, key, render(false))
		return
	}
	b.put(b.only(agency, k), collection, key, render(true))
	b.put(b.aud.spec(agency, []listID{l}, []listID{k}), collection, key, render(false))
}

func (b *Board) renderReport(r *report, withCorrector bool) Report {
	v := Report{
		Report: r.id, Unit: r.unit, Type: r.typ, OccurredAt: r.occurred, RecordedAt: r.recorded,
		LateBySeconds: int64(r.lateBy / time.Second), Marking: b.aud.lists[r.list][0], Corrects: r.corrects,
		Body: r.body,
	}
	if withCorrector {
		v.CorrectedBy = r.correctedBy
	}
	if r.retraction != nil {
		rt := *r.retraction
		v.Retraction = &rt
	}
	return v
}

// body returns what a report says without its header.
func body(r fieldlog.Report) any {
	switch e := r.(type) {
	case *fieldlog.PositionReported:
		return e.Position
	case *fieldlog.BorderCrossed:
		return e.BorderCrossing
	case *fieldlog.HostNotified:
		return e.HostNotification
	case *fieldlog.HostNotificationAcknowledged:
		return e.HostAcknowledgement
	case *fieldlog.SurveillanceStarted:
		return e.SurveillanceStart
	case *fieldlog.SurveillanceHandedOver:
		return e.SurveillanceHandover
	case *fieldlog.SurveillanceEnded:
		return e.SurveillanceEnd
	case *fieldlog.PursuitStarted:
		return e.PursuitStart
	case *fieldlog.PursuitCeased:
		return e.PursuitCease
	case *fieldlog.PersonApprehended:
		return e.Apprehension
	case *fieldlog.PersonHandedOver:
		return e.PersonHandover
	case *fieldlog.ItemSeized:
		return e.Seizure
	case *fieldlog.ForceUsed:
		return e.UseOfForce
	case *fieldlog.ObservationReported:
		return e.Observation
	case *fieldlog.SituationReported:
		return e.Situation
	case *fieldlog.PostActionReported:
		return e.PostAction
	}
	return nil
}
