package esdbtest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func TestAppendThenReadRoundTripsEveryField(t *testing.T) {
	_, c := start(t, Config{Now: func() time.Time { return fixedNow }})
	in := []esdb.EventData{
		{EventID: uuid.New(), EventType: "jointops.test.json", ContentType: esdb.ContentTypeJson,
			Data: []byte(`{"a":1}`), Metadata: []byte(`{"m":"x"}`)},
		{EventID: uuid.New(), EventType: "jointops.test.binary", ContentType: esdb.ContentTypeBinary,
			Data: []byte{0, 1, 2, 255}, Metadata: nil},
		{EventID: uuid.New(), EventType: "jointops.test.empty", ContentType: esdb.ContentTypeJson},
	}
	res := mustAppend(t, c, "op-1", esdb.NoStream{}, in...)
	if res.NextExpectedVersion != 2 {
		t.Errorf("NextExpectedVersion = %d, want 2", res.NextExpectedVersion)
	}

	fromStream := readStream(t, c, "op-1", esdb.ReadStreamOptions{}, 100)
	fromAll := userEvents(readAll(t, c, esdb.ReadAllOptions{}, 100))
	for name, got := range map[string][]*esdb.ResolvedEvent{"stream": fromStream, "$all": fromAll} {
		if len(got) != len(in) {
			t.Fatalf("%s read: %d events, want %d", name, len(got), len(in))
		}
		for i, want := range in {
			e := got[i].Event
			wantType := "application/octet-stream"
			if want.ContentType == esdb.ContentTypeJson {
				wantType = "application/json"
			}
			switch {
			case got[i].Link != nil:
				t.Errorf("%s %d: unexpected link", name, i)
			case e.EventID != want.EventID:
				t.Errorf("%s %d: id %s, want %s", name, i, e.EventID, want.EventID)
			case e.EventType != want.EventType:
				t.Errorf("%s %d: type %q, want %q", name, i, e.EventType, want.EventType)
			case e.ContentType != wantType:
				t.Errorf("%s %d: content type %q, want %q", name, i, e.ContentType, wantType)
			case e.StreamID != "op-1" || e.EventNumber != uint64(i):
				t.Errorf("%s %d: at %s@%d, want op-1@%d", name, i, e.StreamID, e.EventNumber, i)
			case !bytes.Equal(e.Data, want.Data):
				t.Errorf("%s %d: data %q, want %q", name, i, e.Data, want.Data)
			case !bytes.Equal(e.UserMetadata, want.Metadata):
				t.Errorf("%s %d: metadata %q, want %q", name, i, e.UserMetadata, want.Metadata)
			case !e.CreatedDate.Equal(fixedNow.Truncate(100 * time.Nanosecond)):
				t.Errorf("%s %d: created %s, want %s", name, i, e.CreatedDate, fixedNow)
			case got[i].Commit == nil || *got[i].Commit != e.Position.Commit:
				t.Errorf("%s %d: read commit position %v, want %d", name, i, got[i].Commit, e.Position.Commit)
			case e.Position != fromAll[i].Event.Position:
				t.Errorf("%s %d: position %v, $all says %v", name, i, e.Position, fromAll[i].Event.Position)
			}
		}
	}
	last := fromAll[len(fromAll)-1].Event.Position
	if res.CommitPosition != last.Commit || less(esdb.Position{Commit: res.CommitPosition, Prepare: res.PreparePosition}, last) {
		t.Errorf("append position %d/%d, want the commit %d, not before the last event %v",
			res.CommitPosition, res.PreparePosition, last.Commit, last)
	}
}

func TestAppendExpectedRevision(t *testing.T) {
	tests := []struct {
		name     string
		existing int // events already in the stream
		expected esdb.ExpectedRevision
		wantErr  string // part of the decoded WrongExpectedVersion message; "" for success
		wantNext uint64
	}{
		{name: "any on missing stream", existing: 0, expected: esdb.Any{}, wantNext: 0},
		{name: "any on existing stream", existing: 2, expected: esdb.Any{}, wantNext: 2},
		{name: "no stream on missing stream", existing: 0, expected: esdb.NoStream{}, wantNext: 0},
		{name: "no stream on existing stream", existing: 2, expected: esdb.NoStream{}, wantErr: "expecting 'no_stream' but got '1'"},
		{name: "stream exists on missing stream", existing: 0, expected: esdb.StreamExists{}, wantErr: "expecting 'stream_exists' but got 'no_stream'"},
		{name: "stream exists on existing stream", existing: 1, expected: esdb.StreamExists{}, wantNext: 1},
		{name: "exact revision matches", existing: 3, expected: esdb.Revision(2), wantNext: 3},
		{name: "exact revision behind", existing: 3, expected: esdb.Revision(1), wantErr: "expecting '1' but got '2'"},
		{name: "exact revision ahead", existing: 3, expected: esdb.Revision(7), wantErr: "expecting '7' but got '2'"},
		{name: "exact revision on missing stream", existing: 0, expected: esdb.Revision(0), wantErr: "expecting '0' but got 'no_stream'"},
	}
	_, c := start(t, Config{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := "exp-" + string(rune('a'+i))
			if tt.existing > 0 {
				mustAppend(t, c, stream, esdb.NoStream{}, events("seed", tt.existing)...)
			}
			res, err := c.AppendToStream(testContext(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: tt.expected}, jsonEvent("next", 0))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("append: %v", err)
				}
				if res.NextExpectedVersion != tt.wantNext {
					t.Errorf("NextExpectedVersion = %d, want %d", res.NextExpectedVersion, tt.wantNext)
				}
				return
			}
			var esErr *esdb.Error
			if !errors.As(err, &esErr) || esErr.Code() != esdb.ErrorCodeWrongExpectedVersion {
				t.Fatalf("append: %v, want a WrongExpectedVersion error", err)
			}
			if !strings.Contains(esErr.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", esErr, tt.wantErr)
			}
			if got := len(readStreamIfAny(t, c, stream)); got != tt.existing {
				t.Errorf("stream has %d events after the conflict, want %d", got, tt.existing)
			}
		})
	}
}

// readStreamIfAny reads a whole stream, empty if it does not exist.
func readStreamIfAny(t *testing.T, c *esdb.Client, stream string) []*esdb.ResolvedEvent {
	t.Helper()
	rs, err := c.ReadStream(testContext(t), stream, esdb.ReadStreamOptions{}, 1000)
	if err != nil {
		t.Fatalf("ReadStream: %v", err)
	}
	evs, err := collect(rs)
	var esErr *esdb.Error
	if errors.As(err, &esErr) && esErr.Code() == esdb.ErrorCodeResourceNotFound {
		return nil
	}
	if err != nil {
		t.Fatalf("ReadStream: %v", err)
	}
	return evs
}

func TestAppendRetryIsIdempotent(t *testing.T) {
	tests := []struct {
		name    string
		first   esdb.ExpectedRevision
		retry   esdb.ExpectedRevision
		partial bool // retry only the first two events plus a new one
		wantErr bool
	}{
		{name: "no stream retried", first: esdb.NoStream{}, retry: esdb.NoStream{}},
		{name: "exact retried", first: esdb.Revision(0), retry: esdb.Revision(0)},
		{name: "any retried", first: esdb.Any{}, retry: esdb.Any{}},
		{name: "stream exists retried", first: esdb.StreamExists{}, retry: esdb.StreamExists{}},
		{name: "retried with any after exact", first: esdb.Revision(0), retry: esdb.Any{}},
		{name: "partial retry with exact", first: esdb.Revision(0), retry: esdb.Revision(0), partial: true, wantErr: true},
		{name: "partial retry with any", first: esdb.Any{}, retry: esdb.Any{}, partial: true, wantErr: true},
	}
	_, c := start(t, Config{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stream := "retry-" + string(rune('a'+i))
			if _, ok := tt.first.(esdb.NoStream); !ok {
				mustAppend(t, c, stream, esdb.NoStream{}, jsonEvent("seed", 0))
			}
			batch := events("retried", 3)
			first := mustAppend(t, c, stream, tt.first, batch...)
			mustAppend(t, c, stream, esdb.Any{}, jsonEvent("later", 0)) // the stream moves on

			retried := batch
			if tt.partial {
				retried = append(batch[:2:2], jsonEvent("new", 0))
			}
			before := len(readStreamIfAny(t, c, stream))
			again, err := c.AppendToStream(testContext(t), stream, esdb.AppendToStreamOptions{ExpectedRevision: tt.retry}, retried...)
			if tt.wantErr {
				var esErr *esdb.Error
				if !errors.As(err, &esErr) || esErr.Code() != esdb.ErrorCodeWrongExpectedVersion {
					t.Fatalf("partial retry: %v, want WrongExpectedVersion", err)
				}
			} else {
				if err != nil {
					t.Fatalf("retry: %v", err)
				}
				if *again != *first {
					t.Errorf("retry result %+v, want the first result %+v", *again, *first)
				}
			}
			if after := len(readStreamIfAny(t, c, stream)); after != before {
				t.Errorf("stream grew from %d to %d events on a retry", before, after)
			}
		})
	}
}

func TestAppendNoEventsReportsCurrentRevision(t *testing.T) {
	_, c := start(t, Config{})
	mustAppend(t, c, "empty-append", esdb.NoStream{}, events("e", 3)...)
	res := mustAppend(t, c, "empty-append", esdb.Revision(2))
	if res.NextExpectedVersion != 2 {
		t.Errorf("NextExpectedVersion = %d, want 2", res.NextExpectedVersion)
	}
	_, err := c.AppendToStream(testContext(t), "empty-append", esdb.AppendToStreamOptions{ExpectedRevision: esdb.Revision(5)})
	var esErr *esdb.Error
	if !errors.As(err, &esErr) || esErr.Code() != esdb.ErrorCodeWrongExpectedVersion {
		t.Errorf("empty append with a wrong revision: %v, want WrongExpectedVersion", err)
	}
	if got := len(readStreamIfAny(t, c, "empty-append")); got != 3 {
		t.Errorf("stream has %d events, want 3", got)
	}
}

// rawAppend sends an append with the generated client and returns the
// response, the trailers and the status.
func rawAppend(t *testing.T, srv *Server, msgs ...*api.AppendReq) (*api.AppendResp, metadata.MD, error) {
	t.Helper()
	var trailer metadata.MD
	call, err := rawStreams(t, srv).Append(testContext(t), grpc.Trailer(&trailer))
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	for _, m := range msgs {
		if err := call.Send(m); err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("Send: %v", err)
		}
	}
	resp, err := call.CloseAndRecv()
	return resp, trailer, err
}

func appendOptions(stream string) *api.AppendReq {
	return &api.AppendReq{Content: &api.AppendReq_Options_{Options: &api.AppendReq_Options{
		StreamIdentifier:       &shared.StreamIdentifier{StreamName: []byte(stream)},
		ExpectedStreamRevision: &api.AppendReq_Options_Any{Any: &shared.Empty{}},
	}}}
}

func proposedMessage(md map[string]string, data []byte) *api.AppendReq {
	return &api.AppendReq{Content: &api.AppendReq_ProposedMessage_{ProposedMessage: &api.AppendReq_ProposedMessage{
		Id:       &shared.UUID{Value: &shared.UUID_String_{String_: uuid.NewString()}},
		Metadata: md,
		Data:     data,
	}}}
}

func TestAppendRejectsMalformedEvents(t *testing.T) {
	tests := []struct {
		name          string
		maxAppendSize int
		msgs          []*api.AppendReq
		wantCode      codes.Code
		wantException string
	}{
		{
			name:          "missing type",
			msgs:          []*api.AppendReq{appendOptions("bad"), proposedMessage(map[string]string{"content-type": "application/json"}, nil)},
			wantCode:      codes.InvalidArgument,
			wantException: "missing-required-metadata-property",
		},
		{
			name:          "missing content type after a good event",
			msgs:          []*api.AppendReq{appendOptions("bad"), proposedMessage(map[string]string{"type": "t", "content-type": "application/json"}, nil), proposedMessage(map[string]string{"type": "t"}, nil)},
			wantCode:      codes.InvalidArgument,
			wantException: "missing-required-metadata-property",
		},
		{
			name:          "append too large",
			maxAppendSize: 10,
			msgs:          []*api.AppendReq{appendOptions("bad"), proposedMessage(map[string]string{"type": "t", "content-type": "application/json"}, []byte("0123456789"))},
			wantCode:      codes.InvalidArgument,
			wantException: "maximum-append-size-exceeded",
		},
		{
			name:     "no options first",
			msgs:     []*api.AppendReq{proposedMessage(map[string]string{"type": "t", "content-type": "application/json"}, nil)},
			wantCode: codes.InvalidArgument,
		},
		{
			name:     "empty stream name",
			msgs:     []*api.AppendReq{appendOptions(""), proposedMessage(map[string]string{"type": "t", "content-type": "application/json"}, nil)},
			wantCode: codes.InvalidArgument,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := start(t, Config{MaxAppendSize: tt.maxAppendSize})
			_, trailer, err := rawAppend(t, srv, tt.msgs...)
			if status.Code(err) != tt.wantCode {
				t.Fatalf("status %v, want %v", err, tt.wantCode)
			}
			if got := trailer.Get("exception"); tt.wantException != "" && (len(got) != 1 || got[0] != tt.wantException) {
				t.Errorf("exception trailer %q, want %q", got, tt.wantException)
			}
			if tt.wantException == "missing-required-metadata-property" {
				if got := trailer.Get("required-metadata-properties"); len(got) != 1 || got[0] != "type,content-type" {
					t.Errorf("required-metadata-properties trailer %q", got)
				}
			}
			if got := readStreamIfAny(t, c, "bad"); len(got) != 0 {
				t.Errorf("the rejected append wrote %d events", len(got))
			}
		})
	}
}

func TestAppendWithRealClientRejectsEmptyType(t *testing.T) {
	_, c := start(t, Config{})
	_, err := c.AppendToStream(testContext(t), "no-type", esdb.AppendToStreamOptions{}, esdb.EventData{ContentType: esdb.ContentTypeJson, Data: []byte(`{}`)})
	if err == nil {
		t.Fatal("append of an event without a type succeeded")
	}
	if got := readStreamIfAny(t, c, "no-type"); len(got) != 0 {
		t.Errorf("the rejected append wrote %d events", len(got))
	}
}

func TestStreamExistsPassesWhenOnlyMetadataExists(t *testing.T) {
	_, c := start(t, Config{})
	if _, err := c.SetStreamMetadata(testContext(t), "configured", esdb.AppendToStreamOptions{}, esdb.StreamMetadata{}); err != nil {
		t.Fatalf("SetStreamMetadata: %v", err)
	}
	res := mustAppend(t, c, "configured", esdb.StreamExists{}, jsonEvent("first", 0))
	if res.NextExpectedVersion != 0 {
		t.Errorf("NextExpectedVersion = %d, want 0", res.NextExpectedVersion)
	}
}
