package esdbtest

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestReadMissingStreamIsNotFoundOnFirstRecv(t *testing.T) {
	_, c := start(t, Config{})
	for _, dir := range []esdb.Direction{esdb.Forwards, esdb.Backwards} {
		rs, err := c.ReadStream(testContext(t), "nowhere", esdb.ReadStreamOptions{Direction: dir}, 10)
		if err != nil {
			t.Fatalf("ReadStream: %v (want the error on Recv)", err)
		}
		_, err = rs.Recv()
		rs.Close()
		var esErr *esdb.Error
		if !errors.As(err, &esErr) || esErr.Code() != esdb.ErrorCodeResourceNotFound {
			t.Errorf("direction %v: Recv: %v, want ErrorCodeResourceNotFound", dir, err)
		}
	}
}

func revisions(evs []*esdb.ResolvedEvent) []uint64 {
	out := make([]uint64, len(evs))
	for i, e := range evs {
		out[i] = e.OriginalEvent().EventNumber
	}
	return out
}

func equalRevisions(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReadStreamDirectionsAndBounds(t *testing.T) {
	_, c := start(t, Config{})
	mustAppend(t, c, "dirs", esdb.NoStream{}, events("e", 5)...)
	tests := []struct {
		name  string
		opts  esdb.ReadStreamOptions
		count uint64
		want  []uint64
	}{
		{name: "forwards from start", opts: esdb.ReadStreamOptions{}, count: 10, want: []uint64{0, 1, 2, 3, 4}},
		{name: "forwards limited", opts: esdb.ReadStreamOptions{From: esdb.Revision(1)}, count: 2, want: []uint64{1, 2}},
		{name: "forwards past the end", opts: esdb.ReadStreamOptions{From: esdb.Revision(9)}, count: 10, want: []uint64{}},
		{name: "forwards from end", opts: esdb.ReadStreamOptions{From: esdb.End{}}, count: 10, want: []uint64{}},
		{name: "backwards from end", opts: esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, count: 10, want: []uint64{4, 3, 2, 1, 0}},
		{name: "backwards from revision, inclusive", opts: esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Revision(2)}, count: 10, want: []uint64{2, 1, 0}},
		{name: "backwards limited", opts: esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.End{}}, count: 2, want: []uint64{4, 3}},
		{name: "backwards from past the end", opts: esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Revision(99)}, count: 2, want: []uint64{4, 3}},
		{name: "backwards from start", opts: esdb.ReadStreamOptions{Direction: esdb.Backwards, From: esdb.Start{}}, count: 10, want: []uint64{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := revisions(readStream(t, c, "dirs", tt.opts, tt.count)); !equalRevisions(got, tt.want) {
				t.Errorf("revisions %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadAllDirectionsAndPositions(t *testing.T) {
	_, c := start(t, Config{})
	mustAppend(t, c, "all-a", esdb.NoStream{}, events("e", 3)...)
	mustAppend(t, c, "all-b", esdb.NoStream{}, events("e", 2)...)
	all := readAll(t, c, esdb.ReadAllOptions{}, 1000)
	if len(all) != len(userEvents(all))+3 {
		t.Fatalf("$all holds %d events, %d of users: want the 3 system events too", len(all), len(userEvents(all)))
	}
	mid := all[4].OriginalEvent().Position

	fwd := readAll(t, c, esdb.ReadAllOptions{From: mid}, 2)
	if len(fwd) != 2 || fwd[0].OriginalEvent().Position != mid {
		t.Errorf("forwards from %v: first at %v, want the event at the position itself", mid, fwd[0].OriginalEvent().Position)
	}
	back := readAll(t, c, esdb.ReadAllOptions{Direction: esdb.Backwards, From: mid}, 1000)
	if len(back) != 4 || back[0].OriginalEvent().Position != all[3].OriginalEvent().Position {
		t.Errorf("backwards from %v: %d events, want the 4 before it", mid, len(back))
	}
	end := readAll(t, c, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.End{}}, 1000)
	for i := range end {
		if end[i].OriginalEvent().Position != all[len(all)-1-i].OriginalEvent().Position {
			t.Fatalf("backwards from end differs from forwards reversed at %d", i)
		}
	}
	if got := readAll(t, c, esdb.ReadAllOptions{From: esdb.End{}}, 10); len(got) != 0 {
		t.Errorf("forwards from end: %d events, want none", len(got))
	}
	if got := readAll(t, c, esdb.ReadAllOptions{Direction: esdb.Backwards, From: esdb.Start{}}, 10); len(got) != 0 {
		t.Errorf("backwards from start: %d events, want none", len(got))
	}
}

func TestPositionsIncreaseAndAreNotDense(t *testing.T) {
	for _, implicit := range []bool{false, true} {
		name := "explicit commits"
		if implicit {
			name = "implicit commits"
		}
		t.Run(name, func(t *testing.T) {
			_, c := start(t, Config{ImplicitCommits: implicit})
			var results []*esdb.WriteResult
			for i := range 4 {
				results = append(results, mustAppend(t, c, "pos", esdb.Any{}, events("e", i+1)...))
			}
			all := readAll(t, c, esdb.ReadAllOptions{}, 1000)
			for i := 1; i < len(all); i++ {
				prev, cur := all[i-1].OriginalEvent().Position, all[i].OriginalEvent().Position
				if !less(prev, cur) {
					t.Fatalf("position %v does not follow %v", cur, prev)
				}
				if cur.Prepare-prev.Prepare < 2 {
					t.Errorf("prepare positions %d and %d look like a counter", prev.Prepare, cur.Prepare)
				}
				if cur.Prepare > cur.Commit {
					t.Errorf("prepare %d after commit %d", cur.Prepare, cur.Commit)
				}
			}
			if first := all[0].OriginalEvent().Position; first.Prepare == 0 {
				t.Errorf("first event at %v: the log should start after its epoch record", first)
			}
			user := userEvents(all)
			last := user[len(user)-1].OriginalEvent().Position
			lastAppend := results[len(results)-1]
			batch := user[len(user)-4:]
			for _, e := range batch {
				p := e.OriginalEvent().Position
				if implicit != (p.Commit == p.Prepare) {
					t.Errorf("event at %v: commit == prepare is %v, want %v", p, p.Commit == p.Prepare, implicit)
				}
				if !implicit && p.Commit != lastAppend.CommitPosition {
					t.Errorf("event at %v: want the append's shared commit %d", p, lastAppend.CommitPosition)
				}
			}
			if lastAppend.CommitPosition != lastAppend.PreparePosition || lastAppend.CommitPosition < last.Commit {
				t.Errorf("append result %d/%d, want commit == prepare, not before %v", lastAppend.CommitPosition, lastAppend.PreparePosition, last)
			}
		})
	}
}

func TestReadResolvesLinks(t *testing.T) {
	_, c := start(t, Config{})
	mustAppend(t, c, "linked", esdb.NoStream{}, events("e", 2)...)
	mustAppend(t, c, "links", esdb.NoStream{},
		esdb.EventData{EventType: "$>", ContentType: esdb.ContentTypeBinary, Data: []byte("1@linked")},
		esdb.EventData{EventType: "$>", ContentType: esdb.ContentTypeBinary, Data: []byte("7@linked")})

	resolved := readStream(t, c, "links", esdb.ReadStreamOptions{ResolveLinkTos: true}, 10)
	if resolved[0].Link == nil || resolved[0].Event == nil || resolved[0].Event.StreamID != "linked" || resolved[0].Event.EventNumber != 1 {
		t.Errorf("resolved link: %+v", resolved[0])
	}
	if resolved[0].OriginalEvent().StreamID != "links" {
		t.Errorf("original event of a link is in %s, want links", resolved[0].OriginalEvent().StreamID)
	}
	if resolved[1].Event != nil || resolved[1].Link == nil {
		t.Errorf("broken link: %+v, want only the link", resolved[1])
	}
	plain := readStream(t, c, "links", esdb.ReadStreamOptions{}, 10)
	if plain[0].Link != nil || plain[0].Event.EventType != "$>" {
		t.Errorf("unresolved link: %+v", plain[0])
	}
}

// rawRead runs a read with the generated client and returns every message.
func rawRead(t *testing.T, srv *Server, opts *api.ReadReq_Options) ([]*api.ReadResp, error) {
	t.Helper()
	call, err := rawStreams(t, srv).Read(testContext(t), &api.ReadReq{Options: opts})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	var out []*api.ReadResp
	for {
		m, err := call.Recv()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		out = append(out, m)
	}
}

func streamReadOptions(stream string, count uint64) *api.ReadReq_Options {
	return &api.ReadReq_Options{
		StreamOption: &api.ReadReq_Options_Stream{Stream: &api.ReadReq_Options_StreamOptions{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(stream)},
			RevisionOption:   &api.ReadReq_Options_StreamOptions_Start{Start: &shared.Empty{}},
		}},
		CountOption:  &api.ReadReq_Options_Count{Count: count},
		FilterOption: &api.ReadReq_Options_NoFilter{NoFilter: &shared.Empty{}},
		UuidOption:   &api.ReadReq_Options_UUIDOption{Content: &api.ReadReq_Options_UUIDOption_Structured{Structured: &shared.Empty{}}},
	}
}

func TestReadProtocolOptions(t *testing.T) {
	srv, c := start(t, Config{})
	in := mustAppendIDs(t, c, "proto", 3)

	t.Run("uuid as string", func(t *testing.T) {
		opts := streamReadOptions("proto", 10)
		opts.UuidOption = &api.ReadReq_Options_UUIDOption{Content: &api.ReadReq_Options_UUIDOption_String_{String_: &shared.Empty{}}}
		msgs, err := rawRead(t, srv, opts)
		if err != nil || len(msgs) != 3 {
			t.Fatalf("read: %d messages, %v", len(msgs), err)
		}
		for i, m := range msgs {
			if got := m.GetEvent().GetEvent().GetId().GetString_(); got != in[i].String() {
				t.Errorf("event %d id %q, want %q", i, got, in[i])
			}
		}
	})
	t.Run("compatibility 1 reports the last stream position", func(t *testing.T) {
		opts := streamReadOptions("proto", 10)
		opts.ControlOption = &api.ReadReq_Options_ControlOption{Compatibility: 1}
		msgs, err := rawRead(t, srv, opts)
		if err != nil || len(msgs) != 4 {
			t.Fatalf("read: %d messages, %v; want 3 events and the last position", len(msgs), err)
		}
		if last, ok := msgs[3].Content.(*api.ReadResp_LastStreamPosition); !ok || last.LastStreamPosition != 2 {
			t.Errorf("last message %v, want last_stream_position 2", msgs[3])
		}
	})
	t.Run("without compatibility only events", func(t *testing.T) {
		msgs, err := rawRead(t, srv, streamReadOptions("proto", 10))
		if err != nil || len(msgs) != 3 {
			t.Fatalf("read: %d messages, %v; want exactly the 3 events", len(msgs), err)
		}
	})

	invalid := []struct {
		name   string
		change func(*api.ReadReq_Options)
		want   string
	}{
		{name: "filtered stream read", change: func(o *api.ReadReq_Options) {
			o.FilterOption = &api.ReadReq_Options_Filter{Filter: &api.ReadReq_Options_FilterOptions{
				Filter: &api.ReadReq_Options_FilterOptions_EventType{EventType: &api.ReadReq_Options_FilterOptions_Expression{Prefix: []string{"e"}}},
				Window: &api.ReadReq_Options_FilterOptions_Count{Count: &shared.Empty{}},
			}}
		}, want: "combination"},
		{name: "backwards subscription", change: func(o *api.ReadReq_Options) {
			o.CountOption = &api.ReadReq_Options_Subscription{Subscription: &api.ReadReq_Options_SubscriptionOptions{}}
			o.ReadDirection = api.ReadReq_Options_Backwards
		}, want: "combination"},
		{name: "no uuid option", change: func(o *api.ReadReq_Options) { o.UuidOption = nil }, want: "uuidOption"},
		{name: "invalid position", change: func(o *api.ReadReq_Options) {
			o.StreamOption = &api.ReadReq_Options_All{All: &api.ReadReq_Options_AllOptions{AllOption: &api.ReadReq_Options_AllOptions_Position{
				Position: &api.ReadReq_Options_Position{CommitPosition: 10, PreparePosition: 20},
			}}}
		}, want: "invalid position"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			opts := streamReadOptions("proto", 10)
			tt.change(opts)
			_, err := rawRead(t, srv, opts)
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("read: %v, want InvalidArgument about %q", err, tt.want)
			}
		})
	}
}

// mustAppendIDs appends n events to a new stream and returns their IDs.
func mustAppendIDs(t *testing.T, c *esdb.Client, stream string, n int) []uuid.UUID {
	t.Helper()
	evs := events("e", n)
	mustAppend(t, c, stream, esdb.NoStream{}, evs...)
	ids := make([]uuid.UUID, n)
	for i, e := range evs {
		ids[i] = e.EventID
	}
	return ids
}

func TestServerFeaturesAndDiscovery(t *testing.T) {
	srv, c := start(t, Config{ServerVersion: "23.10.1"})
	v, err := c.GetServerVersion()
	if err != nil {
		t.Fatalf("GetServerVersion: %v", err)
	}
	if *v != (esdb.ServerVersion{Major: 23, Minor: 10, Patch: 1}) {
		t.Errorf("server version %+v, want 23.10.1", *v)
	}
	discovered := connect(t, "esdb+discover://"+srv.Addr()+"?tls=false&maxDiscoverAttempts=1")
	mustAppend(t, discovered, "via-gossip", esdb.NoStream{}, jsonEvent("e", 0))
	if got := len(readStream(t, c, "via-gossip", esdb.ReadStreamOptions{}, 10)); got != 1 {
		t.Errorf("read %d events appended through discovery, want 1", got)
	}
}
