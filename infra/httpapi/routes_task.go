package httpapi

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/task"
)

// Tasking: a task is issued to a unit attached to an active operation,
// acknowledged by the unit, amended, and completed or cancelled.

func (a *api) taskRoutes() []route {
	const t = "/v1/operations/{operation}/tasks"
	return []route{
		{"POST", t, create[taskIssueIn](a, (*taskIssueIn).build, a.cmds.IssueTask,
			func(in commands.TaskIssue) string {
				return "/v1/operations/" + in.Operation.String() + "/tasks/" + in.Task.String()
			})},
		{"POST", t + "/{task}/acknowledge", command[taskAckIn](a, (*taskAckIn).build, a.cmds.AcknowledgeTask)},
		{"POST", t + "/{task}/amend", command[taskAmendIn](a, (*taskAmendIn).build, a.cmds.AmendTask)},
		{"POST", t + "/{task}/complete", command[taskCompleteIn](a, (*taskCompleteIn).build, a.cmds.CompleteTask)},
		{"POST", t + "/{task}/cancel", command[taskCancelIn](a, (*taskCancelIn).build, a.cmds.CancelTask)},
	}
}

// termsIn are the terms of a task, flat in the body as the domain reports
// their problems.
type termsIn struct {
	Objective   string       `json:"objective"`
	Area        *polygonIn   `json:"area,omitempty"`
	Window      *periodIn    `json:"window"`
	Constraints []string     `json:"constraints,omitempty"`
	LegalBasis  []legalRefIn `json:"legal_basis,omitempty"`
}

func (w *termsIn) build(p *domain.Problems) task.Terms {
	return task.Terms{
		Objective:   w.Objective,
		Area:        w.Area.build(p, "area"),
		Window:      w.Window.build(p, "window"),
		Constraints: w.Constraints,
		LegalBasis:  buildLegalRefs(p, "legal_basis", w.LegalBasis),
	}
}

// taskCommand is the common part of the inputs on an existing task.
func taskCommand(r *http.Request, at time.Time, p *domain.Problems) commands.TaskCommand {
	return commands.TaskCommand{OperationCommand: operationCommand(r, at, p), Task: pathID[domain.TaskID](r, p, "task")}
}

type taskIssueIn struct {
	commandIn
	ID   string `json:"id"`
	Unit string `json:"unit"`
	termsIn
}

func (b *taskIssueIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.TaskIssue {
	return commands.TaskIssue{
		TaskCommand: commands.TaskCommand{
			OperationCommand: operationCommand(r, at, p),
			Task:             requireID[domain.TaskID](p, "id", b.ID),
		},
		Unit:  requireID[domain.UnitID](p, "unit", b.Unit),
		Terms: b.termsIn.build(p),
	}
}

type taskAckIn struct {
	commandIn
	Revision int `json:"revision"`
}

func (b *taskAckIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.TaskAcknowledgement {
	if b.Revision < 1 {
		p.Add("revision", "must be the positive revision of the terms acknowledged")
	}
	return commands.TaskAcknowledgement{TaskCommand: taskCommand(r, at, p), Revision: b.Revision}
}

type taskAmendIn struct {
	commandIn
	termsIn
	Reason string `json:"reason"`
}

func (b *taskAmendIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.TaskAmendment {
	return commands.TaskAmendment{TaskCommand: taskCommand(r, at, p), Terms: b.termsIn.build(p), Reason: b.Reason}
}

type taskCompleteIn struct {
	commandIn
	Outcome string `json:"outcome"`
}

func (b *taskCompleteIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.TaskClosing {
	return commands.TaskClosing{TaskCommand: taskCommand(r, at, p), Text: b.Outcome}
}

type taskCancelIn struct {
	commandIn
	Reason string `json:"reason"`
}

func (b *taskCancelIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.TaskClosing {
	return commands.TaskClosing{TaskCommand: taskCommand(r, at, p), Text: b.Reason}
}
