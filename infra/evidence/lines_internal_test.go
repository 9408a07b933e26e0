package evidence

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// linesSeed are lines as written, and variants the scanner must hand to
// the strict decoder.
var linesSeed = []string{
	string(appendEventLine(nil, eventstore.RecordedEvent{ID: uuid.MustParse("0b6f8f0e-7d0c-4d7a-9f0e-0c6b8f1f0a01"), Type: "t.x", SchemaVersion: 2, Stream: "s",
		Revision: 3, Position: eventstore.Position{Commit: 9, Prepare: 9}, RecordedAt: time.Unix(1e9, 7), Data: []byte(`{"a":"b\"}","c":[1,{"d":null}]}`), Metadata: []byte(`{}`)})),
	string(appendEventLine(nil, eventstore.RecordedEvent{ID: uuid.MustParse("0b6f8f0e-7d0c-4d7a-9f0e-0c6b8f1f0a02"), Type: "t.y", SchemaVersion: 1, Stream: `odd "name"`,
		Data: []byte("not json\n"), Metadata: nil})),
	string(appendLinkLine(nil, eventstore.RecordedEvent{Stream: "s", Revision: 1, Position: eventstore.Position{Commit: 1, Prepare: 1}}, eventstore.Hash{1}, "")),
	string(appendLinkLine(nil, eventstore.RecordedEvent{Stream: "s"}, eventstore.Hash{}, ReasonMarking)),
	`{"position":"1/1","stream":"s","revision":01}`,
	`{"position":"1/1", "stream":"s"}`,
	`{"position":"1/1","stream":"s","extra":1}`,
	`{"position":"1/1","position":"2/2"}`,
	`{"data":null,"metadata_b64":"!!"}`,
	`{"stream":"a\u0041"}`,
	`{"revision":-1}`,
	`[1]`,
	``,
}

// sameParse checks that the scanner and the strict decoder agree on line.
func sameParse[T any](t *testing.T, line string, fast func([]byte) (T, error)) {
	got, gotErr := fast([]byte(line))
	var want T
	wantErr := strict([]byte(line), &want)
	if (gotErr == nil) != (wantErr == nil) || (gotErr == nil && !reflect.DeepEqual(got, want)) {
		t.Fatalf("line %s\nscanner: %+v, %v\nstrict:  %+v, %v", line, got, gotErr, want, wantErr)
	}
}

func TestLineScannerAgreesWithStrictDecoder(t *testing.T) {
	for _, l := range linesSeed {
		t.Run(l, func(t *testing.T) {
			sameParse(t, l, parseEventLine)
			sameParse(t, l, parseLinkLine)
		})
	}
}

func FuzzLineScanner(f *testing.F) {
	for _, l := range linesSeed {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		sameParse(t, line, parseEventLine)
		sameParse(t, line, parseLinkLine)
	})
}
