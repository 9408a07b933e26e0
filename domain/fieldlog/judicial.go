package fieldlog

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// JudicialUsePermittedType is the event type name of a judicial-use
// permission. It is stable forever.
const JudicialUsePermittedType = "jointops.field.judicial_use_permitted"

// Rejection codes of judicial-use permissions.
const (
	// CodeNotJudiciallyRestricted: the report does not carry H1 (not for
	// judicial use without the originator's permission), so there is
	// nothing to permit.
	CodeNotJudiciallyRestricted domain.Code = "fieldlog.judicial_use_not_restricted"
	// CodeJudicialUseAlreadyPermitted: judicial use of the report was
	// already permitted; a permission is given once per report.
	CodeJudicialUseAlreadyPermitted domain.Code = "fieldlog.judicial_use_already_permitted"
)

// JudicialUsePermitted: the originator agency permitted judicial use of a
// report marked H1. Judicial exports include the report only when such a
// permission was recorded at or before the export's position.
type JudicialUsePermitted struct {
	// ReportID identifies this permission in the log.
	ReportID    domain.ReportID    `json:"report_id"`
	OperationID domain.OperationID `json:"operation_id"`
	UnitID      domain.UnitID      `json:"unit_id"`
	// Report is the report whose judicial use is permitted.
	Report domain.ReportID `json:"report"`
	// CaseReference names the judicial case the report may be used in.
	CaseReference string `json:"case_reference"`
	Note          string `json:"note,omitempty"`
}

// EventType implements domain.Payload.
func (JudicialUsePermitted) EventType() string { return JudicialUsePermittedType }

// SchemaVersion implements domain.Payload.
func (JudicialUsePermitted) SchemaVersion() uint32 { return 1 }

// PermitJudicialUse records, under the new entry ID id, that the actor's
// agency permits judicial use of report, for the case caseReference. Only
// the report's originator agency may (the command layer lets only its
// commanders and admins ask), and only for a report whose current marking
// carries H1: without H1 judicial use needs no permission.
//
// A report's judicial use is permitted once: permitting it again is
// refused with CodeJudicialUseAlreadyPermitted rather than recorded as a
// no-op, so that a second case reference is never silently dropped (a
// retried command is answered from its recorded outcome before it gets
// here). A permission covers the report it names, whether later corrected
// or retracted; a correction is a report of its own and needs its own
// permission if it carries H1.
func (l *Log) PermitJudicialUse(m domain.Meta, id, report domain.ReportID, caseReference, note string) error {
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
	p.RequireText("case_reference", caseReference, domain.MaxName)
	p.OptionalText("note", note, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if err := l.checkNew(id); err != nil {
		return err
	}
	t, ok := l.entries[report]
	switch {
	case !ok:
		return domain.Missing(CodeReportUnknown, "no report %s in the log of unit %s", report, l.unit)
	case !t.isReport():
		return domain.Reject(CodeNotAReport, "%s is a %s, not a report", report, t.kind)
	}
	mk := l.markings.all[t.marking]
	switch {
	case mk.Originator() != m.Actor().Agency:
		return domain.Forbid(CodeNotOriginator, "only the originator %s may permit judicial use of report %s", mk.Originator(), report)
	case !mk.Has(marking.H1):
		return domain.Reject(CodeNotJudiciallyRestricted, "report %s is not marked H1: its judicial use needs no permission", report)
	case t.has(flagJudicial):
		return domain.Reject(CodeJudicialUseAlreadyPermitted, "judicial use of report %s was already permitted", report)
	}
	l.raise(m, &JudicialUsePermitted{ReportID: id, OperationID: l.operation, UnitID: l.unit, Report: report,
		CaseReference: caseReference, Note: note})
	return nil
}

// applyJudicialUse folds a permission: its entry, and the mark on the
// report it permits.
func (l *Log) applyJudicialUse(e *JudicialUsePermitted) {
	l.addEntry(e.ReportID, e)
	l.flag(e.Report, flagJudicial)
}

// JudicialUsePermitted reports whether judicial use of a report of this log
// was permitted.
func (l *Log) JudicialUsePermitted(id domain.ReportID) bool {
	return l.entries[id].has(flagJudicial)
}
