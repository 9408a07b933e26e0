package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/loadgen"
)

// TestLoadgenEmbeddedRun loads a server of its own for a few seconds and
// checks the report's invariants, then reads the server's log to check
// that every retried command was appended once.
func TestLoadgenEmbeddedRun(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	dir := t.TempDir()
	store := filepath.Join(dir, "server")
	jsonFile := filepath.Join(dir, "report.json")
	var stdout, stderr syncBuffer
	err := run(t.Context(), []string{"loadgen", "--store-dir", store, "--json", jsonFile,
		"--units", "8", "--boards", "6", "--ops", "2", "--rate", "40", "--duration", "2500ms",
		"--retries", "0.2", "--late", "0.3", "--baseline", "300ms", "--log-level", "warn"}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("loadgen: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "verdict    OK") {
		t.Errorf("text report lacks the verdict:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "loadgen ") || !strings.Contains(stderr.String(), "boards 6/6") {
		t.Errorf("no progress line with the boards connected on stderr:\n%s", stderr.String())
	}
	raw, err := os.ReadFile(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	var rep loadgen.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("JSON report: %v", err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"accepted > 0", rep.Commands.Accepted > 0},
		{"no errors", rep.Commands.Errors == 0},
		{"some late reports accepted as late", rep.Commands.Late > 0},
		{"deliveries checked", rep.Boards.Delivered > 0},
		{"no gaps", rep.Boards.Gaps == 0 && rep.Boards.Undelivered == 0},
		{"no duplicates", rep.Boards.Duplicates == 0},
		{"retries sent and answered alike", rep.Retries.Sent > 0 && rep.Retries.Same == rep.Retries.Sent},
		{"board latency measured", rep.Boards.Latency.Count == rep.Boards.Delivered},
		{"connected boards served by /metrics", rep.Server.Before.BoardsConnected == 6},
		{"process metrics served", rep.Server.After.RSSBytes > 0 && rep.Server.After.CPUSeconds > 0},
		{"baselines measured", rep.Baseline.Append != nil && rep.Baseline.Append.PerSec > 0 &&
			rep.Baseline.Broadcast != nil && rep.Baseline.Broadcast.Deliveries > 0},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: does not hold; report:\n%s", c.name, raw)
		}
	}
	appendedOnce(t, filepath.Join(store, "events.db"), rep.Retries.CommandIDs)
}

// appendedOnce checks that the log holds exactly one event of each command
// (every report appends one).
func appendedOnce(t *testing.T, path string, commands []string) {
	t.Helper()
	if len(commands) == 0 {
		t.Fatal("no retried command to look for")
	}
	s, err := sqlite.Open(t.Context(), sqlite.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]int{}
	for _, id := range commands {
		want[id] = 0
	}
	from := eventstore.Start
	for {
		events, err := s.ReadAll(t.Context(), eventstore.Forwards, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			break
		}
		for _, e := range events {
			var meta struct {
				CommandID string `json:"command_id"`
			}
			if err := json.Unmarshal(e.Metadata, &meta); err == nil {
				if _, ok := want[meta.CommandID]; ok {
					want[meta.CommandID]++
				}
			}
		}
		from = eventstore.After(events[len(events)-1].Position)
	}
	for id, n := range want {
		if n != 1 {
			t.Errorf("command %s: %d events in the log, want 1", id, n)
		}
	}
}

func TestLoadgenRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"negative rate and too few units", []string{"--rate", "-5", "--units", "3", "--ops", "2"},
			[]string{"rate -5: must be positive", "units 3: want at least 8"}},
		{"shares over one", []string{"--late", "2", "--retries", "1.5"},
			[]string{"late share 2: must be at most 1", "retry share 1.5: must be at most 1"}},
		{"no key for a remote server", []string{"--url", "http://127.0.0.1:1", "--token-key", "/nonexistent/key.pem"},
			[]string{"token key"}},
		{"unknown report kind", []string{"--mix", "gossip=1"}, []string{`unknown kind "gossip"`}},
		{"mix without shares", []string{"--mix", "position"}, []string{"want kind=share"}},
		{"embedded and remote at once", []string{"--embedded", "--url", "http://127.0.0.1:1"}, []string{"exclude each other"}},
		{"stray argument", []string{"now"}, []string{"unexpected arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("JOINTOPS_STORE", "")
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"loadgen", "--store-dir", t.TempDir()}, tt.args...), &stdout, &stderr)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 {
				t.Fatalf("err %v, want exit code 2", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
