package task_test

import (
	"errors"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/task"
)

func newTask() *task.Task { return task.New(taskID) }

func TestSnapshotRestoreThenReplayIsReplay(t *testing.T) {
	dt.CheckSnapshots(t, newTask, ps(issued(), acked(1), amended()), []func(*task.Task) error{
		func(k *task.Task) error { return k.Acknowledge(at(t, crew), 1) },                     // refused: revision 2 is current
		func(k *task.Task) error { return k.Complete(at(t, issuer), "seen") },                 // refused: not acknowledged
		func(k *task.Task) error { return k.Amend(at(t, partner), runningOp, terms, "back") }, // refused: not the issuer
		func(k *task.Task) error { return k.Acknowledge(at(t, crew), 2) },
		func(k *task.Task) error { return k.Complete(at(t, issuer), "seen") },
		func(k *task.Task) error { return k.Cancel(at(t, issuer), "late") }, // refused: closed
	})
}

func TestSnapshotRefusals(t *testing.T) {
	snap, err := dt.Given(t, newTask(), issued()).Aggregate().Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		into *task.Task
	}{
		{"a snapshot of another task", task.New(dt.Task(2))},
		{"into a task that replayed events", dt.Given(t, newTask(), issued()).Aggregate()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.into.RestoreSnapshot(1, snap); !errors.Is(err, domain.ErrSnapshotUnusable) {
				t.Fatalf("RestoreSnapshot = %v, want ErrSnapshotUnusable", err)
			}
		})
	}
}
