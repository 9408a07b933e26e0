package projector

import "errors"

// Error kinds of the runner. Wrapped errors carry details; test with
// errors.Is.
var (
	// ErrCatchingUp: a projection has not yet reached the head of the log
	// seen when the runner started (see Runner.Ready).
	ErrCatchingUp = errors.New("catching up")
	// ErrNotRunning: the runner is not running (Run not called yet, or it
	// has returned).
	ErrNotRunning = errors.New("projector: not running")
	// ErrAlreadyRunning: Run was called twice.
	ErrAlreadyRunning = errors.New("projector: already running")
	// ErrClosed: the runner or checkpoint store was closed.
	ErrClosed = errors.New("projector: closed")
	// ErrUnknownProjection: no projection of that name is registered.
	ErrUnknownProjection = errors.New("projector: unknown projection")
	// ErrIncompatibleCheckpoints: the checkpoint file is not a Jointops
	// checkpoint file, or was written by a newer version.
	ErrIncompatibleCheckpoints = errors.New("projector: incompatible checkpoint file")
)
