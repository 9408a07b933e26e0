package board

import (
	"fmt"
	"slices"
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
// The board keeps every entry (they are rare next to position reports);
// a view shows the latest Limits.SignificantLength it may see.

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

// addEntry keeps an entry in order and shows it to its audience.
func (b *Board) addEntry(e *entry) {
	if b.entryByKey[e.Key] != nil {
		return
	}
	i := len(b.entries)
	for i > 0 && e.before(b.entries[i-1]) {
		i--
	}
	b.entries = slices.Insert(b.entries, i, e)
	b.entryByKey[e.Key] = e
	b.put(b.entrySpec(e, domain.AgencyID{}), CollSignificant, e.Key, e.Entry)
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

// retractionEntry is the entry of a retraction of report r.
func retractionEntry(r *report, id domain.ReportID, reason string, occurred, recorded time.Time) *entry {
	return &entry{
		Entry: Entry{
			Key: id.String(), Type: fieldlog.ReportRetractedType, OccurredAt: occurred, RecordedAt: recorded,
			Summary: "Report retracted: " + reason, Report: r.id, Unit: r.unit,
		},
		subject: r.id,
	}
}
