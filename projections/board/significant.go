package board

import (
	"fmt"
	"strconv"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections"
)

// The significant-events log is the board's feed of headlines. Significant
// are: the operation's lifecycle (proposed, joined by an agency, activated,
// suspended, resumed, closed); changes of its terms (area, period, legal
// basis) and operational periods planned; command changes (a position
// filled or vacated, command transferred) and span-of-control warnings;
// resources checking in, checking out or going out of service; tasks
// issued, amended, completed or cancelled; every field report except
// position reports, corrections included; and retractions of those
// reports. Not significant: agreements, objectives, org units and
// positions established, assignments, acknowledgements, position reports
// (they make the tracks) and their retractions, and relaxations (they
// reveal entries, at their original place).
//
// A view shows the latest Limits.SignificantLength entries it may see; the
// board keeps the latest SignificantLength of each audience (see
// window.go): of every participant, and of each marking list, for the
// entries about a report (a report's own and its retraction's), which
// share its list.

// entry is a line of the log with the report whose audience it shares.
type entry struct {
	Entry
	subject domain.ReportID // zero: every participant
}

func (e *entry) before(f *entry) bool {
	if c := e.RecordedAt.Compare(f.RecordedAt); c != 0 {
		return c < 0
	}
	return e.Key < f.Key
}

// eventKey identifies an event of the operation or task streams; those
// streams are visible to every participant, so their revisions reveal
// nothing.
func eventKey(env projections.Envelope) string {
	return env.Stream + "@" + strconv.FormatUint(env.Revision, 10)
}

func (b *Board) significant(env projections.Envelope, summary string) {
	b.addEntry(&entry{Entry: b.eventEntry(env, summary)})
}

func (b *Board) significantUnit(env projections.Envelope, unit domain.UnitID, summary string) {
	e := b.eventEntry(env, summary)
	e.Unit = unit
	b.addEntry(&entry{Entry: e})
}

func (b *Board) significantTask(env projections.Envelope, t *Task, summary string) {
	e := b.eventEntry(env, summary)
	e.Unit, e.Task = t.Unit, t.Task
	b.addEntry(&entry{Entry: e})
}

func (b *Board) eventEntry(env projections.Envelope, summary string) Entry {
	return Entry{
		Key: eventKey(env), Type: env.Event.Payload.EventType(),
		OccurredAt: env.Event.OccurredAt, RecordedAt: env.Event.RecordedAt, Summary: summary,
	}
}

// addEntry keeps an entry in the window of its audience and shows it to
// that audience (even when it left the window at once: every client's
// trim drops it as the board did).
func (b *Board) addEntry(e *entry) {
	if b.entryByKey[e.Key] != nil {
		return
	}
	b.keepEntry(e, b.entryWindow(e))
	b.put(b.entrySpec(e, domain.AgencyID{}), CollSignificant, e.Key, e.Entry)
}

// entryWindow is the index in Board.entries of the window of an entry's
// audience: 0 for every participant's, l+1 for marking list l's.
func (b *Board) entryWindow(e *entry) int {
	if e.subject.IsZero() {
		return 0
	}
	return int(b.listOf(e.subject)) + 1
}

// keepEntry puts an entry in window w; the entry that leaves it is gone
// for good.
func (b *Board) keepEntry(e *entry, w int) {
	b.entries = grown(b.entries, w+1)
	b.entryByKey[e.Key] = e
	kept, out, dropped := keepLatest(b.entries[w], e, b.cfg.SignificantLength, (*entry).before)
	b.entries[w] = kept
	if dropped {
		delete(b.entryByKey, out.Key)
	}
}

// moveEntries moves the retained entries about report id from the window
// of marking list old to that of l, where they may fall out at once.
func (b *Board) moveEntries(id domain.ReportID, old, l listID) {
	from := int(old) + 1
	if old == l || from >= len(b.entries) {
		return
	}
	for {
		w, e, ok := takeFrom(b.entries[from], func(e *entry) bool { return e.subject == id })
		if !ok {
			return
		}
		b.entries[from] = w
		b.keepEntry(e, int(l)+1)
	}
}

// reportEntries returns the retained entries about report id, whose
// marking list is l: its own and its retraction's, in order.
func (b *Board) reportEntries(id domain.ReportID, l listID) []*entry {
	var out []*entry
	if w := int(l) + 1; w < len(b.entries) {
		for _, e := range b.entries[w] {
			if e.subject == id {
				out = append(out, e)
			}
		}
	}
	return out
}

// entrySpec is the audience of an entry, narrowed to agency when set.
func (b *Board) entrySpec(e *entry, agency domain.AgencyID) specID {
	if e.subject.IsZero() {
		return b.aud.spec(agency, nil, nil)
	}
	return b.only(agency, b.listOf(e.subject))
}

func spanSummary(e *operation.SpanOfControlExceeded) string {
	who := "the unified command"
	if !e.OrgUnitID.IsZero() {
		who = "org unit " + e.OrgUnitID.String()
	}
	return fmt.Sprintf("Span of control exceeded: %s directs %d (limit %d)", who, e.Span, e.Limit)
}

// reportSummary is a one-line headline of a field report.
func reportSummary(r fieldlog.Report) string {
	s := reportHeadline(r)
	if !r.Head().Corrects.IsZero() {
		s = "Correction: " + s
	}
	return s
}

func reportHeadline(r fieldlog.Report) string {
	switch e := r.(type) {
	case *fieldlog.BorderCrossed:
		return fmt.Sprintf("Border crossed from %s to %s (%s)", e.From, e.To, e.Mode)
	case *fieldlog.HostNotified:
		return fmt.Sprintf("Host authority of %s notified by %s", e.HostState, e.Channel)
	case *fieldlog.HostNotificationAcknowledged:
		if e.Authorised {
			return "Host acknowledged the notification and authorised the action"
		}
		return "Host acknowledged the notification"
	case *fieldlog.SurveillanceStarted:
		return fmt.Sprintf("Surveillance started (%s): %s", e.Authorisation, e.Target)
	case *fieldlog.SurveillanceHandedOver:
		return "Surveillance handed over to agency " + e.ToAgency.String()
	case *fieldlog.SurveillanceEnded:
		return fmt.Sprintf("Surveillance ended: %s", e.Reason)
	case *fieldlog.PursuitStarted:
		return fmt.Sprintf("Hot pursuit started (%s): %s", e.Grounds, e.Target)
	case *fieldlog.PursuitCeased:
		return fmt.Sprintf("Hot pursuit ceased: %s", e.Reason)
	case *fieldlog.PersonApprehended:
		return "Person apprehended: " + e.Grounds
	case *fieldlog.PersonHandedOver:
		return "Person handed over to agency " + e.ToAgency.String()
	case *fieldlog.ItemSeized:
		return fmt.Sprintf("Item seized (%s): %s", e.CustodyID, e.Description)
	case *fieldlog.ForceUsed:
		return fmt.Sprintf("Force used (%s): %s", e.Kind, e.Description)
	case *fieldlog.ObservationReported:
		return "Observation: " + e.Text
	case *fieldlog.SituationReported:
		return "Situation report: " + e.Summary
	case *fieldlog.PostActionReported:
		return "Post-action report: " + e.Summary
	case *fieldlog.PositionReported:
		return "Position reported"
	}
	return r.EventType()
}

// reportEntry is the entry of a field report with its summary.
func reportEntry(r *report, summary string) *entry {
	return &entry{
		Entry: Entry{
			Key: r.id.String(), Type: r.typ, OccurredAt: r.occurred, RecordedAt: r.recorded,
			Summary: summary, Report: r.id, Unit: r.unit,
		},
		subject: r.id,
	}
}

// retractionEntry is the entry of retraction e of a report other than a
// position, by the report's unit (a field log retracts its own reports).
func retractionEntry(e *fieldlog.ReportRetracted, occurred, recorded time.Time) *entry {
	return &entry{
		Entry: Entry{
			Key: e.ReportID.String(), Type: fieldlog.ReportRetractedType, OccurredAt: occurred, RecordedAt: recorded,
			Summary: "Report retracted: " + e.Reason, Report: e.Retracts, Unit: e.UnitID,
		},
		subject: e.Retracts,
	}
}
