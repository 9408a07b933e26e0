package esdb

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/jointops/jointops/infra/eventstore"
)

func TestProtectTurnsPanicsIntoErrors(t *testing.T) {
	tests := []struct {
		name     string
		fn       func() error
		wantGone bool // the client must be rebuilt
	}{
		{name: "unreachable code", fn: func() error { panic("unreachable code") }},
		{name: "send on closed channel", fn: func() error {
			ch := make(chan int)
			close(ch)
			ch <- 1
			return nil
		}, wantGone: true},
		{name: "nil dereference", fn: func() error {
			var r *esdb.RecordedEvent
			_ = r.StreamID
			return nil
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := protect(tc.fn)
			var p *clientPanic
			if !errors.As(err, &p) {
				t.Fatalf("protect() = %v, want a *clientPanic", err)
			}
			if got := translate(t.Context(), "s", err); !errors.Is(got, eventstore.ErrUnavailable) {
				t.Errorf("translate(%v) = %v, want ErrUnavailable", err, got)
			}
			if clientGone(err) != tc.wantGone {
				t.Errorf("clientGone(%v) = %v, want %v", err, !tc.wantGone, tc.wantGone)
			}
		})
	}
	if err := protect(func() error { return nil }); err != nil {
		t.Errorf("protect(no panic) = %v, want nil", err)
	}
}

type panickingReceiver struct{ value any }

func (p panickingReceiver) Recv() *esdb.SubscriptionEvent { panic(p.value) }

func TestReceiveTurnsPanicIntoDrop(t *testing.T) {
	ev := receive(panickingReceiver{value: "unreachable code"})
	if ev == nil || ev.SubscriptionDropped == nil {
		t.Fatalf("receive() = %+v, want a SubscriptionDropped", ev)
	}
	var p *clientPanic
	if !errors.As(ev.SubscriptionDropped.Error, &p) || p.value != "unreachable code" {
		t.Errorf("drop error = %v, want the client's panic", ev.SubscriptionDropped.Error)
	}
	if permanent(translate(t.Context(), "", ev.SubscriptionDropped.Error)) {
		t.Error("a panic counts as permanent; the subscription would not resubscribe")
	}
}

func TestWrongExpectedFromText(t *testing.T) {
	const prefix = "[ErrorCodeWrongExpectedVersion] an append request failed the optimistic concurrency on the server: "
	tests := []struct {
		name         string
		msg          string
		wantExpected eventstore.ExpectedRevision
		wantActual   eventstore.StreamState
	}{
		{"exact vs revision", prefix + "wrong expected version: expecting '4' but got '7'", eventstore.Exact(4), eventstore.StreamState{Exists: true, Revision: 7}},
		{"exact vs no stream", prefix + "wrong expected version: expecting '0' but got 'no_stream'", eventstore.Exact(0), eventstore.StreamState{}},
		{"no stream vs revision", prefix + "wrong expected version: expecting 'no_stream' but got '0'", eventstore.NoStream(), eventstore.StreamState{Exists: true}},
		{"stream exists vs no stream", prefix + "wrong expected version: expecting 'stream_exists' but got 'no_stream'", eventstore.StreamExists(), eventstore.StreamState{}},
		{"any", prefix + "wrong expected version: expecting 'any' but got '3'", eventstore.Any(), eventstore.StreamState{Exists: true, Revision: 3}},
		{"unparseable text keeps the kind", prefix, eventstore.Any(), eventstore.StreamState{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := wrongExpected("op-9", tc.msg)
			if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
				t.Errorf("error %v does not match ErrWrongExpectedRevision", err)
			}
			if err.Stream != "op-9" || err.Expected != tc.wantExpected || err.Actual != tc.wantActual {
				t.Errorf("got stream %q expected %s actual %s, want op-9 %s %s", err.Stream, err.Expected, err.Actual, tc.wantExpected, tc.wantActual)
			}
		})
	}
}

func TestTranslateNonClientErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want error
	}{
		{"nil", t.Context(), nil, nil},
		{"gRPC unavailable", t.Context(), status.Error(codes.Unavailable, "connection refused"), eventstore.ErrUnavailable},
		{"wrapped gRPC deadline", t.Context(), fmt.Errorf("read: %w", status.Error(codes.DeadlineExceeded, "slow")), eventstore.ErrUnavailable},
		{"connection closing under a live context", t.Context(), status.Error(codes.Canceled, "grpc: the client connection is closing"), eventstore.ErrUnavailable},
		{"caller cancelled", cancelled, status.Error(codes.Canceled, "context canceled"), context.Canceled},
		{"append too large", t.Context(), status.Error(codes.InvalidArgument, "Maximum Append Size of 1048576 Exceeded."), eventstore.ErrInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := translate(tc.ctx, "s", tc.err)
			if tc.want == nil {
				if got != nil {
					t.Errorf("translate = %v, want nil", got)
				}
				return
			}
			if !errors.Is(got, tc.want) {
				t.Errorf("translate(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
	if got := translate(t.Context(), "s", status.Error(codes.Internal, "boom")); errors.Is(got, eventstore.ErrUnavailable) || got == nil {
		t.Errorf("translate(internal) = %v, want a plain error, not ErrUnavailable", got)
	}
}
