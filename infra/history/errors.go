package history

import "errors"

var (
	// ErrUnknownOperation is returned for an operation the index has never
	// seen an event of.
	ErrUnknownOperation = errors.New("history: unknown operation")
	// ErrNotIndexed is returned for a position after the last event the
	// index has folded: history does not know that part of the log yet.
	ErrNotIndexed = errors.New("history: position not indexed yet")
	// ErrBeforeFirstEvent is returned by PositionAt for a time before the
	// operation's first event: its board was empty then.
	ErrBeforeFirstEvent = errors.New("history: before the operation's first event")
	// ErrPartUnavailable is returned when a part of the index that left
	// memory once saved (an index chunk, a board snapshot) cannot be loaded
	// back: no part loader, not saved, unreadable or damaged.
	ErrPartUnavailable = errors.New("history: saved index part unavailable")
)
