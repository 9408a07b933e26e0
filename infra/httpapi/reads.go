package httpapi

import (
	"net/http"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
)

// Reads of single aggregates, authorized by the command handlers: any role
// of an agency taking part in the operation may read, and the refusal for
// anyone else does not say whether the operation exists. Only the state of
// operations and tasks is served: field reports carry markings that restrict
// who may see them, and are read through the per-agency projections.

func (a *api) readRoutes() []route {
	return []route{
		{"GET", "/v1/operations/{operation}", a.getOperation},
		{"GET", "/v1/operations/{operation}/tasks/{task}", a.getTask},
	}
}

func (a *api) getOperation(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	id := pathID[domain.OperationID](r, &probs, "operation")
	if err := probs.Err(); err != nil {
		return err
	}
	v, err := a.cmds.Operation(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, operationViewOf(v))
	return nil
}

func (a *api) getTask(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	op := pathID[domain.OperationID](r, &probs, "operation")
	id := pathID[domain.TaskID](r, &probs, "task")
	if err := probs.Err(); err != nil {
		return err
	}
	v, err := a.cmds.Task(r.Context(), p, id)
	if err != nil {
		return err
	}
	if v.Operation != op {
		// The same answer as for a task that does not exist.
		return domain.Forbid(commands.CodeNotVisible, "task %s is not visible to your agency", id)
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// operationView is the JSON of GET /v1/operations/{operation}: the
// handlers' view with the operational periods in the API's snake_case.
type operationView struct {
	ID                 domain.OperationID `json:"id"`
	Version            uint64             `json:"version"`
	Status             operation.Status   `json:"status"`
	Purpose            string             `json:"purpose"`
	Lead               domain.AgencyID    `json:"lead"`
	Participants       []domain.AgencyID  `json:"participants"`
	ArrangementVersion int                `json:"arrangement_version"`
	HostStates         []domain.StateCode `json:"host_states"`
	LegalBasis         []domain.LegalRef  `json:"legal_basis"`
	Area               geo.Polygon        `json:"area"`
	Period             domain.Period      `json:"period"`
	OperationalPeriods []opPeriodView     `json:"operational_periods"`
}

type opPeriodView struct {
	Number     int           `json:"number"`
	Period     domain.Period `json:"period"`
	Objectives []string      `json:"objectives"`
}

func operationViewOf(v commands.OperationView) operationView {
	out := operationView{
		ID: v.ID, Version: v.Version, Status: v.Status, Purpose: v.Purpose, Lead: v.Lead,
		Participants: v.Participants, ArrangementVersion: v.ArrangementVersion,
		HostStates: v.HostStates, LegalBasis: v.LegalBasis, Area: v.Area, Period: v.Period,
		OperationalPeriods: make([]opPeriodView, len(v.OperationalPeriods)),
	}
	for i, p := range v.OperationalPeriods {
		out.OperationalPeriods[i] = opPeriodView{Number: p.Number, Period: p.Period, Objectives: p.Objectives}
	}
	return out
}
