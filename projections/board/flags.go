package board

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/projections"
)

// flag is a compliance flag of the operation: its view, with who may see
// it. An agency sees a flag when it may see every report in its evidence
// (list), and the agency whose unit acted (agency) always does.
type flag struct {
	view Flag
	// list is the markings of every report in the evidence, noList when
	// the board does not know one of them (then only agency sees the
	// flag). A flag resting on no report at all has none to check.
	list    listID
	reports []domain.ReportID // the reports in the evidence
	agency  domain.AgencyID   // whose unit acted; zero when unknown
}

func (f *flag) before(g *flag) bool {
	if c := f.view.RecordedAt.Compare(g.view.RecordedAt); c != 0 {
		return c < 0
	}
	return f.view.ID < g.view.ID
}

// foldFlag folds an event of the operation's compliance stream: a flag's,
// or a host's stop request (into the significant-events log, for every
// participant).
func (b *Board) foldFlag(env projections.Envelope) bool {
	ev := env.Event
	switch e := ev.Payload.(type) {
	case *compliance.StopRequested:
		if b.proposed {
			b.significant(env, stopSummary(e))
		}
	case *compliance.FlagRaised:
		b.flagRaised(ev, e)
	case *compliance.FlagCleared:
		if f := b.flags[e.FlagID]; f != nil && f.view.Cleared == nil {
			f.view.State = FlagCleared
			f.view.Cleared = &FlagClearance{Reason: e.Reason, OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt}
			b.putFlag(f, domain.AgencyID{})
		}
	case *compliance.FlagAcknowledged:
		b.flagAnswered(ev, e.FlagID, e.Agency, AnswerAcknowledged, e.Note)
	case *compliance.FlagDisputed:
		b.flagAnswered(ev, e.FlagID, e.Agency, AnswerDisputed, e.Note)
	default:
		return false
	}
	return true
}

func (b *Board) flagRaised(ev domain.Event, e *compliance.FlagRaised) {
	if e.ID == "" || b.flags[e.ID] != nil {
		return
	}
	f := &flag{view: Flag{
		ID: e.ID, Rule: e.Rule, Severity: e.Rule.Severity(), Unit: e.Unit, Provision: e.Provision,
		Explanation: e.Explanation, Language: e.Language, OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt,
		State: FlagOpen,
	}}
	for _, r := range e.Evidence {
		f.view.Evidence = append(f.view.Evidence, evidenceOf(r))
		if !r.Report.IsZero() && !slices.Contains(f.reports, r.Report) {
			f.reports = append(f.reports, r.Report)
		}
	}
	f.list = b.flagList(f.reports, e.Evidence)
	f.agency = b.actingAgency(e.Unit, f.reports)
	f.view.Agency = f.agency
	b.flags[f.view.ID] = f
	i := len(b.flagOrder)
	for i > 0 && f.before(b.flagOrder[i-1]) {
		i--
	}
	b.flagOrder = slices.Insert(b.flagOrder, i, f)
	for _, r := range f.reports {
		b.flagsByReport[r] = append(b.flagsByReport[r], f)
	}
	b.putFlag(f, domain.AgencyID{})
}

// stopSummary says who a host asked to stop, and why.
func stopSummary(e *compliance.StopRequested) string {
	who := "every foreign unit"
	if len(e.Units) > 0 {
		names := make([]string, len(e.Units))
		for i, u := range e.Units {
			names[i] = u.String()
		}
		who = "units " + strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s asked %s to stop acting on its territory: %s", e.Host, who, e.Reason)
}

// evidenceOf is how a view names one piece of evidence: a field report by
// its ID alone (its stream revision would tell how many reports the unit
// filed, seen or not), any other event by stream and revision.
func evidenceOf(r compliance.EventRef) Evidence {
	if !r.Report.IsZero() {
		return Evidence{Report: r.Report}
	}
	return Evidence{Stream: r.Stream, Revision: r.Revision}
}

// flagList interns the markings of every report in a flag's evidence, in
// order and without repeats; noList when one is unknown to the board, or
// when an event of a field log names no report (recorded before evidence
// carried report IDs): such a flag fails closed.
func (b *Board) flagList(reports []domain.ReportID, evidence []compliance.EventRef) listID {
	for _, r := range evidence {
		if r.Report.IsZero() && isFieldLog(r.Stream) {
			return noList
		}
	}
	var l markingList
	keys := map[string]bool{}
	for _, id := range reports {
		own := b.listOf(id)
		if own == noList {
			return noList
		}
		for _, m := range b.aud.lists[own] {
			if k := markingKey(m); !keys[k] {
				keys[k] = true
				l = append(l, m)
			}
		}
	}
	if len(l) == 0 {
		return noList
	}
	return b.aud.list(l)
}

// actingAgency is the agency of the unit that acted: the one it checked
// in with, else the originator of its first report in the evidence.
func (b *Board) actingAgency(unit domain.UnitID, reports []domain.ReportID) domain.AgencyID {
	if u := b.units[unit]; u != nil {
		return u.Agency
	}
	for _, id := range reports {
		if l := b.listOf(id); l != noList {
			return b.aud.lists[l][0].Originator()
		}
	}
	return domain.AgencyID{}
}

func (b *Board) flagAnswered(ev domain.Event, id compliance.FlagID, agency domain.AgencyID, kind AnswerKind, note string) {
	f := b.flags[id]
	if f == nil || slices.ContainsFunc(f.view.Answers, func(a FlagAnswer) bool { return a.Agency == agency }) {
		return
	}
	f.view.Answers = append(slices.Clip(f.view.Answers), FlagAnswer{Agency: agency, Kind: kind, Note: note,
		OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt})
	b.putFlag(f, domain.AgencyID{})
}

// putFlag shows a flag to everyone who may see it — only agency, when
// set: those who may see its evidence, and the agency whose unit acted.
func (b *Board) putFlag(f *flag, agency domain.AgencyID) {
	v, key := f.render(), string(f.view.ID)
	if len(f.reports) == 0 && f.list == noList && !b.failsClosed(f) {
		b.put(b.only(agency), CollFlags, key, v)
		return
	}
	if f.list != noList {
		b.put(b.only(agency, f.list), CollFlags, key, v)
	}
	if f.agency.IsZero() || !agency.IsZero() && agency != f.agency {
		return
	}
	var not []listID
	if f.list != noList {
		not = []listID{f.list}
	}
	b.put(b.aud.spec(f.agency, nil, not), CollFlags, key, v)
}

// failsClosed reports whether a flag without known reports is hidden
// from all but the acting agency: its evidence is in a field log.
func (b *Board) failsClosed(f *flag) bool {
	return slices.ContainsFunc(f.view.Evidence, func(e Evidence) bool { return isFieldLog(e.Stream) })
}

// reflag moves the flags resting on reports whose marking lists changed
// (a relaxation) to their new lists, showing them to the agencies that may
// see them only now.
func (b *Board) reflag(reports []domain.ReportID) {
	var done []*flag
	for _, id := range reports {
		for _, f := range b.flagsByReport[id] {
			if f.list == noList || slices.Contains(done, f) {
				continue
			}
			done = append(done, f)
			old := f.list
			f.list = b.flagList(f.reports, nil)
			if f.list == old || f.list == noList {
				continue
			}
			b.put(b.aud.spec(domain.AgencyID{}, []listID{f.list}, []listID{old}), CollFlags, string(f.view.ID), f.render())
		}
	}
}

// render returns the flag's view, sharing nothing mutable with the board.
func (f *flag) render() Flag {
	v := f.view
	v.Evidence = slices.Clone(v.Evidence)
	v.Answers = slices.Clone(v.Answers)
	if v.Cleared != nil {
		c := *v.Cleared
		v.Cleared = &c
	}
	return v
}

// viewFlags lists the flags viewer may see.
func (b *Board) viewFlags(v *View, vis *visibility) {
	for _, f := range b.flagOrder {
		if b.flagVisible(f, vis) {
			v.Flags = append(v.Flags, f.render())
		}
	}
}

func (b *Board) flagVisible(f *flag, vis *visibility) bool {
	if f.list != noList && vis.list(f.list) {
		return true
	}
	if len(f.reports) == 0 && f.list == noList && !b.failsClosed(f) {
		return true
	}
	return !f.agency.IsZero() && f.agency == vis.viewer.Agency
}

// isFieldLog reports whether stream is a unit's field log.
func isFieldLog(stream string) bool { return strings.HasPrefix(stream, fieldlog.StreamPrefix) }
