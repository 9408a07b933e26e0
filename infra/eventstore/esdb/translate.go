package esdb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/jointops/jointops/infra/eventstore"
)

// discoveryFailedText is the only mark the v4.2.0 client leaves on the error
// of a failed node discovery, after which the client is closed for good.
const discoveryFailedText = "maximum discovery attempt count reached"

// clientPanic is a panic of the client turned into an error at our
// boundary: ReadStream.Recv panics with "unreachable code" on a message kind
// it does not know, and a client closed under a running call panics with
// "send on closed channel".
type clientPanic struct{ value any }

func (p *clientPanic) Error() string { return fmt.Sprintf("EventStoreDB client panicked: %v", p.value) }

// protect runs fn and turns a panic of the client into a *clientPanic.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &clientPanic{value: r}
		}
	}()
	return fn()
}

// translate maps an error of the EventStoreDB client, or of gRPC beneath it,
// to the port's typed errors. It is the one place that interprets client
// errors; stream names the stream of the call ("" for $all).
//
// esdb.FromError is not used: in v4.2.0 it returns ok == true only when err
// is nil, and it does not look through wrapping (AppendToStream wraps with
// %w). errors.As does both right.
func translate(ctx context.Context, stream string, err error) error {
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		// The call failed because the caller gave up; say so in its terms.
		return fmt.Errorf("%w (EventStoreDB: %v)", ctxErr, err)
	}
	var p *clientPanic
	if errors.As(err, &p) {
		return fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	var e *esdb.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case esdb.ErrorCodeWrongExpectedVersion:
			return wrongExpected(stream, e.Error())
		case esdb.ErrorCodeResourceNotFound:
			return &eventstore.StreamNotFoundError{Stream: stream}
		case esdb.ErrorCodeStreamDeleted:
			return fmt.Errorf("%w (deleted on the server)", &eventstore.StreamNotFoundError{Stream: stream})
		case esdb.ErrorCodeConnectionClosed:
			return fmt.Errorf("%w: EventStoreDB client: %w", eventstore.ErrClosed, err)
		case esdb.ErrorUnavailable, esdb.ErrorCodeNotLeader, esdb.ErrorAborted, esdb.ErrorCodeDeadlineExceeded:
			return fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
		case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied, esdb.ErrorCodeUnsupportedFeature:
			return fmt.Errorf("EventStoreDB: %w", err)
		}
		if strings.Contains(e.Error(), discoveryFailedText) {
			return fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
		}
	}
	// Reads return raw gRPC errors when the call cannot start, and the
	// client codes some transport failures as unknown: look at the status.
	switch status.Code(err) {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.ResourceExhausted,
		codes.Canceled: // Canceled with a live ctx: the connection was closed under the call.
		return fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	case codes.InvalidArgument: // e.g. "Maximum Append Size of 1048576 Exceeded."
		return fmt.Errorf("%w: %w", eventstore.ErrInvalidArgument, err)
	}
	return fmt.Errorf("EventStoreDB: %w", err)
}

// wrongExpected rebuilds the condition and the stream's state from the
// client's wrong-expected-version error. v4.2.0 keeps them only in the text
// "expecting '<expected>' but got '<current>'", where expected is any,
// no_stream, stream_exists or a revision and current is no_stream or a
// revision.
func wrongExpected(stream, msg string) *eventstore.WrongExpectedRevisionError {
	out := &eventstore.WrongExpectedRevisionError{Stream: stream}
	_, rest, ok := strings.Cut(msg, "expecting '")
	if !ok {
		return out
	}
	expected, rest, ok := strings.Cut(rest, "' but got '")
	if !ok {
		return out
	}
	current, _, ok := strings.Cut(rest, "'")
	if !ok {
		return out
	}
	switch expected {
	case "any":
		out.Expected = eventstore.Any()
	case "no_stream":
		out.Expected = eventstore.NoStream()
	case "stream_exists":
		out.Expected = eventstore.StreamExists()
	default:
		if n, err := strconv.ParseUint(expected, 10, 64); err == nil {
			out.Expected = eventstore.Exact(n)
		}
	}
	if n, err := strconv.ParseUint(current, 10, 64); err == nil {
		out.Actual = eventstore.StreamState{Exists: true, Revision: n}
	}
	return out
}

// clientGone reports whether err means the client can serve no further
// call and must be rebuilt: it was closed (after a failed discovery, the
// state machine stops for good and every later call fails with
// ConnectionClosed), its discovery just failed, or a call panicked sending
// to a client that was closed under it.
func clientGone(err error) bool {
	var e *esdb.Error
	if errors.As(err, &e) && (e.Code() == esdb.ErrorCodeConnectionClosed || strings.Contains(e.Error(), discoveryFailedText)) {
		return true
	}
	var p *clientPanic
	return errors.As(err, &p) && strings.Contains(fmt.Sprint(p.value), "closed channel")
}

// discoveryFailed reports whether err is the failure of a node discovery,
// which already retried MaxDiscoverAttempts times.
func discoveryFailed(err error) bool {
	var e *esdb.Error
	return errors.As(err, &e) && strings.Contains(e.Error(), discoveryFailedText)
}

// permanent reports whether a translated error will not go away by
// subscribing again.
func permanent(err error) bool {
	if errors.Is(err, eventstore.ErrIncompatibleStore) || errors.Is(err, eventstore.ErrInvalidArgument) {
		return true
	}
	var e *esdb.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case esdb.ErrorCodeUnauthenticated, esdb.ErrorCodeAccessDenied, esdb.ErrorCodeUnsupportedFeature:
			return true
		}
	}
	return false
}
