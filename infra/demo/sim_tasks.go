package demo

import (
	"fmt"
	"time"
)

// Tasking: a commander tasks a unit, which acknowledges; now and then the
// commander amends the task and the unit acknowledges again; later the
// commander completes it.
const (
	taskWindow        = 2 * time.Hour
	taskAckAfter      = 25
	taskAmendAfter    = 60
	taskCompleteAfter = 180
)

func (p *planner) issueTask() {
	m := pick(p, p.movers)
	issuer := m.agency.Key
	if p.rng.Float64() < 0.3 {
		issuer = p.w.Operation.Lead
	}
	commander := p.w.Commander(issuer)
	who := p.w.personPrincipal(commander)
	task := p.mint()
	path := p.opPath + "/tasks/" + task.String()
	terms := &taskTermsJSON{
		Objective:    fmt.Sprintf(pick(p, taskObjectives), m.route.road.Name),
		Constraints:  []string{"No entry into private premises", "Report every crossing of the border"},
		LegalBasis:   []LegalRef{{Instrument: "Prüm Decision 2008/615/JHA", Provision: "Art. 17"}},
		windowLength: taskWindow,
	}
	byCommander := func(kind, path string, b body) request {
		return request{kind: kind, by: commander.Name, who: who, path: path, body: b}
	}
	byUnit := func(kind, path string, b body) request {
		return request{kind: kind, by: m.unit.CallSign, who: m.who, path: path, body: b}
	}
	p.emit(byCommander("task-issue", p.opPath+"/tasks", &taskIssueBody{
		commandFields: commandFields{CommandID: p.mint()}, ID: task, Unit: m.unit.ID, taskTermsJSON: terms,
	}))
	p.after(taskAckAfter, func() []request {
		return []request{byUnit("task-acknowledge", path+"/acknowledge", &taskAckBody{commandFields: commandFields{CommandID: p.mint()}, Revision: 1})}
	})
	if p.rng.Float64() < 0.3 {
		p.after(taskAmendAfter, func() []request {
			amended := *terms
			amended.Objective += "; also note the plates of vehicles parked near the border"
			return []request{byCommander("task-amend", path+"/amend", &taskAmendBody{
				commandFields: commandFields{CommandID: p.mint()}, Reason: "Parked vehicles reported by the partner agency", taskTermsJSON: &amended,
			})}
		})
		p.after(taskAmendAfter+taskAckAfter, func() []request {
			return []request{byUnit("task-acknowledge", path+"/acknowledge", &taskAckBody{commandFields: commandFields{CommandID: p.mint()}, Revision: 2})}
		})
	}
	p.after(taskCompleteAfter, func() []request {
		return []request{byCommander("task-complete", path+"/complete", &taskCompleteBody{
			commandFields: commandFields{CommandID: p.mint()}, Outcome: pick(p, taskOutcomes),
		})}
	})
}
