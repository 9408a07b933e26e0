package commands

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
)

// TestUnreadableFieldLogSnapshotsAreRebuilt: a unit log's snapshot that
// this build cannot read (another format, an event type it does not know)
// is ignored, and the log folded from its stream's first event; the
// command on it is decided on the whole log, at the right revision.
func TestUnreadableFieldLogSnapshotsAreRebuilt(t *testing.T) {
	stream := fieldlog.Stream(testOp, dt.Unit(7))
	tests := []struct {
		name     string
		edit     func([]byte) []byte
		fromSnap bool // the snapshot is used
	}{
		{"readable", func(b []byte) []byte { return b }, true},
		{"of another format", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"format":1`), []byte(`"format":2`), 1)
		}, false},
		{"naming an event type this build does not know", func(b []byte) []byte {
			return bytes.Replace(b, []byte(fieldlog.PositionReportedType), []byte("jointops.field.teleported"), 1)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, outcomes, store := newMemLog(), newMemOutcomes(), newMemSnapshots()
			first := newTestHandlers(t, log, outcomes, nil)
			activate(t, first)
			for i := range 3 {
				must(t)(first.ReportPosition(t.Context(), unit7, newCmd(), testPosition(7, uint64(i+1), agency2)))
			}
			l := fieldlog.New(testOp, dt.Unit(7))
			if _, err := log.Load(t.Context(), stream, 0, l.Replay); err != nil {
				t.Fatal(err)
			}
			store.put(stream, Snapshot{Version: 3, Data: tt.edit(dt.Must(l.Snapshot()))})

			logs := &logBuffer{}
			h := newTestHandlers(t, log, outcomes, withSnapshots(store, 1000, logs))
			defer closeHandlers(t, h)
			acc, err := h.ReportPosition(t.Context(), unit7, newCmd(), testPosition(7, 4, agency2))
			if err != nil || acc.Revision != 3 {
				t.Fatalf("report = revision %d, %v; want revision 3", acc.Revision, err)
			}
			froms := log.loadsFrom(stream)
			wantFrom := uint64(0)
			if tt.fromSnap {
				wantFrom = 2 // the snapshot's last event, and on
			}
			if froms[len(froms)-1] != wantFrom {
				t.Fatalf("unit log read from %v, want the last read from %d", froms, wantFrom)
			}
			if ignored := strings.Contains(logs.String(), "snapshot ignored"); ignored == tt.fromSnap {
				t.Fatalf("snapshot ignored: %v, want %v; log %q", ignored, !tt.fromSnap, logs)
			}
			if _, err := h.ReportPosition(t.Context(), unit7, newCmd(), testPosition(7, 1, agency2)); !errors.Is(err, domain.ErrRejected) {
				t.Fatalf("a report ID of the log again: err = %v, want ErrRejected", err)
			}
		})
	}
}
