package bus_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jointops/jointops/infra/bus"
	"github.com/jointops/jointops/infra/eventstore"
)

func TestLogOffsets(t *testing.T) {
	store, _ := openStore(t)
	offsets := bus.NewLogOffsets(store)
	ctx := context.Background()
	pos := func(n uint64) eventstore.Position { return eventstore.Position{Commit: n, Prepare: n} }

	if off, err := offsets.Load(ctx, "g", "op"); err != nil || off.Found() {
		t.Fatalf("load of a new group = %+v, %v; want not found", off, err)
	}

	// Each step saves against the version it names; the table runs in order.
	steps := []struct {
		name        string
		member      string
		version     uint64
		pos         uint64
		wantVersion uint64
		wantErr     error
	}{
		{name: "first save", member: "m", version: 0, pos: 5, wantVersion: 1},
		{name: "next save", member: "m", version: 1, pos: 9, wantVersion: 2},
		{name: "another member with a stale version", member: "n", version: 1, pos: 7, wantErr: bus.ErrFenced},
		{name: "another member that never loaded", member: "n", version: 0, pos: 7, wantErr: bus.ErrFenced},
		{name: "retry of a save whose answer was lost", member: "m", version: 1, pos: 11, wantVersion: 3},
		{name: "a member without a name never owns a newer save", member: "", version: 2, pos: 12, wantErr: bus.ErrFenced},
		{name: "the owner goes on", member: "m", version: 3, pos: 13, wantVersion: 4},
		{name: "another member that loaded the latest takes over", member: "n", version: 4, pos: 14, wantVersion: 5},
		{name: "the former owner is fenced", member: "m", version: 4, pos: 15, wantErr: bus.ErrFenced},
	}
	want := bus.Offset{}
	for _, st := range steps {
		got, err := offsets.Save(ctx, "g", "op", bus.Offset{Position: pos(st.pos), Version: st.version, Member: st.member})
		if st.wantErr != nil {
			if !errors.Is(err, st.wantErr) {
				t.Fatalf("%s: err = %v, want %v", st.name, err, st.wantErr)
			}
		} else {
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			want = bus.Offset{Position: pos(st.pos), Version: st.wantVersion, Member: st.member}
			if got != want {
				t.Fatalf("%s: saved %+v, want %+v", st.name, got, want)
			}
		}
		if loaded, err := offsets.Load(ctx, "g", "op"); err != nil || loaded != want {
			t.Fatalf("%s: load = %+v, %v; want %+v", st.name, loaded, err, want)
		}
	}

	// Offsets are per group and per topic.
	for _, other := range [][2]string{{"g", "unit"}, {"h", "op"}} {
		if off, err := offsets.Load(ctx, other[0], other[1]); err != nil || off.Found() {
			t.Errorf("group %s topic %s: %+v, %v; want none", other[0], other[1], off, err)
		}
	}
}

func TestOffsetStreamNames(t *testing.T) {
	names := map[string]bool{}
	for _, k := range [][2]string{{"g", "op"}, {"g", "op-1"}, {"g", bus.TopicAll}, {"h", "op"}, {"g-op", ""}} {
		s := bus.OffsetStream(k[0], k[1])
		if !bus.IsOffsetStream(s) {
			t.Errorf("OffsetStream(%q, %q) = %q lacks the prefix", k[0], k[1], s)
		}
		if names[s] {
			t.Errorf("OffsetStream(%q, %q) = %q is not unique", k[0], k[1], s)
		}
		names[s] = true
	}
}
