package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// The crash test runs the test binary again as a child process that
// appends until it is killed with SIGKILL, then checks the file.
const (
	crashChildEnv = "JOINTOPS_SQLITE_CRASH_CHILD"
	crashPathEnv  = "JOINTOPS_SQLITE_CRASH_PATH"
)

// TestCrashChild is the child of TestCrashRecovery; it does nothing in a
// normal run. Before each append it prints "try STREAM ID,ID…", after its
// acknowledgement "ack STREAM LASTREVISION ID,ID…".
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) != "1" {
		t.Skip("child process of TestCrashRecovery")
	}
	s, err := Open(t.Context(), Config{Path: os.Getenv(crashPathEnv), Logger: quiet})
	if err != nil {
		t.Fatalf("child: open: %v", err)
	}
	var out sync.Mutex
	say := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	// The parent kills the child; the deadline only guards against an
	// orphan if the parent died first.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				stream := fmt.Sprintf("unit-%d", (g+i)%4)
				evs := events(2 + i%2)
				say("try %s %s", stream, joinIDs(evs))
				res, err := s.Append(ctx, stream, eventstore.Any(), evs...)
				if err != nil {
					say("error %s %v", stream, err)
					return
				}
				say("ack %s %d %s", stream, res.NextExpectedRevision, joinIDs(evs))
			}
		})
	}
	wg.Wait()
}

func joinIDs(evs []eventstore.EventData) string {
	ids := make([]string, len(evs))
	for i, e := range evs {
		ids[i] = e.ID.String()
	}
	return strings.Join(ids, ",")
}

// crashLine is one append the child attempted or had acknowledged.
type crashLine struct {
	stream string
	last   uint64 // acks only
	ids    []uuid.UUID
}

func parseCrashLine(fields []string) (crashLine, error) {
	l := crashLine{stream: fields[1]}
	idField := fields[len(fields)-1]
	if fields[0] == "ack" {
		n, err := strconv.ParseUint(fields[2], 10, 64)
		if err != nil {
			return l, err
		}
		l.last = n
	}
	for _, s := range strings.Split(idField, ",") {
		id, err := uuid.Parse(s)
		if err != nil {
			return l, err
		}
		l.ids = append(l.ids, id)
	}
	return l, nil
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	path := filepath.Join(t.TempDir(), "events.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	// Kill after a growing number of acknowledgements, then a random delay,
	// so the kill lands at different points of the writer's cycle.
	for round, acks := range []int{1, 20, 60, 150, 300, 500, 800, 1200} {
		delay := time.Duration(rng.IntN(5000)) * time.Microsecond
		t.Run(fmt.Sprintf("round %d after %d acks and %s", round, acks, delay), func(t *testing.T) {
			tries, acked := runCrashChild(t, path, acks, delay)
			checkAfterCrash(t, path, tries, acked)
		})
	}
}

// runCrashChild starts the child, SIGKILLs it once it has printed acks
// acknowledgements and delay has passed, and returns what it printed.
func runCrashChild(t *testing.T, path string, acks int, delay time.Duration) (tries, acked []crashLine) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"=1", crashPathEnv+"="+path)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	killed := false
	kill := func() {
		if !killed {
			killed = true
			_ = cmd.Process.Kill() // SIGKILL
		}
	}
	defer kill()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "try", "ack":
			l, err := parseCrashLine(fields)
			if err != nil {
				t.Fatalf("child line %q: %v", sc.Text(), err)
			}
			if fields[0] == "try" {
				tries = append(tries, l)
				continue
			}
			acked = append(acked, l)
			if len(acked) == acks {
				time.AfterFunc(delay, kill)
			}
		case "error":
			t.Fatalf("child failed before the kill: %s", sc.Text())
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("child ended by itself after %d acks", len(acked))
	}
	if len(acked) < acks {
		t.Fatalf("child printed %d acks, want at least %d", len(acked), acks)
	}
	return tries, acked
}

// checkAfterCrash reopens the file and checks that every acknowledged
// append survived where it was acknowledged, that every attempted append is
// there whole or not at all, and that the chain verifies.
func checkAfterCrash(t *testing.T, path string, tries, acked []crashLine) {
	t.Helper()
	s := openTest(t, Config{Path: path, Logger: quiet})
	type at struct {
		stream string
		rev    uint64
	}
	stored := make(map[uuid.UUID]at)
	for _, e := range readAll(t, s) {
		stored[e.ID] = at{e.Stream, e.Revision}
	}
	for _, a := range acked {
		first := a.last + 1 - uint64(len(a.ids))
		for i, id := range a.ids {
			if got, ok := stored[id]; !ok || got != (at{a.stream, first + uint64(i)}) {
				t.Fatalf("acknowledged event %s of %s: stored at %+v (present %t), want revision %d", id, a.stream, got, ok, first+uint64(i))
			}
		}
	}
	partial := 0
	for _, try := range tries {
		n := 0
		for _, id := range try.ids {
			if _, ok := stored[id]; ok {
				n++
			}
		}
		if n != 0 && n != len(try.ids) {
			partial++
			t.Errorf("append to %s half written: %d of %d events stored", try.stream, n, len(try.ids))
		}
	}
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil || !rep.OK() {
		t.Fatalf("Verify after crash: broken %v, %v", rep.Broken, err)
	}
	// The log continues where the crash left it.
	if res := mustAppend(t, s, "unit-0", eventstore.Any(), events(1)...); res.Position.Commit != rep.Events+1 {
		t.Fatalf("append after recovery at %s, want %d", res.Position, rep.Events+1)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	t.Logf("%d attempted, %d acknowledged, %d events stored, %d partial", len(tries), len(acked), rep.Events, partial)
}
