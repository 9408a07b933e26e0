package history_test

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections"
)

// savedParts is a checkpoint store in memory: the parts of the checkpoints
// saved so far, which History may load back. fail, when set, answers the
// loads of index chunks instead.
type savedParts struct {
	mu       sync.Mutex
	position string
	parts    map[string][]byte
	fail     func(part string, saved []byte) ([]byte, bool, error)

	chunkLoads atomic.Int64
}

func newSavedParts() *savedParts { return &savedParts{parts: map[string][]byte{}} }

// save takes h's checkpoint and saves it, as the runner does.
func (s *savedParts) save(t testing.TB, h *history.History) {
	t.Helper()
	cp, err := h.Projection().Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	s.keep(cp)
}

// keep saves a checkpoint.
func (s *savedParts) keep(cp projector.Checkpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	maps.Copy(s.parts, cp.Parts)
	if cp.Position != "" {
		s.position = cp.Position
	}
}

// saved returns the position and a copy of the parts saved.
func (s *savedParts) saved() (string, map[string][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.position, maps.Clone(s.parts)
}

func (s *savedParts) LoadPart(_ context.Context, projection, part string) ([]byte, bool, error) {
	if projection != history.Name {
		return nil, false, errors.New("another projection's part")
	}
	s.mu.Lock()
	data, ok := s.parts[part]
	fail := s.fail
	s.mu.Unlock()
	if strings.HasPrefix(part, "idx/") {
		s.chunkLoads.Add(1)
		if fail != nil {
			return fail(part, data)
		}
	}
	return data, ok, nil
}

// applySaving feeds envs to h, saving a checkpoint every so many events
// and after the last.
func applySaving(t testing.TB, h *history.History, envs []projections.Envelope, parts *savedParts, every int) {
	t.Helper()
	for i := range envs {
		apply(t, h, envs[i:i+1])
		if (i+1)%every == 0 {
			parts.save(t, h)
		}
	}
	parts.save(t, h)
}

// smallChunks is a configuration whose index has many chunks on a small
// log, a cache too small to hold them, and snapshots between chunk ends;
// oneChunk has the same snapshots and a single chunk, always in memory,
// whose summary no read uses: the reference answers.
var (
	smallChunks = history.Config{SnapshotEvery: 20, ChunkSize: 16, ChunkCache: 2}
	oneChunk    = history.Config{SnapshotEvery: 20, ChunkSize: 1 << 20}
)

// longLog is a log of about 400 events, late reports among them, of which
// about 350 are opID's: 20 chunks of 16. In its middle the server's clock
// steps back ten minutes for 40 events (more than two chunks).
func longLog(t *testing.T) *fixture {
	f := newFixture(t).running()
	f.add(registered(agC))
	f.generate(21, 200)
	for i := range uint64(40) {
		f.addEvents(event{p: observed(800_000+i, agA, mark(agA, marking.TLPGreen), "clock stepped back"), by: agA, recorded: f.clock.Add(-10 * time.Minute)})
	}
	f.generate(22, 200)
	return f
}

// probes returns the indexes in envs of the operation's events around the
// ends of chunks of smallChunks.ChunkSize, and of every 29th event.
func probes(envs []projections.Envelope) []int {
	var out []int
	r := projections.NewRouter()
	n := 0
	for i, env := range envs {
		op, ok := r.Route(env)
		if !ok || op != opID {
			if i%29 == 0 {
				out = append(out, i)
			}
			continue
		}
		if k := n % smallChunks.ChunkSize; k == 0 || k == smallChunks.ChunkSize-1 || i%29 == 0 {
			out = append(out, i)
		}
		n++
	}
	return out
}

// sameAnswers checks that got answers every read as want does: frames as
// of positions and times, positions at times, events, timelines.
func sameAnswers(t *testing.T, want, got *history.History, envs []projections.Envelope) {
	t.Helper()
	ctx := context.Background()
	same := func(what string, w, g any, werr, gerr error) {
		t.Helper()
		if (werr == nil) != (gerr == nil) || (werr != nil && werr.Error() != gerr.Error()) {
			t.Fatalf("%s: error %v, want %v", what, gerr, werr)
		}
		if ws, gs := mustJSON(t, w), mustJSON(t, g); ws != gs {
			t.Fatalf("%s:\n got %s\nwant %s", what, gs, ws)
		}
	}
	// A frame as two agencies see it (B is named on reports of others, C
	// registers late); checkFrame checks the other agencies' views.
	frame := func(f *history.Frame) any {
		if f == nil {
			return nil
		}
		return []any{f.Position().String(), f.Events(), f.View(agB), f.View(agC)}
	}
	for _, i := range probes(envs) {
		w, werr := want.FrameAt(ctx, opID, position(envs[i]))
		g, gerr := got.FrameAt(ctx, opID, position(envs[i]))
		same("frame at "+envs[i].Position, frame(w), frame(g), werr, gerr)
	}
	for _, c := range []eventstore.Cursor{eventstore.Start, eventstore.End} {
		w, werr := want.FrameAt(ctx, opID, c)
		g, gerr := got.FrameAt(ctx, opID, c)
		same("frame at "+mustJSON(t, c), frame(w), frame(g), werr, gerr)
	}
	for i := range envs {
		for _, d := range []time.Duration{-time.Millisecond, 0, 30 * time.Minute} {
			tm := envs[i].Event.RecordedAt.Add(d)
			w, werr := want.PositionAt(ctx, opID, tm)
			g, gerr := got.PositionAt(ctx, opID, tm)
			same("position at "+tm.String(), w.String(), g.String(), werr, gerr)
		}
		if i%61 == 0 {
			tm := envs[i].Event.OccurredAt
			w, werr := want.FrameOccurredAt(ctx, opID, tm)
			g, gerr := got.FrameOccurredAt(ctx, opID, tm)
			same("frame occurred at "+tm.String(), frame(w), frame(g), werr, gerr)
		}
	}
	events := func(h *history.History, after, until eventstore.Cursor) ([]string, error) {
		var out []string
		err := h.Events(ctx, opID, after, until, func(env projections.Envelope) error {
			out = append(out, env.Position)
			return nil
		})
		return out, err
	}
	third := len(envs) / 3
	for _, r := range [][2]eventstore.Cursor{
		{eventstore.Start, eventstore.End}, {position(envs[third]), position(envs[2*third])}, {position(envs[2*third]), eventstore.End},
	} {
		w, werr := events(want, r[0], r[1])
		g, gerr := events(got, r[0], r[1])
		same("events of "+mustJSON(t, r), w, g, werr, gerr)
	}
	from, to := envs[third].Event.RecordedAt, envs[2*third].Event.RecordedAt
	queries := []history.Query{
		{Agency: agA, Limit: 1000},
		{Agency: agC, At: position(envs[2*third])},
		{Agency: agB, Types: []string{"jointops.field.position"}, Limit: 1000},
		{Agency: agA, Agencies: []domain.AgencyID{agC}, Limit: 1000},
		{Agency: agA, From: from, To: to, Limit: 1000},
		{Agency: agB, Clock: history.Occurred, From: from, To: to, Limit: 1000},
		{Agency: agA, Clock: history.Occurred, To: from, Limit: 1000},
		{Agency: agA, Box: &history.Box{MinLat: 48, MinLon: 7, MaxLat: 48.05, MaxLon: 8}, Limit: 1000},
	}
	for _, q := range queries {
		q.Operation = opID
		if q.At.IsStart() {
			q.At = eventstore.End
		}
		w, werr := want.Timeline(ctx, q)
		g, gerr := got.Timeline(ctx, q)
		same("timeline "+mustJSON(t, q), w, g, werr, gerr)
	}
	// Pages of 7, each page's cursor from the page before.
	after := eventstore.Start
	for range len(envs) {
		q := history.Query{Operation: opID, Agency: agA, At: eventstore.End, After: after, Limit: 7}
		w, werr := want.Timeline(ctx, q)
		g, gerr := got.Timeline(ctx, q)
		same("timeline page "+mustJSON(t, after), w, g, werr, gerr)
		if w.Next == "" {
			break
		}
		after = eventstore.After(dt.Must(eventstore.ParsePosition(w.Next)))
	}
}

// With a part loader, full chunks leave memory once a checkpoint saved
// them, and every read gives the answers of an index kept in memory in a
// single chunk; without one every chunk stays in memory.
func TestChunksDroppedOnceSavedAnswerTheSame(t *testing.T) {
	f := longLog(t)
	inMemory := f.newHistory(smallChunks)
	apply(t, inMemory, f.envs)
	reference := f.newHistory(oneChunk)
	apply(t, reference, f.envs)
	parts := newSavedParts()
	h := f.newHistory(smallChunks)
	h.SetPartLoader(parts)
	applySaving(t, h, f.envs, parts, 50)
	parts.save(t, h) // drops what the last save wrote

	if resident, full := history.ResidentChunks(inMemory, opID); resident != full || full < 15 {
		t.Fatalf("without a part loader %d of %d chunks are in memory, want all of at least 15", resident, full)
	}
	if resident, full := history.ResidentChunks(h, opID); resident != 0 || full < 15 {
		t.Fatalf("%d of %d chunks are still in memory after they were saved, want none", resident, full)
	}
	sameAnswers(t, reference, h, f.envs)
	if parts.chunkLoads.Load() == 0 {
		t.Fatal("no chunk was loaded back")
	}
	if n := history.CachedChunks(h); n > smallChunks.ChunkCache {
		t.Fatalf("the cache keeps %d chunks, more than its %d", n, smallChunks.ChunkCache)
	}
	// Checkpoints go on after drops: the index keeps growing and saving.
	f.generate(23, 40)
	apply(t, reference, f.envs[len(f.envs)-40:])
	applySaving(t, h, f.envs[len(f.envs)-40:], parts, 7)
	for i := len(f.envs) - 40; i < len(f.envs); i++ {
		checkFrame(t, dt.Must(h.FrameAt(context.Background(), opID, position(f.envs[i]))), f.envs, i+1)
	}
}

// A chunk is dropped only once a checkpoint after the one that handed it
// out was taken: the save of that one is done by then.
func TestChunksStayUntilTheirSaveIsDone(t *testing.T) {
	f := longLog(t)
	parts := newSavedParts()
	h := f.newHistory(smallChunks)
	h.SetPartLoader(parts)
	apply(t, h, f.envs)
	if resident, full := history.ResidentChunks(h, opID); resident != full {
		t.Fatalf("%d of %d chunks in memory before any checkpoint", resident, full)
	}
	parts.save(t, h)
	if resident, full := history.ResidentChunks(h, opID); resident != full {
		t.Fatalf("%d of %d chunks in memory after the checkpoint that hands them out, want all", resident, full)
	}
	parts.save(t, h)
	if resident, full := history.ResidentChunks(h, opID); resident != 0 {
		t.Fatalf("%d of %d chunks in memory after the next checkpoint, want none", resident, full)
	}
}

// Restoring with a part loader keeps only the chunk summaries and the last,
// partial chunk; without one (an offline tool) it keeps everything.
func TestRestoreKeepsOnlyTheSummaries(t *testing.T) {
	f := longLog(t)
	reference := f.newHistory(oneChunk)
	apply(t, reference, f.envs)
	half := len(f.envs) / 2
	parts := newSavedParts()
	first := f.newHistory(smallChunks)
	first.SetPartLoader(parts)
	applySaving(t, first, f.envs[:half], parts, 30)
	position, saved := parts.saved()

	tool := f.newHistory(smallChunks)
	if err := tool.Projection().Restore(position, saved); err != nil {
		t.Fatal(err)
	}
	if resident, full := history.ResidentChunks(tool, opID); resident != full || full == 0 {
		t.Fatalf("restored without a part loader: %d of %d chunks in memory, want all", resident, full)
	}

	second := f.newHistory(smallChunks)
	second.SetPartLoader(parts)
	if err := second.Projection().Restore(position, saved); err != nil {
		t.Fatal(err)
	}
	if resident, full := history.ResidentChunks(second, opID); resident != 0 || full < 8 {
		t.Fatalf("restored with a part loader: %d of %d chunks in memory, want none of at least 8", resident, full)
	}
	// The first event after the restore rebuilds the live board from the
	// latest snapshot and the chunks after it, loaded back.
	applySaving(t, second, f.envs[half:], parts, 30)
	sameAnswers(t, reference, second, f.envs)
}

// A dropped chunk that cannot be loaded back fails the read with
// ErrPartUnavailable (and ErrSnapshotCorrupt when it is damaged), never a
// panic nor a wrong answer.
func TestDroppedChunkThatCannotBeLoadedIsAnError(t *testing.T) {
	f := longLog(t)
	chunk0, chunk1 := "idx/"+opID.String()+"/0", "idx/"+opID.String()+"/1"
	tests := []struct {
		name    string
		load    func(parts map[string][]byte) func(part string, saved []byte) ([]byte, bool, error)
		corrupt bool
	}{
		{"not saved", func(map[string][]byte) func(string, []byte) ([]byte, bool, error) {
			return func(string, []byte) ([]byte, bool, error) { return nil, false, nil }
		}, false},
		{"unreadable", func(map[string][]byte) func(string, []byte) ([]byte, bool, error) {
			return func(string, []byte) ([]byte, bool, error) { return nil, false, errors.New("disk on fire") }
		}, false},
		{"a flipped byte", func(map[string][]byte) func(string, []byte) ([]byte, bool, error) {
			return func(_ string, saved []byte) ([]byte, bool, error) {
				b := append([]byte(nil), saved...)
				b[len(b)/2] ^= 1
				return b, true, nil
			}
		}, true},
		{"another chunk's part", func(p map[string][]byte) func(string, []byte) ([]byte, bool, error) {
			return func(part string, saved []byte) ([]byte, bool, error) {
				if part == chunk0 {
					return p[chunk1], true, nil
				}
				return saved, true, nil
			}
		}, true},
	}
	early := f.envs[8] // in chunk 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := newSavedParts()
			h := f.newHistory(smallChunks)
			h.SetPartLoader(parts)
			applySaving(t, h, f.envs, parts, 100)
			parts.save(t, h)
			_, saved := parts.saved()
			parts.fail = tt.load(saved)
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, history.ErrPartUnavailable) {
					t.Fatalf("%s: %v, want ErrPartUnavailable", what, err)
				}
				if tt.corrupt && !errors.Is(err, projections.ErrSnapshotCorrupt) {
					t.Fatalf("%s: %v, want ErrSnapshotCorrupt too", what, err)
				}
			}
			ctx := context.Background()
			_, err := h.FrameAt(ctx, opID, position(early))
			check("frame", err)
			_, err = h.PositionAt(ctx, opID, early.Event.RecordedAt)
			check("position at", err)
			_, err = h.FrameOccurredAt(ctx, opID, early.Event.OccurredAt)
			check("frame occurred at", err)
			check("events", h.Events(ctx, opID, eventstore.Start, eventstore.End, func(projections.Envelope) error { return nil }))
			_, err = h.Timeline(ctx, history.Query{Operation: opID, Agency: agA, At: eventstore.End})
			check("timeline", err)
		})
	}
}

// Reads run beside the goroutine applying events and dropping saved
// chunks (run with -race): each frame is the fold of exactly the events up
// to its position.
func TestReadsBesideApplyAndDrops(t *testing.T) {
	f := longLog(t)
	counts := make([]uint64, len(f.envs)) // opID's events up to each envelope
	index := map[string]int{}
	r := projections.NewRouter()
	var n uint64
	for i, env := range f.envs {
		if op, ok := r.Route(env); ok && op == opID {
			n++
		}
		counts[i], index[env.Position] = n, i
	}
	parts := newSavedParts()
	h := f.newHistory(smallChunks)
	h.SetPartLoader(parts)
	start := 40
	applySaving(t, h, f.envs[:start], parts, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, env := range f.envs[start:] {
			if err := h.Projection().Apply(context.Background(), env); err != nil {
				t.Error(err)
				return
			}
			if i%10 == 9 {
				cp, err := h.Projection().Checkpoint()
				if err != nil {
					t.Error(err)
					return
				}
				parts.keep(cp)
			}
		}
	}()
	ctx := context.Background()
	var wg sync.WaitGroup
	var reads atomic.Int64
	for g := range 2 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 3))
			for {
				select {
				case <-done:
					return
				default:
				}
				head, _ := h.Head()
				i := rng.IntN(index[head.String()] + 1)
				fr, err := h.FrameAt(ctx, opID, position(f.envs[i]))
				if err != nil {
					t.Error(err)
					return
				}
				if fr.Events() != counts[i] {
					t.Errorf("frame after %d events folded %d of the operation's, want %d", i+1, fr.Events(), counts[i])
					return
				}
				if _, err := h.Timeline(ctx, history.Query{Operation: opID, Agency: agA, At: position(f.envs[i]), Limit: 5}); err != nil {
					t.Error(err)
					return
				}
				reads.Add(1)
			}
		})
	}
	wg.Wait()
	if reads.Load() == 0 {
		t.Fatal("no read ran beside the applying")
	}
	if resident, full := history.ResidentChunks(h, opID); resident > 1 || full < 15 {
		t.Fatalf("%d of %d chunks in memory at the end, want at most the last one saved", resident, full)
	}
}

// PositionAt finds the end of the run of events recorded by a time from
// the chunk summaries, also when the server's clock stepped back for a
// whole chunk, whose latest time is then before that of the chunks before
// it.
func TestPositionAtAcrossChunks(t *testing.T) {
	f := newFixture(t).running() // opID's 8 events recorded at T0 + 4…11 s: chunks 0 and 1
	stepped := dt.At(6500 * time.Millisecond)
	for i := range uint64(4) { // chunk 2, recorded before the end of chunk 0
		f.addEvents(event{p: observed(900+i, agA, mark(agA, marking.TLPGreen), "stepped back"), by: agA, recorded: stepped})
	}
	f.generate(25, 12) // chunk 3 and on
	cfg := history.Config{SnapshotEvery: 5, ChunkSize: 4, ChunkCache: 1}
	parts := newSavedParts()
	dropped := f.newHistory(cfg)
	dropped.SetPartLoader(parts)
	applySaving(t, dropped, f.envs, parts, 1)
	if resident, full := history.ResidentChunks(dropped, opID); resident != 0 || full < 4 {
		t.Fatalf("%d of %d chunks in memory", resident, full)
	}
	inMemory := f.newHistory(cfg)
	apply(t, inMemory, f.envs)
	// The run of the operation's events recorded at or before tm, from the
	// first: the answer, computed from the envelopes.
	runEnd := func(tm time.Time) (string, bool) {
		r := projections.NewRouter()
		last := ""
		for _, env := range f.envs {
			if op, ok := r.Route(env); !ok || op != opID {
				continue
			}
			if env.Event.RecordedAt.After(tm) {
				break
			}
			last = env.Position
		}
		return last, last != ""
	}
	for _, tm := range []time.Time{
		dt.At(3 * time.Second), dt.At(4 * time.Second), dt.At(6 * time.Second), stepped, dt.At(7 * time.Second),
		dt.At(10 * time.Second), dt.At(11 * time.Second), dt.At(time.Minute), dt.At(time.Hour),
	} {
		want, ok := runEnd(tm)
		for name, h := range map[string]*history.History{"dropped": dropped, "in memory": inMemory} {
			got, err := h.PositionAt(context.Background(), opID, tm)
			if !ok {
				if !errors.Is(err, history.ErrBeforeFirstEvent) {
					t.Fatalf("%s, at %s: %v, want ErrBeforeFirstEvent", name, tm, err)
				}
				continue
			}
			if err != nil || got.String() != want {
				t.Fatalf("%s, at %s: %s, %v; want %s", name, tm, got, err, want)
			}
		}
	}
}

func TestConfigRefusesANegativeChunkCache(t *testing.T) {
	f := newFixture(t)
	_, err := history.New(history.Config{Reader: f.store, Decoder: f.codec, ChunkCache: -1})
	if err == nil || !strings.Contains(err.Error(), "chunk cache -1") {
		t.Fatalf("got %v, want the chunk cache refused", err)
	}
}
