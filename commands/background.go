package commands

import (
	"context"
	"sync"
)

// background runs work that no command waits for on goroutines of its own,
// at most a fixed number at once, and lets Close wait for them.
type background struct {
	slots chan struct{} // one token per task under way

	mu     sync.Mutex
	closed bool
	tasks  sync.WaitGroup
}

func newBackground(max int) *background {
	return &background{slots: make(chan struct{}, max)}
}

// try starts f on a goroutine of its own and reports true, or reports
// false when as many tasks as allowed are under way, or after close.
func (b *background) try(f func()) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	select {
	case b.slots <- struct{}{}:
	default:
		return false
	}
	b.tasks.Add(1)
	go func() {
		defer func() {
			<-b.slots
			b.tasks.Done()
		}()
		f()
	}()
	return true
}

// close refuses new tasks and waits for those under way, or for ctx.
func (b *background) close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() {
		b.tasks.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
