package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/operation"
)

// An operation's lifecycle and plan. Its ID is chosen by the client that
// proposes it, like every ID of the API, so a retried proposal is the same
// operation.

func (a *api) operationRoutes() []route {
	const op = "/v1/operations/{operation}"
	return []route{
		{"POST", "/v1/operations", create[proposalIn](a, (*proposalIn).build, a.cmds.ProposeOperation,
			func(in commands.Proposal) string { return "/v1/operations/" + in.Operation.String() })},
		{"POST", op + "/participants", command[participantIn](a, (*participantIn).build, a.cmds.AddParticipant)},
		{"POST", op + "/agree", command[agreementIn](a, (*agreementIn).build, a.cmds.AgreeToOperation)},
		{"POST", op + "/activate", command[operationIn](a, (*operationIn).build, a.cmds.ActivateOperation)},
		{"POST", op + "/suspend", command[reasonedIn](a, (*reasonedIn).build, a.cmds.SuspendOperation)},
		{"POST", op + "/resume", command[operationIn](a, (*operationIn).build, a.cmds.ResumeOperation)},
		{"POST", op + "/close", command[reasonedIn](a, (*reasonedIn).build, a.cmds.CloseOperation)},
		{"POST", op + "/area", command[areaIn](a, (*areaIn).build, a.cmds.ChangeArea)},
		{"POST", op + "/period", command[periodChangeIn](a, (*periodChangeIn).build, a.cmds.ChangePeriod)},
		{"POST", op + "/legal-basis", command[legalBasisIn](a, (*legalBasisIn).build, a.cmds.ChangeLegalBasis)},
		{"POST", op + "/operational-periods", command[operationalPeriodIn](a, (*operationalPeriodIn).build, a.cmds.PlanOperationalPeriod)},
		{"POST", op + "/operational-periods/{number}/objectives", command[objectiveIn](a, (*objectiveIn).build, a.cmds.AddObjective)},
	}
}

// operationCommand is the common part of the inputs on an operation.
func operationCommand(r *http.Request, at time.Time, p *domain.Problems) commands.OperationCommand {
	return commands.OperationCommand{Operation: pathID[domain.OperationID](r, p, "operation"), OccurredAt: at}
}

type proposalIn struct {
	commandIn
	ID           string       `json:"id"`
	Purpose      string       `json:"purpose"`
	Lead         string       `json:"lead"`
	Participants []string     `json:"participants"`
	HostStates   []string     `json:"host_states"`
	LegalBasis   []legalRefIn `json:"legal_basis"`
	Area         *polygonIn   `json:"area"`
	Period       *periodIn    `json:"period"`
}

func (b *proposalIn) build(_ *http.Request, at time.Time, p *domain.Problems) commands.Proposal {
	return commands.Proposal{
		OperationCommand: commands.OperationCommand{Operation: requireID[domain.OperationID](p, "id", b.ID), OccurredAt: at},
		Proposal: operation.Proposal{
			Purpose:      b.Purpose,
			Lead:         requireID[domain.AgencyID](p, "lead", b.Lead),
			Participants: parseIDs[domain.AgencyID](p, "participants", b.Participants),
			HostStates:   parseStates(p, "host_states", b.HostStates),
			LegalBasis:   buildLegalRefs(p, "legal_basis", b.LegalBasis),
			Area:         b.Area.build(p, "area"),
			Period:       b.Period.build(p, "period"),
		},
	}
}

type participantIn struct {
	commandIn
	Agency string `json:"agency"`
}

func (b *participantIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Participant {
	return commands.Participant{
		OperationCommand: operationCommand(r, at, p),
		Agency:           requireID[domain.AgencyID](p, "agency", b.Agency),
	}
}

type agreementIn struct {
	commandIn
	ArrangementVersion int `json:"arrangement_version"`
}

func (b *agreementIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Agreement {
	if b.ArrangementVersion < 1 {
		p.Add("arrangement_version", "must be a positive integer")
	}
	return commands.Agreement{OperationCommand: operationCommand(r, at, p), ArrangementVersion: b.ArrangementVersion}
}

type operationIn struct {
	commandIn
}

func (b *operationIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.OperationCommand {
	return operationCommand(r, at, p)
}

type reasonedIn struct {
	commandIn
	Reason string `json:"reason"`
}

func (b *reasonedIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.Reasoned {
	return commands.Reasoned{OperationCommand: operationCommand(r, at, p), Reason: b.Reason}
}

type areaIn struct {
	commandIn
	Area *polygonIn `json:"area"`
}

func (b *areaIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.AreaChange {
	if b.Area == nil {
		p.Add("area", "required")
	}
	return commands.AreaChange{OperationCommand: operationCommand(r, at, p), Area: b.Area.build(p, "area")}
}

type periodChangeIn struct {
	commandIn
	Period *periodIn `json:"period"`
}

func (b *periodChangeIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.PeriodChange {
	if b.Period == nil {
		p.Add("period", "required")
	}
	return commands.PeriodChange{OperationCommand: operationCommand(r, at, p), Period: b.Period.build(p, "period")}
}

type legalBasisIn struct {
	commandIn
	LegalBasis []legalRefIn `json:"legal_basis"`
}

func (b *legalBasisIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.LegalBasisChange {
	return commands.LegalBasisChange{
		OperationCommand: operationCommand(r, at, p),
		LegalBasis:       buildLegalRefs(p, "legal_basis", b.LegalBasis),
	}
}

type operationalPeriodIn struct {
	commandIn
	Period     *periodIn `json:"period"`
	Objectives []string  `json:"objectives"`
}

func (b *operationalPeriodIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.OperationalPeriodPlan {
	if b.Period == nil {
		p.Add("period", "required")
	}
	return commands.OperationalPeriodPlan{
		OperationCommand: operationCommand(r, at, p),
		Period:           b.Period.build(p, "period"),
		Objectives:       b.Objectives,
	}
}

type objectiveIn struct {
	commandIn
	Objective string `json:"objective"`
}

func (b *objectiveIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.ObjectiveAddition {
	n, err := strconv.Atoi(r.PathValue("number"))
	if err != nil || n < 1 {
		p.Add("number", "must be the positive number of an operational period")
	}
	return commands.ObjectiveAddition{OperationCommand: operationCommand(r, at, p), OperationalPeriod: n, Objective: b.Objective}
}
