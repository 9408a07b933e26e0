package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/integrity"
)

// serveBriefly runs `jointops serve` on dir until it listens, then stops
// it: the real server path, which signs a checkpoint at shutdown.
func serveBriefly(t *testing.T, dir string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0"}, &bytes.Buffer{}, log)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(log.String(), "jointops serving") {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", log.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v\n%s", err, log.String())
	}
	return log.String()
}

// seedLog writes streams a, b and c taking turns, five events each: b's
// revision r is at position 3r+2.
func seedLog(t *testing.T, dir string) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(dir, "events.db")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		for _, s := range []string{"a", "b", "c"} {
			_, err := st.Append(t.Context(), s, eventstore.Any(), eventstore.EventData{
				ID: uuid.New(), Type: "test.happened", SchemaVersion: 1, Data: fmt.Appendf(nil, `{"stream":%q,"n":%d}`, s, i)})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies the flat files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// editDB runs statements on the events file behind the store's back.
func editDB(t *testing.T, dir string, fn func(db *sql.DB)) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(db)
}

func execSQL(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// forgeCheckpoint lowers b's signed revision in the checkpoint and
// recomputes its chain link, as anyone can: only the signature stops it.
func forgeCheckpoint(t *testing.T, db *sql.DB) {
	t.Helper()
	var id, data, meta []byte
	var typ string
	var schema uint32
	if err := db.QueryRow(`SELECT id, type, schema_version, data, metadata FROM events WHERE stream = ? AND revision = 0`,
		integrity.CheckpointStream).Scan(&id, &typ, &schema, &data, &meta); err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(data, []byte(`"stream":"b","revision":4`), []byte(`"stream":"b","revision":3`), 1)
	if bytes.Equal(forged, data) {
		t.Fatalf("no head of b in %s", data)
	}
	link := eventstore.ChainLink(eventstore.Hash{}, integrity.CheckpointStream, 0,
		eventstore.EventData{ID: uuid.UUID(id), Type: typ, SchemaVersion: schema, Data: forged, Metadata: meta})
	execSQL(t, db, `UPDATE events SET data = ?, hash = ? WHERE stream = ? AND revision = 0`, forged, link[:], integrity.CheckpointStream)
}

func TestVerifyWithCheckpoints(t *testing.T) {
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_CHECKPOINT_KEY_FILE", "")
	base := t.TempDir()
	seedLog(t, base)
	if log := serveBriefly(t, base); !strings.Contains(log, "msg=\"checkpoint signed\" component=integrity covers=15/15 streams=3") ||
		!strings.Contains(log, "checkpoint signing key") {
		t.Fatalf("serve did not sign a checkpoint of the 15 events at shutdown:\n%s", log)
	}
	// A second run reads the checkpoint through the runner and the boards,
	// which skip it, and signs nothing new: only the checkpoint came after.
	if log := serveBriefly(t, base); strings.Contains(log, "poisoned") || strings.Contains(log, "checkpoint signed") {
		t.Fatalf("second serve poisoned the checkpoint or signed again:\n%s", log)
	}
	otherKey := filepath.Join(t.TempDir(), "other.pub")
	if _, _, err := integrity.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"), otherKey); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB)
		args   []string
		want   string // in the BROKEN line; "" for a clean log
	}{
		{"clean", nil, nil, ""},
		{"payload byte edited", func(t *testing.T, db *sql.DB) {
			execSQL(t, db, `UPDATE events SET data = CAST('{"stream":"b","n":9}' AS BLOB) WHERE stream = 'b' AND revision = 2`)
		}, nil, "stream b revision 2 (event %s at 8/8): chain link mismatch"},
		{"row deleted in the middle", func(t *testing.T, db *sql.DB) {
			execSQL(t, db, `DELETE FROM events WHERE stream = 'b' AND revision = 2`)
		}, nil, "stream b revision 3 (event %s at 11/11): revision 3 follows 1"},
		{"last row of a stream deleted", func(t *testing.T, db *sql.DB) {
			execSQL(t, db, `DELETE FROM events WHERE stream = 'b' AND revision = 4`)
		}, nil, "stream b revision 4 (event (removed) at 16/16): signed, but the stream ends at revision 3: events removed from its end"},
		{"two rows swapped", func(t *testing.T, db *sql.DB) {
			execSQL(t, db, `UPDATE events SET seq = -1 WHERE seq = 5`)
			execSQL(t, db, `UPDATE events SET seq = 5 WHERE seq = 8`)
			execSQL(t, db, `UPDATE events SET seq = 8 WHERE seq = -1`)
		}, nil, "stream b revision 2 (event %s at 5/5): revision 2 follows 0"},
		{"checkpoint forged", forgeCheckpoint, nil, "stream integrity-checkpoints revision 0 (event %s at 16/16): integrity: checkpoint signature does not verify: forged or altered"},
		{"another key pinned", nil, []string{"--key", otherKey}, "stream integrity-checkpoints revision 0 (event %s at 16/16): integrity: checkpoint signature does not verify: signed with key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, base)
			if tt.tamper != nil {
				editDB(t, dir, func(db *sql.DB) { tt.tamper(t, db) })
			}
			var out bytes.Buffer
			err := run(t.Context(), append([]string{"verify", "--data-dir", dir}, tt.args...), &out, &bytes.Buffer{})
			if tt.want == "" {
				if err != nil || !strings.Contains(out.String(), "OK: 16 events in 4 streams") ||
					!strings.Contains(out.String(), "checkpoints: 1 verified") || !strings.Contains(out.String(), "last signed position 15/15; 0 events after it") {
					t.Fatalf("verify of the clean log: %v\n%s", err, out.String())
				}
				return
			}
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 1 {
				t.Fatalf("verify returned %v, want exit code 1\n%s", err, out.String())
			}
			prefix, suffix, _ := strings.Cut(tt.want, "%s")
			line := out.String()
			if !strings.Contains(line, prefix) || !strings.Contains(line, suffix) {
				t.Fatalf("verify output\n%s\ndoes not name %q", line, tt.want)
			}
		})
	}
}

// TestOnlyCheckpointCatchesRemovedTail: the chains alone pass a log whose
// stream lost its last event.
func TestOnlyCheckpointCatchesRemovedTail(t *testing.T) {
	dir := t.TempDir()
	seedLog(t, dir)
	editDB(t, dir, func(db *sql.DB) { execSQL(t, db, `DELETE FROM events WHERE stream = 'b' AND revision = 4`) })
	st, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(dir, "events.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rep, err := eventstore.Verify(t.Context(), st); err != nil || !rep.OK() {
		t.Fatalf("the chains alone: %+v, %v; want them to pass", rep.Broken, err)
	}
}
