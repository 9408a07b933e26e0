package boards

import (
	"errors"
	"fmt"

	"github.com/jointops/jointops/domain"
)

// Errors of the boards. Wrapped errors carry details; test with errors.Is.
var (
	// ErrNotFound: there is no board of this operation that the viewer may
	// see — the operation does not exist, or the viewer's agency does not
	// take part in it. The two are indistinguishable on purpose. It is
	// also a domain.ErrNotFound.
	ErrNotFound = fmt.Errorf("boards: no such board: %w", domain.ErrNotFound)
	// ErrSlow: the subscriber's queue was full when a frame was due, so it
	// was cut; the error names the last position it was sent.
	ErrSlow = errors.New("boards: slow consumer")
	// ErrClosed: the subscription was closed, or its context ended.
	ErrClosed = errors.New("boards: subscription closed")
	// ErrReset: the boards were emptied for a rebuild, so the feed ended;
	// subscribe again (resuming after the last position received).
	ErrReset = errors.New("boards: boards reset")
)

// SlowError is the error of a subscriber cut for being slow: it Is ErrSlow
// and names the position of the last frame queued for the subscriber.
type SlowError struct {
	// Position is the position of the last frame queued before the cut
	// ("" when none was). Frames still queued are delivered on C before it
	// closes: a transport that writes them all may tell its client to
	// resume after Position; one that stops writing must name the last
	// position it wrote instead.
	Position string
}

func (e *SlowError) Error() string {
	if e.Position == "" {
		return ErrSlow.Error() + ": no frame was queued"
	}
	return ErrSlow.Error() + ": resume after " + e.Position
}

// Is makes errors.Is(err, ErrSlow) true.
func (e *SlowError) Is(target error) bool { return target == ErrSlow }
