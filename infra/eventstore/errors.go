package eventstore

import (
	"errors"
	"fmt"
)

// Error kinds of the port. Adapters wrap them, so test with errors.Is.
var (
	// ErrWrongExpectedRevision: the stream was not in the expected state.
	// The concrete error is a *WrongExpectedRevisionError.
	ErrWrongExpectedRevision = errors.New("wrong expected revision")
	// ErrStreamNotFound: the stream has no event.
	ErrStreamNotFound = errors.New("stream not found")
	// ErrDuplicateEventID: an event ID was reused for a different append.
	ErrDuplicateEventID = errors.New("duplicate event id")
	// ErrInvalidArgument: a malformed request (empty stream, bad limit …).
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrClosed: the store or subscription was closed.
	ErrClosed = errors.New("closed")
	// ErrIncompatibleStore: the storage is not a Jointops log, or was written
	// by a newer version.
	ErrIncompatibleStore = errors.New("incompatible store")
	// ErrUnavailable: the backing store cannot be reached right now; the
	// operation may succeed if retried.
	ErrUnavailable = errors.New("event store unavailable")
)

// WrongExpectedRevisionError says which condition failed and what the stream
// actually was.
type WrongExpectedRevisionError struct {
	Stream   string
	Expected ExpectedRevision
	Actual   StreamState
}

func (e *WrongExpectedRevisionError) Error() string {
	return fmt.Sprintf("append to %s: wrong expected revision: expected %s, actual %s",
		e.Stream, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrWrongExpectedRevision) true.
func (e *WrongExpectedRevisionError) Is(target error) bool {
	return target == ErrWrongExpectedRevision
}

// StreamNotFoundError names the missing stream and Is ErrStreamNotFound.
type StreamNotFoundError struct{ Stream string }

func (e *StreamNotFoundError) Error() string { return "stream " + e.Stream + " not found" }

// Is makes errors.Is(err, ErrStreamNotFound) true.
func (e *StreamNotFoundError) Is(target error) bool { return target == ErrStreamNotFound }
