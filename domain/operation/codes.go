package operation

import "github.com/jointops/jointops/domain"

// Rejection codes of the lifecycle and planning.
const (
	CodeNotFound               domain.Code = "operation.not_found"
	CodeAlreadyProposed        domain.Code = "operation.already_proposed"
	CodeProposerNotLead        domain.Code = "operation.proposer_not_lead"
	CodeNotParticipant         domain.Code = "operation.not_participant"
	CodeAlreadyParticipant     domain.Code = "operation.already_participant"
	CodeAlreadyAgreed          domain.Code = "operation.already_agreed"
	CodeArrangementChanged     domain.Code = "operation.arrangement_changed"
	CodeAgreementPending       domain.Code = "operation.agreement_pending"
	CodeAgencyNotAgreed        domain.Code = "operation.agency_not_agreed"
	CodeInvalidTransition      domain.Code = "operation.invalid_transition"
	CodeClosed                 domain.Code = "operation.closed"
	CodeNotPlanningAuthority   domain.Code = "operation.not_planning_authority"
	CodeUnchanged              domain.Code = "operation.unchanged"
	CodeOutsidePeriod          domain.Code = "operation.operational_period_outside"
	CodeOperationalPeriodClash domain.Code = "operation.operational_period_overlap"
	CodePeriodExcludesPlan     domain.Code = "operation.period_excludes_operational_periods"
	CodeNoOperationalPeriod    domain.Code = "operation.operational_period_unknown"
)

// Rejection codes of the command structure and resources.
const (
	CodeOrgUnitExists           domain.Code = "command.org_unit_exists"
	CodeOrgUnitUnknown          domain.Code = "command.org_unit_unknown"
	CodeInvalidParent           domain.Code = "command.invalid_parent"
	CodePositionExists          domain.Code = "command.position_exists"
	CodePositionUnknown         domain.Code = "command.position_unknown"
	CodeSeatExists              domain.Code = "command.seat_exists"
	CodeSeatAgencyMismatch      domain.Code = "command.seat_agency_mismatch"
	CodePositionOccupied        domain.Code = "command.position_occupied"
	CodePositionVacant          domain.Code = "command.position_vacant"
	CodeNotCurrentHolder        domain.Code = "command.not_current_holder"
	CodeNotAuthorized           domain.Code = "command.not_authorized"
	CodeEffectiveBeforePrevious domain.Code = "command.effective_before_previous"
	CodeSameHolder              domain.Code = "command.same_holder"
	CodeResourceExists          domain.Code = "resource.already_checked_in"
	CodeResourceUnknown         domain.Code = "resource.unknown"
	CodeResourceCheckedOut      domain.Code = "resource.checked_out"
	CodeResourceOutOfService    domain.Code = "resource.out_of_service"
	CodeResourceNotOwn          domain.Code = "resource.not_own_agency"
	CodeResourceUnchanged       domain.Code = "resource.unchanged"
)
