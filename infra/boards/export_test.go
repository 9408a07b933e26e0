package boards

import (
	"context"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
)

// SubscribeInSteps is Subscribe cut where it releases the board's lock to
// encode, so a test can apply events in between: register, then finish.
func SubscribeInSteps(ctx context.Context, b *Boards, op domain.OperationID, viewer marking.Viewer, after string, queue int) (s *Subscription, finish func(), err error) {
	f := b.feed(op)
	s, c, err := f.register(ctx, viewer, after, queue, b.foldedPosition)
	if err != nil {
		return nil, nil, err
	}
	return s, func() {
		frames, err := c.encode(f.op)
		if err != nil {
			panic(err)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if s.err == nil {
			s.release(frames)
		}
	}, nil
}
