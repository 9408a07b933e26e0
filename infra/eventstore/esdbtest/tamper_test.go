package esdbtest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
)

func TestTamperHooksAlterWhatReadsSee(t *testing.T) {
	srv, c := start(t, Config{})
	in := events("e", 4)
	mustAppend(t, c, "evidence", esdb.NoStream{}, in...)
	before := readStream(t, c, "evidence", esdb.ReadStreamOptions{}, 10)

	t.Run("flip a data byte", func(t *testing.T) {
		if err := srv.TamperFlipDataByte("evidence", 1, 2); err != nil {
			t.Fatalf("TamperFlipDataByte: %v", err)
		}
		got := readStream(t, c, "evidence", esdb.ReadStreamOptions{}, 10)[1].Event
		want := append([]byte(nil), in[1].Data...)
		want[2] ^= 1
		if !bytes.Equal(got.Data, want) {
			t.Errorf("data %q, want %q", got.Data, want)
		}
		if got.EventID != in[1].EventID || got.Position != before[1].Event.Position {
			t.Errorf("flipping a byte changed the ID or position")
		}
	})
	t.Run("swap two events", func(t *testing.T) {
		if err := srv.TamperSwap("evidence", 2, 3); err != nil {
			t.Fatalf("TamperSwap: %v", err)
		}
		got := readStream(t, c, "evidence", esdb.ReadStreamOptions{}, 10)
		if got[2].Event.EventID != in[3].EventID || got[3].Event.EventID != in[2].EventID {
			t.Errorf("IDs at 2 and 3: %s %s, want swapped", got[2].Event.EventID, got[3].Event.EventID)
		}
		if !bytes.Equal(got[2].Event.Data, in[3].Data) || got[2].Event.EventNumber != 2 || got[2].Event.Position != before[2].Event.Position {
			t.Errorf("swapped event at 2: %+v", got[2].Event)
		}
	})
	t.Run("delete an event", func(t *testing.T) {
		if err := srv.TamperDelete("evidence", 0); err != nil {
			t.Fatalf("TamperDelete: %v", err)
		}
		got := revisions(readStream(t, c, "evidence", esdb.ReadStreamOptions{}, 10))
		if !equalRevisions(got, []uint64{1, 2, 3}) {
			t.Errorf("stream revisions %v, want [1 2 3]", got)
		}
		for _, e := range readAll(t, c, esdb.ReadAllOptions{}, 100) {
			if e.Event.EventID == in[0].EventID {
				t.Errorf("deleted event still in $all")
			}
		}
		res := mustAppend(t, c, "evidence", esdb.Revision(3), jsonEvent("after", 0))
		if res.NextExpectedVersion != 4 {
			t.Errorf("append after the delete at revision %d, want 4", res.NextExpectedVersion)
		}
	})
	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name string
			err  error
			want error
		}{
			{"missing stream", srv.TamperDelete("nowhere", 0), ErrNoSuchEvent},
			{"missing revision", srv.TamperSwap("evidence", 1, 99), ErrNoSuchEvent},
			{"already deleted", srv.TamperFlipDataByte("evidence", 0, 0), ErrNoSuchEvent},
			{"byte out of range", srv.TamperFlipDataByte("evidence", 1, 1000), ErrTamper},
		}
		for _, tt := range tests {
			if !errors.Is(tt.err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
			}
		}
	})
}
