package storetest

import (
	"fmt"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

func integrityTests() []contractTest {
	return []contractTest{
		{"VerifyHealthy", testVerifyHealthy},
		{"Tamper", testTamper},
	}
}

// testVerifyHealthy verifies an empty and a healthy log.
func testVerifyHealthy(t *testing.T, h Harness) {
	s := h.open(t)
	rep, err := eventstore.Verify(t.Context(), s)
	if err != nil || !rep.OK() || rep.Events != 0 || rep.Streams != 0 || len(rep.Heads) != 0 {
		t.Errorf("Verify of an empty log = %+v, %v; want ok with nothing counted", rep, err)
	}

	streams := []string{"healthy-a", "healthy-b", "healthy-c"}
	for i := range 12 {
		mustAppend(t, s, streams[i%len(streams)], eventstore.Any(), newEvents("healthy", 1+i%2)...)
	}
	rep, err = eventstore.Verify(t.Context(), s)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !rep.OK() {
		t.Fatalf("Verify of a healthy log: broken at %v", rep.Broken)
	}
	if rep.Events != 18 || rep.Streams != len(streams) {
		t.Errorf("Verify counted %d events in %d streams, want 18 in %d", rep.Events, rep.Streams, len(streams))
	}
	for _, stream := range streams {
		last, err := s.ReadStream(t.Context(), stream, eventstore.Backwards, eventstore.StreamEnd, 1)
		if err != nil || len(last) != 1 {
			t.Fatalf("ReadStream(%s, backwards, end, 1) = %d events, %v", stream, len(last), err)
		}
		if rep.Heads[stream] != last[0].Hash {
			t.Errorf("Verify head of %s = %s, want the last event's hash %s", stream, rep.Heads[stream], last[0].Hash)
		}
	}
	if len(rep.Heads) != len(streams) {
		t.Errorf("Verify reported heads of %d streams, want %d", len(rep.Heads), len(streams))
	}
}

// testTamper alters the log behind the store's back in each way and checks
// that Verify names the first broken event.
func testTamper(t *testing.T, h Harness) {
	if h.Tamper == nil {
		t.Skip("Harness.Tamper is nil: the adapter cannot alter its storage")
	}
	const stream, other, target = "tamper-a", "tamper-b", 2
	tests := []struct {
		kind TamperKind
		// broken is the revision Verify must name; moved says the tampered
		// event's own revision number may show instead.
		broken uint64
		moved  bool
		// removed is how many events before the broken one in log order
		// are gone.
		removed int
	}{
		{kind: TamperPayload, broken: target},
		{kind: TamperDelete, broken: target + 1, removed: 1},
		{kind: TamperSwap, broken: target, moved: true},
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			t.Parallel()
			s := h.open(t)
			for i := range 5 {
				mustAppend(t, s, stream, eventstore.Any(), newEvent(fmt.Sprintf("%s/%d", stream, i)))
				mustAppend(t, s, other, eventstore.Any(), newEvent(fmt.Sprintf("%s/%d", other, i)))
			}
			log := mustReadAll(t, s)
			if rep, err := eventstore.Verify(t.Context(), s); err != nil || !rep.OK() {
				t.Fatalf("Verify before tampering = broken at %v, %v; want ok", rep.Broken, err)
			}
			at := -1
			for i, e := range log {
				if e.Stream == stream && e.Revision == tc.broken {
					at = i
				}
			}
			if at < 0 {
				t.Fatalf("log has no event %s@%d", stream, tc.broken)
			}
			want := log[at]

			h.Tamper(t, s, tc.kind, stream, target)

			rep, err := eventstore.Verify(t.Context(), s)
			if err != nil {
				t.Fatalf("Verify after %s tampering: %v", tc.kind, err)
			}
			if rep.OK() {
				t.Fatalf("Verify after %s tampering of %s@%d: ok, want broken", tc.kind, stream, target)
			}
			b := rep.Broken
			revisionOK := b.Revision == tc.broken || tc.moved && b.Revision == tc.broken+1
			if b.Stream != stream || !revisionOK || b.Position != want.Position {
				t.Errorf("Verify after %s tampering of %s@%d: broken at %s@%d (%s), want %s@%d at %s",
					tc.kind, stream, target, b.Stream, b.Revision, b.Position, stream, tc.broken, want.Position)
			}
			if !tc.moved && b.EventID != want.ID.String() {
				t.Errorf("Verify names event %s, want %s", b.EventID, want.ID)
			}
			if wantEvents := uint64(at - tc.removed); rep.Events != wantEvents {
				t.Errorf("Verify checked %d events before the break, want %d", rep.Events, wantEvents)
			}
			t.Logf("Verify after %s tampering: %v", tc.kind, b)
		})
	}
}
