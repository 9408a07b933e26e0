package board

import (
	"slices"
	"strconv"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/projections"
)

// foldTask folds a task event and reports whether it was one. Tasks are
// visible to all participants; the board lists open tasks and deletes a
// task from views when it is completed or cancelled.
func (b *Board) foldTask(env projections.Envelope) bool {
	switch e := env.Event.Payload.(type) {
	case *task.Issued:
		if b.tasks[e.TaskID] != nil {
			return true
		}
		t := &Task{Task: e.TaskID, Unit: e.UnitID, IssuedBy: e.IssuedBy, Revision: e.Revision,
			Status: task.StatusIssued, AwaitingAcknowledgement: true}
		t.setTerms(e.Terms)
		b.tasks[e.TaskID] = t
		b.putTask(t)
		b.significantTask(env, t, "Task issued to "+b.callSign(t)+": "+t.Objective)
	case *task.Acknowledged:
		if t := b.openTask(e.TaskID); t != nil && e.Revision > t.AcknowledgedRevision {
			t.AcknowledgedRevision = e.Revision
			if e.Revision == t.Revision {
				t.Status, t.AwaitingAcknowledgement = task.StatusAcknowledged, false
			}
			b.putTask(t)
		}
	case *task.Amended:
		if t := b.openTask(e.TaskID); t != nil {
			t.setTerms(e.Terms)
			t.Revision, t.Status, t.AwaitingAcknowledgement = e.Revision, task.StatusAmended, true
			b.putTask(t)
			b.significantTask(env, t, "Task amended (revision "+strconv.Itoa(e.Revision)+"): "+e.Reason)
		}
	case *task.Completed:
		if t := b.openTask(e.TaskID); t != nil {
			t.Status, t.AwaitingAcknowledgement = task.StatusCompleted, false
			b.remove(everyone, CollTasks, t.Task.String())
			b.significantTask(env, t, "Task completed: "+e.Outcome)
		}
	case *task.Cancelled:
		if t := b.openTask(e.TaskID); t != nil {
			t.Status, t.AwaitingAcknowledgement = task.StatusCancelled, false
			b.remove(everyone, CollTasks, t.Task.String())
			b.significantTask(env, t, "Task cancelled: "+e.Reason)
		}
	default:
		return false
	}
	return true
}

func (t *Task) setTerms(terms task.Terms) {
	t.Objective, t.Area, t.Window = terms.Objective, terms.Area, terms.Window
	t.Constraints, t.LegalBasis = slices.Clone(terms.Constraints), slices.Clone(terms.LegalBasis)
}

// open reports whether the task is neither completed nor cancelled.
func (t *Task) open() bool {
	return t.Status != task.StatusCompleted && t.Status != task.StatusCancelled
}

func (b *Board) openTask(id domain.TaskID) *Task {
	if t := b.tasks[id]; t != nil && t.open() {
		return t
	}
	return nil
}

func (b *Board) putTask(t *Task) { b.put(everyone, CollTasks, t.Task.String(), t.clone()) }

func (t *Task) clone() Task {
	v := *t
	v.Constraints, v.LegalBasis = slices.Clone(t.Constraints), slices.Clone(t.LegalBasis)
	return v
}

// callSign names a unit by its call sign when it checked in.
func (b *Board) callSign(t *Task) string {
	if u := b.units[t.Unit]; u != nil {
		return u.CallSign
	}
	return t.Unit.String()
}
