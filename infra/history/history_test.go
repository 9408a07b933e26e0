package history_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/projections"
)

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkFrame compares the frame with the reference fold of the first n
// envelopes, as every agency sees it.
func checkFrame(t *testing.T, f *history.Frame, envs []projections.Envelope, n int) {
	t.Helper()
	want, dir := reference(t, envs, opID, n)
	for _, a := range everyone {
		if got, w := mustJSON(t, f.View(a)), mustJSON(t, want.View(dir.Viewer(a))); got != w {
			t.Fatalf("after %d events, agency %s:\n got %s\nwant %s", n, a, got, w)
		}
		if f.Viewer(a) != dir.Viewer(a) {
			t.Fatalf("after %d events: viewer of %s is %+v, want %+v", n, a, f.Viewer(a), dir.Viewer(a))
		}
	}
	if f.Events() != want.Events() {
		t.Fatalf("after %d events: %d events folded, want %d", n, f.Events(), want.Events())
	}
}

func TestFrameAtMatchesAFoldFromZero(t *testing.T) {
	f := newFixture(t).running()
	f.add(registered(agC))
	f.generate(1, 300)
	h := f.newHistory(history.Config{SnapshotEvery: 17, ChunkSize: 8})
	apply(t, h, f.envs)
	ctx := context.Background()
	for n := 4; n <= len(f.envs); n += 13 {
		fr, err := h.FrameAt(ctx, opID, position(f.envs[n-1]))
		if err != nil {
			t.Fatal(err)
		}
		checkFrame(t, fr, f.envs, n)
		if got, want := fr.Position().String(), f.envs[n-1].Position; got != want {
			t.Fatalf("frame position %s, want %s", got, want)
		}
	}
	head, err := h.FrameAt(ctx, opID, eventstore.End)
	if err != nil {
		t.Fatal(err)
	}
	checkFrame(t, head, f.envs, len(f.envs))
}

func TestFrameAtRefusesWhatItDoesNotKnow(t *testing.T) {
	f := newFixture(t).running()
	h := f.newHistory(history.Config{})
	apply(t, h, f.envs)
	last := dt.Must(eventstore.ParsePosition(f.envs[len(f.envs)-1].Position))
	tests := []struct {
		name string
		op   domain.OperationID
		at   eventstore.Cursor
		want error
	}{
		{"an operation never seen", dt.Operation(99), eventstore.End, history.ErrUnknownOperation},
		{"a position after the index head", opID, eventstore.After(eventstore.Position{Commit: last.Commit + 1, Prepare: last.Prepare + 1}), history.ErrNotIndexed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := h.FrameAt(context.Background(), tt.op, tt.at); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// A report released to the state NL is seen by C (NL) only from C's
// registration on: a past board shows the directory as it was then.
func TestFrameUsesTheDirectoryAsOfItsPosition(t *testing.T) {
	f := newFixture(t).running()
	f.add(observed(10, agA, markStates(agA, dt.State("NL")), "for the Dutch"))
	before := len(f.envs)
	f.add(registered(agC))
	h := f.newHistory(history.Config{})
	apply(t, h, f.envs)
	ctx := context.Background()
	then := dt.Must(h.FrameAt(ctx, opID, position(f.envs[before-1])))
	now := dt.Must(h.FrameAt(ctx, opID, eventstore.End))
	if got := len(then.View(agC).Reports); got != 0 {
		t.Errorf("before C registered it saw %d reports, want 0", got)
	}
	if got := len(now.View(agC).Reports); got != 1 {
		t.Errorf("after C registered it sees %d reports, want 1", got)
	}
	if now.Position().String() != f.envs[len(f.envs)-1].Position {
		t.Errorf("frame at the head is at %s, want the directory event's %s", now.Position(), f.envs[len(f.envs)-1].Position)
	}
}

func TestCheckpointRestoreResumes(t *testing.T) {
	f := newFixture(t).running()
	f.add(registered(agC))
	f.generate(2, 200)
	half := len(f.envs) / 2
	cfg := history.Config{SnapshotEvery: 11, ChunkSize: 8}
	first := f.newHistory(cfg)
	apply(t, first, f.envs[:half-10])
	saved := map[string][]byte{}
	cp := dt.Must(first.Projection().Checkpoint())
	maps.Copy(saved, cp.Parts)
	apply(t, first, f.envs[half-10:half])
	cp = dt.Must(first.Projection().Checkpoint())
	// Ten events touch at most two chunks of each operation, and no part
	// but those, the router and the snapshots they completed.
	for name := range cp.Parts {
		if len(name) > 4 && name[:4] == "idx/" {
			continue
		}
		if len(name) > 5 && name[:5] == "snap/" || name == "router" || name == "directory" {
			continue
		}
		t.Errorf("unexpected part %q", name)
	}
	if len(cp.Parts) >= len(saved) {
		t.Errorf("second checkpoint wrote %d parts, the first %d: want only what changed", len(cp.Parts), len(saved))
	}
	maps.Copy(saved, cp.Parts)

	second := f.newHistory(cfg)
	if err := second.Projection().Restore(cp.Position, saved); err != nil {
		t.Fatal(err)
	}
	apply(t, second, f.envs[half:])
	ctx := context.Background()
	for _, n := range []int{5, half - 3, half, half + 7, len(f.envs)} {
		fr, err := second.FrameAt(ctx, opID, position(f.envs[n-1]))
		if err != nil {
			t.Fatal(err)
		}
		checkFrame(t, fr, f.envs, n)
	}
}

func TestRestoreRefusesDamagedParts(t *testing.T) {
	f := newFixture(t).running()
	f.generate(3, 40)
	cfg := history.Config{SnapshotEvery: 10, ChunkSize: 8}
	h := f.newHistory(cfg)
	apply(t, h, f.envs)
	cp := dt.Must(h.Projection().Checkpoint())
	with := func(edit func(map[string][]byte)) map[string][]byte {
		parts := maps.Clone(cp.Parts)
		edit(parts)
		return parts
	}
	chunk0 := "idx/" + opID.String() + "/0"
	snap0 := "snap/" + opID.String() + "/0"
	tests := []struct {
		name  string
		parts map[string][]byte
		want  error
	}{
		{"a flipped byte in a chunk", with(func(p map[string][]byte) { b := append([]byte(nil), p[chunk0]...); b[3] ^= 1; p[chunk0] = b }), projections.ErrSnapshotCorrupt},
		{"a missing chunk", with(func(p map[string][]byte) { delete(p, chunk0) }), projections.ErrSnapshotCorrupt},
		{"a truncated snapshot", with(func(p map[string][]byte) { p[snap0] = p[snap0][:10] }), projections.ErrSnapshotCorrupt},
		// Rebuilt at start, rather than folded from zero at every read.
		{"a board of an older format", with(func(p map[string][]byte) { p[snap0] = history.WithBoardVersion(p[snap0], 2) }), projections.ErrSnapshotVersion},
		{"a part this build does not know", with(func(p map[string][]byte) { p["future"] = []byte{1} }), projections.ErrSnapshotVersion},
		{"a damaged directory", with(func(p map[string][]byte) { p["directory"] = []byte("{") }), projections.ErrSnapshotCorrupt},
		{"a directory of a newer format", with(func(p map[string][]byte) { p["directory"] = []byte(`{"v":2}`) }), projections.ErrSnapshotVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh := f.newHistory(cfg)
			err := fresh.Projection().Restore(cp.Position, tt.parts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if _, ok := fresh.Head(); ok {
				t.Fatal("a failed restore changed the index")
			}
		})
	}
}

func TestResetForgetsEverything(t *testing.T) {
	f := newFixture(t).running()
	h := f.newHistory(history.Config{})
	apply(t, h, f.envs)
	h.Projection().Reset()
	if _, err := h.FrameAt(context.Background(), opID, eventstore.End); !errors.Is(err, history.ErrUnknownOperation) {
		t.Fatalf("after reset: %v, want ErrUnknownOperation", err)
	}
	apply(t, h, f.envs)
	checkFrame(t, dt.Must(h.FrameAt(context.Background(), opID, eventstore.End)), f.envs, len(f.envs))
}

func TestPositionAt(t *testing.T) {
	f := newFixture(t).running() // event n recorded at T0 + n seconds
	h := f.newHistory(history.Config{})
	apply(t, h, f.envs)
	first := 4 // the first event of opID (after three registrations)
	tests := []struct {
		name string
		at   time.Time
		want string
		err  error
	}{
		{"before the operation began", dt.At(time.Duration(first)*time.Second - time.Millisecond), "", history.ErrBeforeFirstEvent},
		{"exactly at its first event", dt.At(time.Duration(first) * time.Second), f.envs[first-1].Position, nil},
		{"between two events", dt.At(time.Duration(first+2)*time.Second + 500*time.Millisecond), f.envs[first+1].Position, nil},
		{"after the last event", dt.At(time.Hour), f.envs[len(f.envs)-2].Position, nil}, // the last is otherOp's
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := h.PositionAt(context.Background(), opID, tt.at)
			if !errors.Is(err, tt.err) {
				t.Fatalf("error %v, want %v", err, tt.err)
			}
			if tt.err == nil && got.String() != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// noScan is a Reader that refuses to scan the whole log.
type noScan struct {
	eventstore.Reader
	t     testing.TB
	reads int
}

func (r *noScan) ReadAll(context.Context, eventstore.Direction, eventstore.Cursor, int) ([]eventstore.RecordedEvent, error) {
	r.t.Error("history scanned the whole log")
	return nil, errors.New("no scans")
}

func (r *noScan) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	r.reads++
	return r.Reader.ReadStream(ctx, stream, dir, from, limit)
}

func TestEventsReadsOnlyTheOperationsStreams(t *testing.T) {
	f := newFixture(t).running()
	f.generate(4, 120)
	f.add(registered(agC))
	f.generate(5, 20)
	reader := &noScan{Reader: f.store, t: t}
	h, err := history.New(history.Config{Reader: reader, Decoder: f.codec})
	if err != nil {
		t.Fatal(err)
	}
	apply(t, h, f.envs)
	var want []string
	r := projections.NewRouter()
	for _, env := range f.envs {
		if op, ok := r.Route(env); (ok && op == opID) || projections.IsDirectoryEvent(env.Event.Payload) {
			want = append(want, env.Position)
		}
	}
	var got []string
	err = h.Events(context.Background(), opID, eventstore.Start, eventstore.End, func(env projections.Envelope) error {
		got = append(got, env.Position)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Fatalf("got %d events %v\nwant %d %v", len(got), got, len(want), want)
	}
	if reader.reads == 0 {
		t.Fatal("no stream was read")
	}
	// A range: after the 10th event of the operation, up to the 20th.
	var ranged []string
	err = h.Events(context.Background(), opID, position(findEnv(t, f.envs, want[9])), position(findEnv(t, f.envs, want[19])), func(env projections.Envelope) error {
		ranged = append(ranged, env.Position)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, ranged) != mustJSON(t, want[10:20]) {
		t.Fatalf("range: got %v, want %v", ranged, want[10:20])
	}
}

func findEnv(t testing.TB, envs []projections.Envelope, pos string) projections.Envelope {
	t.Helper()
	for _, e := range envs {
		if e.Position == pos {
			return e
		}
	}
	t.Fatalf("no event at %s", pos)
	return projections.Envelope{}
}

// Folding Events into a frame with Apply gives the frame FrameAt returns.
func TestFrameApplyFollowsEvents(t *testing.T) {
	f := newFixture(t).running()
	f.generate(6, 80)
	f.add(registered(agC))
	f.generate(7, 20)
	h := f.newHistory(history.Config{SnapshotEvery: 25})
	apply(t, h, f.envs)
	ctx := context.Background()
	from := position(f.envs[30])
	fr := dt.Must(h.FrameAt(ctx, opID, from))
	err := h.Events(ctx, opID, from, eventstore.End, func(env projections.Envelope) error {
		fr.Apply(env)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkFrame(t, fr, f.envs, len(f.envs))
	// Applying an event again changes nothing.
	if d := fr.Apply(f.envs[len(f.envs)-1]); len(d.Changes) != 0 {
		t.Fatalf("an event applied twice changed %d items", len(d.Changes))
	}
}

func TestConfigValidate(t *testing.T) {
	if _, err := history.New(history.Config{SnapshotEvery: -1}); err == nil {
		t.Fatal("a config without reader, decoder and with a negative spacing was accepted")
	}
}
