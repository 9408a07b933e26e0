package fieldlog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// StreamPrefix begins the name of every field-log stream.
const StreamPrefix = "unitlog-"

// Stream names the field log of unit in operation op.
func Stream(op domain.OperationID, unit domain.UnitID) string {
	return OperationStreamPrefix(op) + unit.String()
}

// OperationStreamPrefix begins the names of all field logs of operation op,
// for subscribing to every unit's reports of one operation.
func OperationStreamPrefix(op domain.OperationID) string { return StreamPrefix + op.String() + "-" }

// Rejection codes.
const (
	CodeDuplicateReport     domain.Code = "fieldlog.duplicate_report"
	CodeOriginatorMismatch  domain.Code = "fieldlog.originator_mismatch"
	CodeReportUnknown       domain.Code = "fieldlog.report_unknown"
	CodeNotAReport          domain.Code = "fieldlog.not_a_report"
	CodeCorrectionKind      domain.Code = "fieldlog.correction_kind_mismatch"
	CodeCorrectionIdentity  domain.Code = "fieldlog.correction_changes_identity"
	CodeAlreadyCorrected    domain.Code = "fieldlog.already_corrected"
	CodeReportRetracted     domain.Code = "fieldlog.report_retracted"
	CodeRetractRetraction   domain.Code = "fieldlog.cannot_retract_retraction"
	CodeNotOriginator       domain.Code = "fieldlog.not_originator"
	CodeActivityExists      domain.Code = "fieldlog.activity_exists"
	CodeActivityUnknown     domain.Code = "fieldlog.activity_unknown"
	CodeActivityEnded       domain.Code = "fieldlog.activity_ended"
	CodeNotificationExists  domain.Code = "fieldlog.notification_exists"
	CodeNotificationUnknown domain.Code = "fieldlog.notification_unknown"
	CodeNotificationAcked   domain.Code = "fieldlog.notification_acknowledged"
	CodeSubjectInCustody    domain.Code = "fieldlog.subject_in_custody"
	CodeSubjectNotInCustody domain.Code = "fieldlog.subject_not_in_custody"
	CodeCustodyIDReused     domain.Code = "fieldlog.custody_id_reused"
)

type activityKind uint8

const (
	surveillance activityKind = iota + 1
	pursuit
)

func (k activityKind) String() string {
	if k == pursuit {
		return "pursuit"
	}
	return "surveillance"
}

type activity struct {
	kind activityKind
	open bool
}

// Log is the field log of one unit in one operation. It is not safe for
// concurrent use. Its state grows with the log, by 40 to 70 bytes per
// report as its map of entries fills and grows (BenchmarkLogMemory), none
// of them pointers; the application layer should keep a busy unit's log
// loaded between commands, within a bound on the total Weight of what it
// keeps, and append with the expected revision it holds.
type Log struct {
	root      domain.Root
	operation domain.OperationID
	unit      domain.UnitID

	entries  map[domain.ReportID]entry
	markings markingTable
	keys     keyTable

	activities    map[domain.ActivityID]activity
	notifications map[domain.NotificationID]bool // acknowledged?
	custody       map[domain.SubjectID]bool      // in custody?
	custodyIDs    map[string]bool
}

// New returns the empty field log of unit in operation op.
func New(op domain.OperationID, unit domain.UnitID) *Log {
	return &Log{
		root: domain.NewRoot(Stream(op, unit)), operation: op, unit: unit,
		entries:       map[domain.ReportID]entry{},
		markings:      newMarkingTable(),
		keys:          newKeyTable(),
		activities:    map[domain.ActivityID]activity{},
		notifications: map[domain.NotificationID]bool{},
		custody:       map[domain.SubjectID]bool{},
		custodyIDs:    map[string]bool{},
	}
}

var _ domain.Aggregate = (*Log)(nil)

// Stream implements domain.Aggregate.
func (l *Log) Stream() string { return l.root.Stream() }

// Version implements domain.Aggregate.
func (l *Log) Version() uint64 { return l.root.Version() }

// Changes implements domain.Aggregate.
func (l *Log) Changes() []domain.Event { return l.root.Changes() }

// Commit implements domain.Aggregate.
func (l *Log) Commit() { l.root.Commit() }

// Replay implements domain.Aggregate.
func (l *Log) Replay(e domain.Event) {
	l.apply(e.Payload)
	l.root.Replayed()
}

func (l *Log) raise(m domain.Meta, p domain.Payload) {
	l.apply(p)
	l.root.Record(m.Event(p))
}

func (l *Log) apply(p domain.Payload) {
	switch e := p.(type) {
	case *ReportRetracted:
		l.addEntry(e.ReportID, e)
		l.flag(e.Retracts, flagRetracted)
		return
	case *MarkingRelaxed:
		l.addEntry(e.ReportID, e)
		if t, ok := l.entries[e.Report]; ok {
			t.marking = l.markings.add(e.To)
			l.entries[e.Report] = t
		}
		return
	case *JudicialUsePermitted:
		l.applyJudicialUse(e)
		return
	}
	r, ok := p.(Report)
	if !ok {
		return
	}
	h := r.Head()
	l.entries[h.ReportID] = entry{kind: kindOfPayload(r), key: l.keys.add(reportKey(r)), marking: l.markings.add(h.Marking)}
	if !h.Corrects.IsZero() {
		l.flag(h.Corrects, flagSuperseded)
		return // a correction restates a fact; it does not happen again
	}
	l.applyFact(r)
}

// addEntry adds the entry of p, an event about an earlier report.
func (l *Log) addEntry(id domain.ReportID, p domain.Payload) {
	l.entries[id] = entry{kind: kindOfPayload(p), marking: -1}
}

// flag sets f on the entry of id, if there is one.
func (l *Log) flag(id domain.ReportID, f entryFlags) {
	if t, ok := l.entries[id]; ok {
		t.flags |= f
		l.entries[id] = t
	}
}

// applyFact folds what an original report says about the unit's ongoing
// activities, notifications and custody.
func (l *Log) applyFact(r Report) {
	switch e := r.(type) {
	case *SurveillanceStarted:
		l.activities[e.Activity] = activity{kind: surveillance, open: true}
	case *SurveillanceHandedOver:
		l.closeActivity(e.Activity)
	case *SurveillanceEnded:
		l.closeActivity(e.Activity)
	case *PursuitStarted:
		l.activities[e.Activity] = activity{kind: pursuit, open: true}
	case *PursuitCeased:
		l.closeActivity(e.Activity)
	case *HostNotified:
		l.notifications[e.Notification] = false
	case *HostNotificationAcknowledged:
		l.notifications[e.Notification] = true
	case *PersonApprehended:
		l.custody[e.Subject] = true
	case *PersonHandedOver:
		l.custody[e.Subject] = false
	case *ItemSeized:
		l.custodyIDs[e.CustodyID] = true
	}
}

func (l *Log) closeActivity(id domain.ActivityID) {
	if a, ok := l.activities[id]; ok {
		a.open = false
		l.activities[id] = a
	}
}

// reportKey is the identity a correction of r must keep.
func reportKey(r Report) string {
	if b, ok := r.(body); ok {
		return b.key()
	}
	return ""
}

// Operation returns the operation of the log.
func (l *Log) Operation() domain.OperationID { return l.operation }

// Unit returns the unit of the log.
func (l *Log) Unit() domain.UnitID { return l.unit }

// Marking returns the current marking of a report (after relaxations);
// ok is false when id is not a report of this log.
func (l *Log) Marking(id domain.ReportID) (marking.Marking, bool) {
	e, ok := l.entries[id]
	if !ok || !e.isReport() {
		return marking.Marking{}, false
	}
	return l.markings.all[e.marking], true
}

// Superseded reports whether a report was corrected by a later one.
func (l *Log) Superseded(id domain.ReportID) bool {
	return l.entries[id].has(flagSuperseded)
}

// Retracted reports whether a report was retracted.
func (l *Log) Retracted(id domain.ReportID) bool {
	return l.entries[id].has(flagRetracted)
}

// ActivityOpen reports whether a surveillance or pursuit of this log is
// still running.
func (l *Log) ActivityOpen(id domain.ActivityID) bool {
	return l.activities[id].open
}

// Weight is the number of entries of the log (its reports, retractions,
// relaxations and judicial-use permissions), which its memory grows with:
// a cache of loaded logs bounds the sum of their weights.
func (l *Log) Weight() int { return len(l.entries) }

// InCustody reports whether the unit holds an apprehended person.
func (l *Log) InCustody(id domain.SubjectID) bool { return l.custody[id] }
