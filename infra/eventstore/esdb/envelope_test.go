package esdb

import (
	"errors"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		metadata []byte
		wantRaw  bool // the metadata sits in the envelope as JSON, not base64
	}{
		{name: "empty", metadata: nil},
		{name: "compact object", metadata: []byte(`{"actor":"unit-7","marking":"restricted"}`), wantRaw: true},
		{name: "compact array", metadata: []byte(`[1,2,3]`), wantRaw: true},
		{name: "HTML characters stay unescaped", metadata: []byte(`{"note":"<b>&</b>"}`), wantRaw: true},
		{name: "indented JSON keeps its spaces", metadata: []byte("{\n  \"a\": 1\n}")},
		{name: "JSON scalar", metadata: []byte(`null`)},
		{name: "binary", metadata: []byte{0, 0xff, '"', '\\', 0x80}},
		{name: "invalid JSON", metadata: []byte(`{"a":`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := eventstore.EventData{ID: uuid.New(), Type: "jointops.test.happened", SchemaVersion: 3, Data: []byte(`{"x":1}`), Metadata: tc.metadata}
			proposed, link := toProposed("", "op-1", eventstore.Hash{}, 0, []eventstore.EventData{e})
			if want := eventstore.ChainLink(eventstore.Hash{}, "op-1", 0, e); link != want {
				t.Fatalf("link = %s, want ChainLink %s", link, want)
			}
			if proposed[0].ContentType != esdb.ContentTypeJson {
				t.Errorf("ContentType = %v, want JSON for a JSON payload", proposed[0].ContentType)
			}
			env, err := parseEnvelope(proposed[0].Metadata)
			if err != nil {
				t.Fatalf("parseEnvelope(%s): %v", proposed[0].Metadata, err)
			}
			if gotRaw := len(env.Meta) > 0; gotRaw != tc.wantRaw {
				t.Errorf("metadata embedded as JSON = %v, want %v (envelope %s)", gotRaw, tc.wantRaw, proposed[0].Metadata)
			}
			rec := recorded("op-1", 0, proposed[0])
			got, err := decode("", rec)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if string(got.Metadata) != string(tc.metadata) {
				t.Errorf("metadata = %q, want %q", got.Metadata, tc.metadata)
			}
			if got.SchemaVersion != 3 || got.Type != e.Type || got.ID != e.ID || string(got.Data) != string(e.Data) {
				t.Errorf("decoded %+v, want the appended event", got.RecordedEvent)
			}
			if got.Hash != link {
				t.Errorf("Hash = %s, want %s", got.Hash, link)
			}
			if want := eventstore.ChainLink(eventstore.Hash{}, "op-1", 0, got.EventData()); got.Hash != want {
				t.Errorf("decoded event does not verify: link %s, recomputed %s", got.Hash, want)
			}
		})
	}
}

func TestEnvelopeIndexAndCount(t *testing.T) {
	events := []eventstore.EventData{
		{ID: uuid.New(), Type: "a", SchemaVersion: 1, Data: []byte{1}},
		{ID: uuid.New(), Type: "b", SchemaVersion: 1, Data: []byte{2}},
		{ID: uuid.New(), Type: "c", SchemaVersion: 1, Data: []byte{3}},
	}
	prev := eventstore.ChainLink(eventstore.Hash{}, "s", 0, events[0])
	proposed, last := toProposed("", "s", prev, 5, events)
	want := prev
	for i, p := range proposed {
		if p.ContentType != esdb.ContentTypeBinary {
			t.Errorf("event %d: ContentType = %v, want binary for a non-JSON payload", i, p.ContentType)
		}
		d, err := decode("", recorded("s", 5+uint64(i), p))
		if err != nil {
			t.Fatal(err)
		}
		want = eventstore.ChainLink(want, "s", 5+uint64(i), events[i])
		if d.index != i || d.count != 3 || d.Hash != want {
			t.Errorf("event %d: index %d count %d hash %s, want %d 3 %s", i, d.index, d.count, d.Hash, i, want)
		}
	}
	if last != want {
		t.Errorf("last link = %s, want %s", last, want)
	}
}

func TestDecodeForeignAndIncompatible(t *testing.T) {
	ours := func(stream string) *esdb.RecordedEvent {
		p, _ := toProposed("", stream, eventstore.Hash{}, 0, []eventstore.EventData{{ID: uuid.New(), Type: "t", SchemaVersion: 1}})
		return recorded(stream, 0, p[0])
	}
	withMeta := func(m string) *esdb.RecordedEvent {
		r := ours("s")
		r.UserMetadata = []byte(m)
		return r
	}
	tests := []struct {
		name string
		rec  *esdb.RecordedEvent
		want error
	}{
		{name: "system stream", rec: ours("$settings"), want: errForeign},
		{name: "no metadata", rec: withMeta(""), want: errForeign},
		{name: "other JSON metadata", rec: withMeta(`{"$correlationId":"x"}`), want: errForeign},
		{name: "not JSON", rec: withMeta("\x00\x01"), want: errForeign},
		{name: "newer envelope", rec: withMeta(`{"jointops":2,"v":1,"h":"00","i":0,"n":1}`), want: eventstore.ErrIncompatibleStore},
		{name: "bad hash", rec: withMeta(`{"jointops":1,"v":1,"h":"zz","i":0,"n":1}`), want: eventstore.ErrIncompatibleStore},
		{name: "schema version 0", rec: withMeta(`{"jointops":1,"v":0,"h":"` + eventstore.Hash{}.String() + `","i":0,"n":1}`), want: eventstore.ErrIncompatibleStore},
		{name: "index out of range", rec: withMeta(`{"jointops":1,"v":1,"h":"` + eventstore.Hash{}.String() + `","i":1,"n":1}`), want: eventstore.ErrIncompatibleStore},
		{name: "ill-typed envelope", rec: withMeta(`{"jointops":1,"v":"one","h":"` + eventstore.Hash{}.String() + `","i":0,"n":1}`), want: eventstore.ErrIncompatibleStore},
		{name: "bad base64", rec: withMeta(`{"jointops":1,"v":1,"h":"` + eventstore.Hash{}.String() + `","i":0,"n":1,"mb":"%%"}`), want: eventstore.ErrIncompatibleStore},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode("", tc.rec)
			if !errors.Is(err, tc.want) {
				t.Errorf("decode error = %v, want %v", err, tc.want)
			}
		})
	}
}

// FuzzDecodeMetadata feeds arbitrary custom metadata, which other writers
// on a shared server control, to the decoder: it must never panic, and
// whatever it accepts must carry a valid schema version.
func FuzzDecodeMetadata(f *testing.F) {
	f.Add([]byte(`{"jointops":1,"v":1,"h":"` + eventstore.Hash{}.String() + `","i":0,"n":1,"m":{"a":1}}`))
	f.Add([]byte(`{"jointops":1}`))
	f.Add([]byte(`{"jointops":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, m []byte) {
		r := &esdb.RecordedEvent{EventID: uuid.New(), EventType: "t", StreamID: "s", UserMetadata: m}
		d, err := decode("", r)
		if err == nil && d.SchemaVersion == 0 {
			t.Errorf("accepted schema version 0 from %q", m)
		}
	})
}

// recorded is what the client returns for an event the server stored from p.
func recorded(stream string, revision uint64, p esdb.EventData) *esdb.RecordedEvent {
	return &esdb.RecordedEvent{
		EventID:      p.EventID,
		EventType:    p.EventType,
		StreamID:     stream,
		EventNumber:  revision,
		Position:     esdb.Position{Commit: 100 + revision, Prepare: 100 + revision},
		CreatedDate:  time.Unix(1700000000, 0).UTC(),
		Data:         p.Data,
		UserMetadata: p.Metadata,
	}
}

func TestDecodeNamespaces(t *testing.T) {
	e := eventstore.EventData{ID: uuid.New(), Type: "t", SchemaVersion: 1, Data: []byte("x")}
	p, _ := toProposed("tenant-a", "op-1", eventstore.Hash{}, 0, []eventstore.EventData{e})
	inA := recorded(remoteName("tenant-a", "op-1"), 0, p[0])
	plain, _ := toProposed("", "tenant-a/op-1", eventstore.Hash{}, 0, []eventstore.EventData{e})
	tests := []struct {
		name       string
		ns         string
		rec        *esdb.RecordedEvent
		wantStream string // "": foreign
	}{
		{name: "own namespace", ns: "tenant-a", rec: inA, wantStream: "op-1"},
		{name: "other namespace", ns: "tenant-b", rec: inA},
		{name: "namespaced event seen without namespace", ns: "", rec: inA},
		{name: "plain event whose name looks namespaced", ns: "tenant-a", rec: recorded("tenant-a/op-1", 0, plain[0])},
		{name: "plain event without namespace", ns: "", rec: recorded("tenant-a/op-1", 0, plain[0]), wantStream: "tenant-a/op-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := decode(tc.ns, tc.rec)
			if tc.wantStream == "" {
				if !errors.Is(err, errForeign) {
					t.Errorf("decode = %+v, %v; want errForeign", d.RecordedEvent, err)
				}
				return
			}
			if err != nil || d.Stream != tc.wantStream {
				t.Errorf("decode = stream %q, %v; want %q", d.Stream, err, tc.wantStream)
			}
		})
	}
}
