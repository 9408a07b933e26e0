package projector_test

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

func openCheckpoints(t testing.TB, path string) *projector.CheckpointStore {
	t.Helper()
	s, err := projector.OpenCheckpointStore(context.Background(), path, testLogger(t))
	if err != nil {
		t.Fatalf("open checkpoints: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func pos(n uint64) eventstore.Position { return eventstore.Position{Commit: n, Prepare: n} }

// The checkpoint store runs the fencing contract of bus.OffsetStore.
func TestCheckpointStoreFencing(t *testing.T) {
	type step struct {
		save      bus.Offset
		wantErr   error
		wantStore uint64 // the version stored after the step
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "first save, then saves at the version returned",
			steps: []step{
				{save: bus.Offset{Position: pos(5), Member: "a"}, wantStore: 1},
				{save: bus.Offset{Position: pos(9), Version: 1, Member: "a"}, wantStore: 2},
			},
		},
		{
			name: "a member with a stale version is fenced out",
			steps: []step{
				{save: bus.Offset{Position: pos(5), Member: "a"}, wantStore: 1},
				{save: bus.Offset{Position: pos(6), Version: 1, Member: "b"}, wantStore: 2},
				{save: bus.Offset{Position: pos(7), Version: 1, Member: "a"}, wantErr: bus.ErrFenced, wantStore: 2},
			},
		},
		{
			name: "a second first save is fenced out",
			steps: []step{
				{save: bus.Offset{Position: pos(5), Member: "a"}, wantStore: 1},
				{save: bus.Offset{Position: pos(6), Member: "b"}, wantErr: bus.ErrFenced, wantStore: 1},
			},
		},
		{
			name: "the same member retrying a save whose answer was lost goes on",
			steps: []step{
				{save: bus.Offset{Position: pos(5), Member: "a"}, wantStore: 1},
				{save: bus.Offset{Position: pos(6), Version: 1, Member: "a"}, wantStore: 2},
				{save: bus.Offset{Position: pos(6), Version: 1, Member: "a"}, wantStore: 3},
			},
		},
		{
			name: "a member without a name cannot claim a lost answer",
			steps: []step{
				{save: bus.Offset{Position: pos(5)}, wantStore: 1},
				{save: bus.Offset{Position: pos(6), Version: 1}, wantStore: 2},
				{save: bus.Offset{Position: pos(6), Version: 1}, wantErr: bus.ErrFenced, wantStore: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openCheckpoints(t, filepath.Join(t.TempDir(), "cp.db"))
			for i, st := range tt.steps {
				got, err := s.Save(t.Context(), "g", bus.TopicAll, st.save)
				if !errors.Is(err, st.wantErr) {
					t.Fatalf("step %d: Save = %v, want %v", i, err, st.wantErr)
				}
				if err == nil && (got.Version != st.wantStore || got.Position != st.save.Position || got.Member != st.save.Member) {
					t.Errorf("step %d: Save = %+v, want version %d of %+v", i, got, st.wantStore, st.save)
				}
				loaded, err := s.Load(t.Context(), "g", bus.TopicAll)
				if err != nil {
					t.Fatal(err)
				}
				if loaded.Version != st.wantStore {
					t.Errorf("step %d: stored version %d, want %d", i, loaded.Version, st.wantStore)
				}
			}
		})
	}
}

func TestCheckpointStoreSavesPartsWithTheOffset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cp.db")
	s := openCheckpoints(t, path)
	p := &scripted{name: "boards"}
	projector.Attach(s, p)

	p.next = projector.Checkpoint{Position: "7/7", Parts: map[string][]byte{"board/1": []byte("one"), "board/2": []byte("two"), "router": []byte("r")}}
	off, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(5), Member: "m"})
	if err != nil {
		t.Fatal(err)
	}
	// A nil part deletes; a part not returned stays.
	p.next = projector.Checkpoint{Position: "9/9", Parts: map[string][]byte{"board/2": nil, "router": []byte("r2")}}
	if _, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(9), Version: off.Version, Member: "m"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	got, err := openCheckpoints(t, path).LoadCheckpoint(t.Context(), "boards")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"board/1": []byte("one"), "router": []byte("r2")}
	if got.Position != "9/9" || got.Offset.Position != pos(9) || got.Offset.Version != 2 || !maps.EqualFunc(got.Parts, want, bytesEqual) || got.SavedAt.IsZero() {
		t.Errorf("checkpoint = %+v, want position 9/9, offset 9/9 version 2, parts %q", got, want)
	}
}

func TestCheckpointStoreKeepsPartsOfAFailedSave(t *testing.T) {
	s := openCheckpoints(t, filepath.Join(t.TempDir(), "cp.db"))
	p := &scripted{name: "boards"}
	projector.Attach(s, p)
	if _, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(1), Member: "m"}); err != nil {
		t.Fatal(err)
	}
	// The projection hands its dirty parts out once; the save is fenced
	// out (another member, stale version), so the next save must write
	// them.
	p.next = projector.Checkpoint{Position: "5/5", Parts: map[string][]byte{"board/1": []byte("v1"), "board/2": []byte("x")}}
	if _, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(5), Member: "zombie"}); !errors.Is(err, bus.ErrFenced) {
		t.Fatalf("Save = %v, want ErrFenced", err)
	}
	p.next = projector.Checkpoint{Position: "6/6", Parts: map[string][]byte{"board/1": []byte("v2")}}
	if _, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(6), Version: 1, Member: "m"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadCheckpoint(t.Context(), "boards")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"board/1": []byte("v2"), "board/2": []byte("x")}
	if got.Position != "6/6" || !maps.EqualFunc(got.Parts, want, bytesEqual) {
		t.Errorf("checkpoint = %+v, want position 6/6 and parts %q", got, want)
	}
}

func TestDeleteCheckpointFencesOldVersions(t *testing.T) {
	s := openCheckpoints(t, filepath.Join(t.TempDir(), "cp.db"))
	p := &scripted{name: "boards", next: projector.Checkpoint{Position: "5/5", Parts: map[string][]byte{"a": []byte("1")}}}
	projector.Attach(s, p)
	off, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(5), Member: "old"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCheckpoint(t.Context(), "boards"); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadCheckpoint(t.Context(), "boards")
	if err != nil {
		t.Fatal(err)
	}
	if got.Offset.Found() || got.Position != "" || len(got.Parts) != 0 {
		t.Errorf("after delete: %+v, want nothing", got)
	}
	// The member that held the old offset is fenced out; a new start wins.
	if _, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(6), Version: off.Version, Member: "old"}); !errors.Is(err, bus.ErrFenced) {
		t.Errorf("save of the old member = %v, want ErrFenced", err)
	}
	fresh, err := s.Save(t.Context(), "boards", bus.TopicAll, bus.Offset{Position: pos(2), Member: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Version <= off.Version {
		t.Errorf("version after the reset = %d, want above %d: versions never repeat", fresh.Version, off.Version)
	}
}

func TestResetCheckpoint(t *testing.T) {
	tests := []struct {
		name      string
		reset     string
		wantAfter map[string]bool // projection → still has a checkpoint
	}{
		{name: "one projection", reset: "boards", wantAfter: map[string]bool{"boards": false, "timeline": true}},
		{name: "every projection", reset: "", wantAfter: map[string]bool{"boards": false, "timeline": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cp.db")
			s := openCheckpoints(t, path)
			for name := range tt.wantAfter {
				projector.Attach(s, &scripted{name: name, next: projector.Checkpoint{Position: "3/3", Parts: map[string][]byte{"p": []byte("x")}}})
				if _, err := s.Save(t.Context(), name, bus.TopicAll, bus.Offset{Position: pos(3), Member: "m"}); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if err := projector.ResetCheckpoint(t.Context(), path, tt.reset); err != nil {
				t.Fatalf("ResetCheckpoint: %v", err)
			}
			s = openCheckpoints(t, path)
			for name, want := range tt.wantAfter {
				got, err := s.LoadCheckpoint(t.Context(), name)
				if err != nil {
					t.Fatal(err)
				}
				if has := got.Offset.Found() && len(got.Parts) == 1; has != want {
					t.Errorf("%s has a checkpoint: %v, want %v (%+v)", name, has, want, got)
				}
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.db")
		if err := projector.ResetCheckpoint(t.Context(), path, "boards"); err != nil {
			t.Fatalf("ResetCheckpoint = %v, want nil", err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the reset created %s", path)
		}
	})
	t.Run("bad name", func(t *testing.T) {
		if err := projector.ResetCheckpoint(t.Context(), filepath.Join(t.TempDir(), "cp.db"), "no such/name"); err == nil {
			t.Error("ResetCheckpoint accepted a malformed name")
		}
	})
}

func TestOpenCheckpointStoreRefusesForeignFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
	}{
		{name: "not a database", setup: func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("these are not the checkpoints you are looking for, not at all"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "an event log", setup: func(t *testing.T, path string) {
			s := openStore(t, path)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "a newer schema", setup: func(t *testing.T, path string) {
			s := openCheckpoints(t, path)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			execSQL(t, path, "PRAGMA user_version = 99")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cp.db")
			tt.setup(t, path)
			_, err := projector.OpenCheckpointStore(t.Context(), path, testLogger(t))
			if !errors.Is(err, projector.ErrIncompatibleCheckpoints) {
				t.Errorf("open = %v, want ErrIncompatibleCheckpoints", err)
			}
		})
	}
}

func TestCheckpointStoreAfterClose(t *testing.T) {
	s := openCheckpoints(t, filepath.Join(t.TempDir(), "cp.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(t.Context(), "g", bus.TopicAll); !errors.Is(err, projector.ErrClosed) {
		t.Errorf("Load after Close = %v, want ErrClosed", err)
	}
	if _, err := s.Save(t.Context(), "g", bus.TopicAll, bus.Offset{}); !errors.Is(err, projector.ErrClosed) {
		t.Errorf("Save after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); !errors.Is(err, projector.ErrClosed) {
		t.Errorf("second Close = %v, want ErrClosed", err)
	}
}

// scripted is a projection whose Checkpoint returns next once.
type scripted struct {
	name string
	next projector.Checkpoint
}

func (s *scripted) Name() string { return s.name }
func (s *scripted) Checkpoint() (projector.Checkpoint, error) {
	cp := s.next
	s.next = projector.Checkpoint{}
	return cp, nil
}
func (*scripted) Apply(context.Context, projections.Envelope) error { return nil }
func (*scripted) Restore(string, map[string][]byte) error           { return nil }
func (*scripted) Reset()                                            {}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// execSQL runs one statement on the SQLite file at path.
func execSQL(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), stmt); err != nil {
		t.Fatal(err)
	}
}
