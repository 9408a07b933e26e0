package board

import (
	"slices"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/marking"
)

// report is a field report other than a position report, kept while the
// window of its marking list holds it (see window.go); its list, and what
// it corrects or is corrected by, are in the index.
type report struct {
	id                 domain.ReportID
	unit               domain.UnitID
	typ                string
	body               any // what the report says: body(payload)
	occurred, recorded time.Time
	lateBy             time.Duration
	retraction         *Retraction
}

func (r *report) before(s *report) bool {
	if c := r.recorded.Compare(s.recorded); c != 0 {
		return c < 0
	}
	return r.id.Compare(s.id) < 0
}

// keepReport puts a report in the window of marking list l: the latest
// ReportLength reports of l, by recorded_at then ID. The report that
// leaves it — r itself, when r is older than all of a full window — is
// out of every view for good: its body is dropped (see window.go).
func (b *Board) keepReport(r *report, l listID) {
	b.reportWindows = grown(b.reportWindows, int(l)+1)
	b.reports[r.id] = r
	w, out, dropped := keepLatest(b.reportWindows[l], r, b.cfg.ReportLength, (*report).before)
	b.reportWindows[l] = w
	if dropped {
		delete(b.reports, out.id)
	}
}

// takeReport removes a retained report from the window of list l.
func (b *Board) takeReport(id domain.ReportID, l listID) *report {
	if int(l) >= len(b.reportWindows) {
		return nil
	}
	w, r, ok := takeFrom(b.reportWindows[l], func(r *report) bool { return r.id == id })
	if !ok {
		return nil
	}
	b.reportWindows[l] = w
	delete(b.reports, id)
	return r
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

// putCorrected shows parent as corrected to those who may see its
// correction, whose list is l (they may see parent too).
func (b *Board) putCorrected(parent domain.ReportID, l listID) {
	s := b.aud.plain[l]
	if r := b.reports[parent]; r != nil {
		b.put(s, CollReports, parent.String(), b.renderReport(r, b.listOf(parent), true))
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
	l := b.ownList(h.Marking, h.Corrects)
	rep := &report{
		id: h.ReportID, unit: h.UnitID, typ: r.EventType(), body: body(r),
		occurred: ev.OccurredAt, recorded: ev.RecordedAt, lateBy: ev.LateBy,
	}
	b.indexReport(rep.id, reportRef{list: l, track: otherReport}, h.Corrects)
	b.keepReport(rep, l)
	// Put even when the report left its window at once: every client's
	// trim drops it as the board did.
	b.put(b.aud.plain[l], CollReports, rep.id.String(), b.renderReport(rep, l, false))
	if b.link(h.Corrects, rep.id) {
		b.putCorrected(h.Corrects, l)
	}
	b.addEntry(reportEntry(rep, reportSummary(r)))
}

// retracted marks a report withdrawn, for those who may see it. The
// retraction of a report other than a position goes to the
// significant-events log even when the report left every window; a
// position report's, only to the point, while its ring holds it.
func (b *Board) retracted(ev domain.Event, e *fieldlog.ReportRetracted) {
	ref, ok := b.index[e.Retracts]
	switch {
	case !ok || ref.track == retractedReport:
		return
	case ref.isPosition():
		if _, p, _ := b.retainedPoint(e.Retracts); p != nil && !p.retracted {
			p.retracted = true
			b.reput(e.Retracts, domain.AgencyID{})
		}
		return
	}
	ref.track = retractedReport
	b.index[e.Retracts] = ref
	if r := b.reports[e.Retracts]; r != nil {
		r.retraction = &Retraction{Report: e.ReportID, Reason: e.Reason, RecordedAt: ev.RecordedAt}
		b.reput(r.id, domain.AgencyID{})
	}
	b.addEntry(retractionEntry(e, ev.OccurredAt, ev.RecordedAt))
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
		for _, en := range b.reportEntries(id, news[i]) {
			b.put(b.aud.spec(domain.AgencyID{}, []listID{news[i]}, []listID{olds[i]}), CollSignificant, en.Key, en.Entry)
		}
	}
	b.reflag(chain)
}

// setList moves a report to another marking list: in the index, and, when
// a window holds it, to the window of its new list (where it may fall
// out at once), with its entries in the significant-events log.
func (b *Board) setList(id domain.ReportID, old, l listID) {
	ref, ok := b.index[id]
	if !ok {
		return
	}
	b.index[id] = reportRef{list: l, track: ref.track}
	if ref.isPosition() {
		t := b.trackList[ref.track]
		if r := t.ring(old); r != nil {
			if p, ok := r.take(id); ok {
				b.ringFor(t, l).insert(p)
			}
		}
		return
	}
	if r := b.takeReport(id, old); r != nil {
		b.keepReport(r, l)
	}
	b.moveEntries(id, old, l)
}

// reput shows a report (or a retained position) again to everyone who may
// see it — only agency, when set — each with the corrected_by they may see.
func (b *Board) reput(id domain.ReportID, agency domain.AgencyID) {
	if r := b.reports[id]; r != nil {
		l := b.listOf(id)
		b.putVariants(agency, l, b.listOf(b.correctorOf(id)), CollReports, id.String(),
			func(with bool) any { return b.renderReport(r, l, with) })
		return
	}
	if t, p, l := b.retainedPoint(id); p != nil {
		b.putVariants(agency, l, b.listOf(b.correctorOf(id)), CollTrack, id.String(),
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

// renderReport renders a retained report of list l.
func (b *Board) renderReport(r *report, l listID, withCorrector bool) Report {
	links := b.corrections[r.id]
	v := Report{
		Report: r.id, Unit: r.unit, Type: r.typ, OccurredAt: r.occurred, RecordedAt: r.recorded,
		LateBySeconds: int64(r.lateBy / time.Second), Marking: b.aud.lists[l][0], Corrects: links.corrects,
		Body: r.body,
	}
	if withCorrector {
		v.CorrectedBy = links.correctedBy
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
