package boards_test

import (
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/projections"
)

// TestCheckpointRestoresEverything checks that Boards restored from the
// checkpoints of another, saved as the runner saves them (each changed
// part replacing the saved one), continue exactly as it does.
func TestCheckpointRestoresEverything(t *testing.T) {
	l := running()
	g := newGenerator(11, l)
	g.run(150)
	live := newBoards(t, boards.Config{})
	saved := map[string][]byte{}
	var position string
	for i, env := range l.envs {
		applyAll(t, live, l.envs[i:i+1])
		if i%37 == 0 || i == len(l.envs)-1 {
			cp, err := live.Checkpoint()
			if err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
			if cp.Position != env.Position {
				t.Fatalf("checkpoint at %s, want %s", cp.Position, env.Position)
			}
			save(saved, cp.Parts)
			position = cp.Position
		}
	}
	for _, name := range []string{"board/" + opID.String(), "board/" + otherOp.String(), "agencyops", "router", "agencies"} {
		if saved[name] == nil {
			t.Errorf("no part %q saved; parts %v", name, slices.Sorted(maps.Keys(saved)))
		}
	}

	restored := newBoards(t, boards.Config{})
	if err := restored.Restore(position, saved); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	start := len(l.envs)
	g.run(60)
	l.add(&agency.Registered{AgencyID: dt.Agency(6), State: dt.State("BE"), Name: "Late", Kind: agency.KindCustoms})
	applyAll(t, live, l.envs[start:])
	applyAll(t, restored, l.envs[start:])

	if got, want := restored.Position(), live.Position(); got != want {
		t.Errorf("Position %s, want %s", got, want)
	}
	for _, a := range append(everyone, dt.Agency(6)) {
		if got, want := restored.Viewer(a), live.Viewer(a); got != want {
			t.Errorf("Viewer(%s) = %v, want %v", a, got, want)
		}
		gotOps, gotAt := restored.Operations(a)
		wantOps, wantAt := live.Operations(a)
		if mustJSON(t, gotOps) != mustJSON(t, wantOps) || gotAt != wantAt {
			t.Errorf("Operations(%s) = %s at %s, want %s at %s", a, mustJSON(t, gotOps), gotAt, mustJSON(t, wantOps), wantAt)
		}
		for _, op := range []domain.OperationID{opID, otherOp} {
			gv, gp, gok := restored.View(op, viewer(a))
			wv, wp, wok := live.View(op, viewer(a))
			if mustJSON(t, gv) != mustJSON(t, wv) || gp != wp || gok != wok {
				t.Errorf("View(%s, %s) = %s at %s (%t), want %s at %s (%t)", op, a, mustJSON(t, gv), gp, gok, mustJSON(t, wv), wp, wok)
			}
		}
	}
}

// TestCheckpointHoldsOnlyWhatChanged checks which parts each kind of
// event marks changed, and that a checkpoint marks them saved.
func TestCheckpointHoldsOnlyWhatChanged(t *testing.T) {
	l := running()
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	if _, err := b.Checkpoint(); err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	tests := []struct {
		name   string
		events []domain.Payload
		parts  []string
	}{
		{"nothing", nil, nil},
		{"a report of the other operation", []domain.Payload{positioned(otherOp, 500, outsider, mark(outsider, marking.TLPGreen), 49)},
			[]string{"board/" + otherOp.String()}},
		{"an agency registered", []domain.Payload{&agency.Registered{AgencyID: dt.Agency(7), State: dt.State("AT"), Name: "New", Kind: agency.KindPolice}},
			[]string{"agencies"}},
		{"an operation event", []domain.Payload{&operation.Suspended{OperationID: opID}},
			[]string{"agencyops", "board/" + opID.String()}},
		{"a task issued", []domain.Payload{&task.Issued{TaskID: dt.Task(9), OperationID: opID, UnitID: unitOf[agB], IssuedBy: agA, Revision: 1,
			Terms: task.Terms{Objective: "watch", Window: dt.Must(domain.NewPeriod(dt.T0(), dt.At(time.Hour)))}}},
			[]string{"board/" + opID.String(), "router"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := len(l.envs)
			l.add(tt.events...)
			applyAll(t, b, l.envs[start:])
			cp, err := b.Checkpoint()
			if err != nil {
				t.Fatalf("Checkpoint: %v", err)
			}
			if got := slices.Sorted(maps.Keys(cp.Parts)); !slices.Equal(got, tt.parts) {
				t.Errorf("parts %v, want %v", got, tt.parts)
			}
			if cp.Position != l.last() {
				t.Errorf("position %s, want %s", cp.Position, l.last())
			}
		})
	}
}

// TestRestoreResumesOnlyAfterTheCheckpoint checks that restored boards
// give a snapshot to a client that was before the checkpoint (its deltas
// were not saved) and resume one that was at or after it.
func TestRestoreResumesOnlyAfterTheCheckpoint(t *testing.T) {
	l := running()
	before := l.envs[len(l.envs)-3].Position
	b := newBoards(t, boards.Config{})
	applyAll(t, b, l.envs)
	cp, err := b.Checkpoint()
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	restored := newBoards(t, boards.Config{})
	if err := restored.Restore(cp.Position, cp.Parts); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	start := len(l.envs)
	l.add(observed(600, agB, mark(agB, marking.TLPGreen), "after the restart"))
	applyAll(t, restored, l.envs[start:])
	tests := []struct {
		name  string
		after string
		kinds []string
	}{
		{"before the checkpoint", before, []string{boards.KindSnapshot}},
		{"at the checkpoint", cp.Position, []string{boards.KindDelta}},
		{"at the last event", l.last(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kinds []string
			for _, f := range drain(subscribe(t, restored, agC, tt.after, 8)) {
				kinds = append(kinds, f.Kind)
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("frames %v, want %v", kinds, tt.kinds)
			}
		})
	}
}

// TestRestoreRefusesBadCheckpoints checks that a checkpoint that cannot be
// restored is refused with the error that tells the runner to rebuild,
// and leaves the boards as they were.
func TestRestoreRefusesBadCheckpoints(t *testing.T) {
	l := running()
	src := newBoards(t, boards.Config{})
	applyAll(t, src, l.envs)
	cp, err := src.Checkpoint()
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	opPart, otherPart := "board/"+opID.String(), "board/"+otherOp.String()
	with := func(name string, data []byte) map[string][]byte {
		parts := maps.Clone(cp.Parts)
		parts[name] = data
		return parts
	}
	tests := []struct {
		name     string
		position string
		parts    map[string][]byte
		want     error
	}{
		{"a part this build does not know", cp.Position, with("timeline", []byte{1}), projections.ErrSnapshotVersion},
		{"a damaged board", cp.Position, with(opPart, cp.Parts[opPart][:len(cp.Parts[opPart])/2]), projections.ErrSnapshotCorrupt},
		{"a board under another operation", cp.Position, with(opPart, cp.Parts[otherPart]), projections.ErrSnapshotCorrupt},
		{"a board part without an operation", cp.Position, with("board/x", cp.Parts[opPart]), projections.ErrSnapshotCorrupt},
		{"a damaged directory", cp.Position, with("agencies", []byte("{")), projections.ErrSnapshotCorrupt},
		{"a directory of a newer format", cp.Position, with("agencies", []byte(`{"v":2}`)), projections.ErrSnapshotVersion},
		{"a malformed position", "yesterday", cp.Parts, projections.ErrSnapshotCorrupt},
		{"parts without a position", "", cp.Parts, projections.ErrSnapshotCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBoards(t, boards.Config{})
			applyAll(t, b, l.envs[:3])
			err := b.Restore(tt.position, tt.parts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Restore = %v, want %v", err, tt.want)
			}
			if got := b.Position(); got != l.envs[2].Position {
				t.Errorf("Position after a refused restore %q, want %q", got, l.envs[2].Position)
			}
		})
	}
}

// save applies a checkpoint's parts to the saved ones, as the runner does.
func save(saved, parts map[string][]byte) {
	for name, data := range parts {
		if data == nil {
			delete(saved, name)
			continue
		}
		saved[name] = data
	}
}
