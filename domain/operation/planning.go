package operation

import (
	"slices"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
)

// ChangeArea redraws the area of operations. Only the lead agency or the
// unified command may.
func (o *Operation) ChangeArea(m domain.Meta, area geo.Polygon) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	if area.IsZero() {
		var p domain.Problems
		p.Add("area", "required")
		return p.Err()
	}
	if area.Equal(o.area) {
		return domain.Reject(CodeUnchanged, "the area of operations is already this polygon")
	}
	o.raise(m, &AreaChanged{OperationID: o.id, Area: area, ArrangementVersion: o.nextArrangement()})
	return nil
}

// ChangePeriod changes the operation's period; it must still cover every
// planned operational period.
func (o *Operation) ChangePeriod(m domain.Meta, period domain.Period) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	if period.IsZero() {
		var p domain.Problems
		p.Add("period", "required")
		return p.Err()
	}
	if period.Equal(o.period) {
		return domain.Reject(CodeUnchanged, "the period is already %s", period)
	}
	for _, op := range o.opPeriods {
		if !period.Covers(op.Period) {
			return domain.Reject(CodePeriodExcludesPlan,
				"period %s would leave out operational period %d (%s)", period, op.Number, op.Period)
		}
	}
	o.raise(m, &PeriodChanged{OperationID: o.id, Period: period, ArrangementVersion: o.nextArrangement()})
	return nil
}

// ChangeLegalBasis replaces the agreements and provisions the operation
// rests on.
func (o *Operation) ChangeLegalBasis(m domain.Meta, basis []domain.LegalRef) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	checkLegalBasis(&p, basis)
	if err := p.Err(); err != nil {
		return err
	}
	if slices.Equal(basis, o.legalBasis) {
		return domain.Reject(CodeUnchanged, "the legal basis is already this")
	}
	o.raise(m, &LegalBasisChanged{OperationID: o.id, LegalBasis: slices.Clone(basis), ArrangementVersion: o.nextArrangement()})
	return nil
}

// PlanOperationalPeriod adds the next operational period of the incident
// action plan with its objectives. It must lie within the operation's
// period and overlap no other operational period.
func (o *Operation) PlanOperationalPeriod(m domain.Meta, period domain.Period, objectives []string) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	if period.IsZero() {
		p.Add("period", "required")
	}
	if len(objectives) == 0 {
		p.Add("objectives", "at least one objective is required")
	}
	for i, obj := range objectives {
		p.RequireText(domain.Index("objectives", i), obj, domain.MaxText)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if !o.period.Covers(period) {
		return domain.Reject(CodeOutsidePeriod, "operational period %s lies outside the operation's period %s", period, o.period)
	}
	for _, op := range o.opPeriods {
		if op.Period.Overlaps(period) {
			return domain.Reject(CodeOperationalPeriodClash, "operational period %s overlaps operational period %d (%s)",
				period, op.Number, op.Period)
		}
	}
	o.raise(m, &OperationalPeriodPlanned{
		OperationID: o.id, Number: len(o.opPeriods) + 1, Period: period, Objectives: slices.Clone(objectives),
	})
	return nil
}

// AddObjective adds an objective to operational period number.
func (o *Operation) AddObjective(m domain.Meta, number int, text string) error {
	if err := o.checkPlanning(m); err != nil {
		return err
	}
	var p domain.Problems
	p.RequireText("text", text, domain.MaxText)
	if err := p.Err(); err != nil {
		return err
	}
	if number < 1 || number > len(o.opPeriods) {
		return domain.Missing(CodeNoOperationalPeriod, "operation %s has no operational period %d", o.id, number)
	}
	o.raise(m, &ObjectiveAdded{
		OperationID: o.id, OperationalPeriod: number, Number: len(o.opPeriods[number-1].Objectives) + 1, Text: text,
	})
	return nil
}
