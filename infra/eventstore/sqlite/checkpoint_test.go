package sqlite

import (
	"os"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// fileSize is the size of the database file itself, which grows only when
// a checkpoint copies the WAL back into it.
func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestCheckpointTriggers(t *testing.T) {
	tests := []struct {
		name           string
		events         int // every event bounds the WAL
		minEvents      int
		interval       time.Duration
		wantCheckpoint bool
	}{
		{"by count", 50, 1 << 20, time.Hour, true},
		{"by interval", 1 << 20, 50, time.Millisecond, true},
		{"interval, too few events", 1 << 20, 1 << 20, time.Millisecond, false},
		{"neither", 1 << 20, 50, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.CheckpointEvents, cfg.CheckpointMinEvents, cfg.CheckpointInterval = tt.events, tt.minEvents, tt.interval
			s := openTest(t, cfg)
			before := fileSize(t, cfg.Path)
			if tt.interval < time.Second {
				time.Sleep(2 * tt.interval) // let a short interval pass since Open
			}
			for i := range 200 {
				mustAppend(t, s, "s", eventstore.Any(), event("test.x", i))
			}
			if tt.wantCheckpoint {
				waitFor(t, "a checkpoint to grow the database file", func() bool { return fileSize(t, cfg.Path) > before })
				return
			}
			// Nothing signals the checkpointer: give a wrongly woken one the
			// time to show itself.
			time.Sleep(100 * time.Millisecond)
			if after := fileSize(t, cfg.Path); after != before {
				t.Fatalf("database file grew from %d to %d bytes: a checkpoint ran", before, after)
			}
		})
	}
}
