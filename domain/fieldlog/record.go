package fieldlog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// Entry is what every report command carries besides its body.
type Entry struct {
	// ID identifies the report in the log; the field device mints it.
	ID domain.ReportID
	// Marking is the report's information-handling marking; its originator
	// must be the acting agency.
	Marking marking.Marking
	// Corrects, if set, names the earlier report of this log that this one
	// corrects: a report of the same kind about the same activity, subject,
	// notification or custody ID, neither retracted nor already corrected.
	Corrects domain.ReportID
}

// record is the decision shared by every report: validate the entry and the
// body, check the entry against the log, check the body's rule for an
// original report (a correction restates a fact already checked), then
// raise the payload built from the header.
func record[B body](l *Log, m domain.Meta, e Entry, b B, rule func(B) error, build func(Header, B) Report) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if e.ID.IsZero() {
		p.Add("id", "required")
	}
	if e.Marking.IsZero() {
		p.Add("marking", "required")
	}
	b.validate(&p)
	if err := p.Err(); err != nil {
		return err
	}
	h := Header{ReportID: e.ID, OperationID: l.operation, UnitID: l.unit, Marking: e.Marking, Corrects: e.Corrects}
	r := build(h, b)
	if err := l.checkNew(e.ID); err != nil {
		return err
	}
	if actor := m.Actor().Agency; e.Marking.Originator() != actor {
		return domain.Forbid(CodeOriginatorMismatch,
			"agency %s cannot file a report originated by agency %s", actor, e.Marking.Originator())
	}
	if !e.Corrects.IsZero() {
		if err := l.checkCorrection(m, e.Corrects, r); err != nil {
			return err
		}
	} else if rule != nil {
		if err := rule(b); err != nil {
			return err
		}
	}
	l.raise(m, r)
	return nil
}

func (l *Log) checkNew(id domain.ReportID) error {
	if _, ok := l.entries[id]; ok {
		return domain.Reject(CodeDuplicateReport, "report %s is already in the log", id)
	}
	return nil
}

// target returns the report an entry refers to, refusing what is not a
// report of this log or may no longer be referred to, and anyone but the
// report's originator.
func (l *Log) target(m domain.Meta, id domain.ReportID) (entry, error) {
	t, ok := l.entries[id]
	switch {
	case !ok:
		return entry{}, domain.Missing(CodeReportUnknown, "no report %s in the log of unit %s", id, l.unit)
	case !t.isReport():
		return entry{}, domain.Reject(CodeNotAReport, "%s is a %s, not a report", id, t.kind)
	}
	if orig := l.markings.all[t.marking].Originator(); orig != m.Actor().Agency {
		return entry{}, domain.Forbid(CodeNotOriginator, "only the originator %s may correct, retract or relax report %s", orig, id)
	}
	return t, nil
}

func (l *Log) checkCorrection(m domain.Meta, id domain.ReportID, r Report) error {
	t, err := l.target(m, id)
	if err != nil {
		return err
	}
	key, known := l.keys.find(reportKey(r))
	switch {
	case t.has(flagRetracted):
		return domain.Reject(CodeReportRetracted, "report %s was retracted", id)
	case t.has(flagSuperseded):
		return domain.Reject(CodeAlreadyCorrected, "report %s was already corrected: correct the correction", id)
	case t.kind.String() != r.EventType():
		return domain.Reject(CodeCorrectionKind, "report %s is a %s; its correction must be one too, not a %s", id, t.kind, r.EventType())
	case !known || t.key != key:
		return domain.Reject(CodeCorrectionIdentity, "a correction of report %s must be about %s, not %s", id, l.keys.all[t.key], reportKey(r))
	}
	return nil
}

// Retract withdraws an earlier report as wrong, for a reason. Only its
// originator may; a retraction cannot itself be retracted, and a corrected
// report is retracted through its latest correction.
func (l *Log) Retract(m domain.Meta, id, report domain.ReportID, reason string) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if id.IsZero() {
		p.Add("id", "required")
	}
	if report.IsZero() {
		p.Add("report", "required")
	}
	p.RequireText("reason", reason, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if err := l.checkNew(id); err != nil {
		return err
	}
	if t, ok := l.entries[report]; ok && t.kind.String() == ReportRetractedType {
		return domain.Reject(CodeRetractRetraction, "%s is itself a retraction: a retraction is final", report)
	}
	t, err := l.target(m, report)
	if err != nil {
		return err
	}
	switch {
	case t.has(flagRetracted):
		return domain.Reject(CodeReportRetracted, "report %s was already retracted", report)
	case t.has(flagSuperseded):
		return domain.Reject(CodeAlreadyCorrected, "report %s was corrected: retract the latest correction", report)
	}
	l.raise(m, &ReportRetracted{ReportID: id, OperationID: l.operation, UnitID: l.unit, Retracts: report, Reason: reason})
	return nil
}

// RelaxMarking replaces the marking of an earlier report with a less
// restrictive one (see marking.CheckRelaxation). Only the originator may.
func (l *Log) RelaxMarking(m domain.Meta, id, report domain.ReportID, to marking.Marking) error {
	if err := m.Check(); err != nil {
		return err
	}
	var p domain.Problems
	if id.IsZero() {
		p.Add("id", "required")
	}
	if report.IsZero() {
		p.Add("report", "required")
	}
	if to.IsZero() {
		p.Add("marking", "required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := l.checkNew(id); err != nil {
		return err
	}
	t, err := l.target(m, report)
	if err != nil {
		return err
	}
	from := l.markings.all[t.marking]
	if err := marking.CheckRelaxation(m.Actor().Agency, from, to); err != nil {
		return err
	}
	l.raise(m, &MarkingRelaxed{ReportID: id, OperationID: l.operation, UnitID: l.unit, Report: report, From: from, To: to})
	return nil
}
