package httpapi

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/commands"
)

// boardClientsEnv names the file of "url token" lines that makes
// TestBoardMemoryClients the client process of BenchmarkIdleBoardsMemory.
const boardClientsEnv = "JOINTOPS_TEST_BOARD_CLIENTS"

// BenchmarkIdleBoardsMemory measures what an idle live board costs the
// server: 5,000 boards (100 per operation, spread over four agencies) are
// opened by a child process — so no client memory is counted — and each
// has received its snapshot; the server's live heap and goroutine stacks
// after two collections, less what they were before the connections, is
// divided by the connections. Run with -benchtime 1x.
func BenchmarkIdleBoardsMemory(b *testing.B) {
	const conns, ops = 5000, 50
	w := newLiveWorld(b, ops)
	var lines []string
	for i := range conns {
		op, agency := i%ops, (i/ops)%len(liveAgencies)
		tok := w.token(b, liveAgencies[agency], uuid.New(), commands.RoleObserver)
		lines = append(lines, w.liveURL(w.ops[op], "")+" "+tok)
	}
	file := filepath.Join(b.TempDir(), "clients")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		b.Fatal(err)
	}
	before := serverMemory()
	ctx, cancel := context.WithTimeout(b.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBoardMemoryClients$")
	cmd.Env = append(os.Environ(), boardClientsEnv+"="+file)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Errorf("client process: %v", err)
		}
	}()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "READY") {
	}
	if w.hub.Len() != conns {
		b.Fatalf("%d boards open, want %d", w.hub.Len(), conns)
	}
	after := serverMemory()
	b.ReportMetric(float64(after.total()-before.total())/conns, "B/conn")
	b.ReportMetric(float64(after.heap-before.heap)/conns, "heap_B/conn")
	b.ReportMetric(float64(after.stacks-before.stacks)/conns, "stack_B/conn")
	b.ReportMetric(float64(after.goroutines-before.goroutines)/conns, "goroutines/conn")
}

// memory is the server's live memory.
type memory struct {
	heap, stacks uint64
	goroutines   int
}

func (m memory) total() uint64 { return m.heap + m.stacks }

// serverMemory collects twice (emptying sync.Pools) and reads the live
// heap objects and the goroutine stacks.
func serverMemory() memory {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return memory{heap: s[0].Value.Uint64(), stacks: s[1].Value.Uint64(), goroutines: runtime.NumGoroutine()}
}

// TestBoardMemoryClients is the client process of
// BenchmarkIdleBoardsMemory, and is skipped otherwise: it opens every
// board of the file named by JOINTOPS_TEST_BOARD_CLIENTS, reads each one's
// snapshot, prints READY, keeps reading (answering pings) until its
// standard input closes.
func TestBoardMemoryClients(t *testing.T) {
	file := os.Getenv(boardClientsEnv)
	if file == "" {
		t.Skip("the client process of BenchmarkIdleBoardsMemory")
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var (
		conns []*websocket.Conn
		wg    sync.WaitGroup
	)
	for line := range strings.SplitSeq(string(raw), "\n") {
		url, tok, _ := strings.Cut(line, " ")
		c := dialBoard(t, url, tok)
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		wg.Go(func() {
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		})
	}
	fmt.Printf("READY %d\n", len(conns))
	_, _ = bufio.NewReader(os.Stdin).ReadString(0)
	for _, c := range conns {
		c.Close()
	}
	wg.Wait()
}
