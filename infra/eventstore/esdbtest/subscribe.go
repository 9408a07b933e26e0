package esdbtest

import (
	"context"
	"log/slog"
	"math"

	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
)

// subscriptionBatch is how many events a subscription copies from the log
// per lock acquisition.
const subscriptionBatch = 128

// subscribeStream serves a catch-up subscription to one stream, from after
// the given revision (inclusive of revision 0 for Start, only new events for
// End). A stream without events is no error: the subscription is caught up
// at once and waits for the stream's first event.
func (svc *streamsService) subscribeStream(stream api.Streams_ReadServer, r readRequest, so *api.ReadReq_Options_StreamOptions) error {
	name := string(so.GetStreamIdentifier().GetStreamName())
	l := svc.srv.log
	l.watchStream(name)
	var next uint64
	switch rev := so.GetRevisionOption().(type) {
	case *api.ReadReq_Options_StreamOptions_Start:
		next = 0
	case *api.ReadReq_Options_StreamOptions_End:
		next = uint64(l.streamLast(name) + 1)
	case *api.ReadReq_Options_StreamOptions_Revision:
		if rev.Revision == math.MaxUint64 {
			next = uint64(l.streamLast(name) + 1)
		} else {
			next = rev.Revision + 1
		}
	default:
		return invalidArgument("subscribe: stream revision option is required")
	}
	return svc.pump(stream, r, "stream "+name, func() batch {
		b := l.streamForward(name, next, subscriptionBatch, r.resolveLinks)
		next = uint64(b.next)
		return b
	})
}

// subscribeAll serves a catch-up subscription to $all, from after the given
// position (from the first event for Start, only new events for End).
func (svc *streamsService) subscribeAll(stream api.Streams_ReadServer, r readRequest, ao *api.ReadReq_Options_AllOptions) error {
	if r.filter != nil && r.filter.checkpointInterval <= 0 {
		return invalidArgument("subscribe: checkpoint interval multiplier must be at least 1")
	}
	l := svc.srv.log
	var next int
	switch p := ao.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_Start:
		next = 0
	case *api.ReadReq_Options_AllOptions_End:
		next = l.subscribeAllFrom(position{}, true)
	case *api.ReadReq_Options_AllOptions_Position:
		pos := position{commit: p.Position.GetCommitPosition(), prepare: p.Position.GetPreparePosition()}
		if pos.commit < pos.prepare {
			return invalidPosition()
		}
		next = l.subscribeAllFrom(pos, false)
	default:
		return invalidArgument("subscribe: $all position option is required")
	}
	return svc.pump(stream, r, "$all", func() batch {
		b := l.allForward(next, subscriptionBatch, r.resolveLinks)
		next = b.next
		return b
	})
}

// pump confirms the subscription, then sends what read returns page after
// page: the catch-up events, caught_up once the head of the log is reached,
// then live events as appends wake it up. Every event comes from the log in
// log order, so the hand-over from catch-up to live can neither skip nor
// repeat one; a subscriber slower than the writers just reads further behind
// the head and never holds up an append. Filtered subscriptions get a
// checkpoint after each checkpoint interval of considered events.
func (svc *streamsService) pump(stream api.Streams_ReadServer, r readRequest, target string, read func() batch) error {
	ctx, release, err := svc.srv.trackSubscription(stream.Context())
	if err != nil {
		return err
	}
	defer release()
	id := uuid.NewString()
	logger := svc.srv.cfg.Logger.With(slog.String("subscription", id), slog.String("target", target))
	logger.Debug("esdbtest: subscription started")
	if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_Confirmation{
		Confirmation: &api.ReadResp_SubscriptionConfirmation{SubscriptionId: id},
	}}); err != nil {
		return err
	}

	caughtUp := false
	considered := 0
	for {
		b := read()
		if len(b.items) == 0 {
			if !caughtUp {
				caughtUp = true
				if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_CaughtUp_{CaughtUp: &api.ReadResp_CaughtUp{}}}); err != nil {
					return err
				}
			}
			select {
			case <-b.wait:
				continue
			case <-ctx.Done():
				logger.Debug("esdbtest: subscription ended", slog.Any("cause", context.Cause(ctx)))
				return endedStatus(ctx)
			}
		}
		if caughtUp && svc.srv.cfg.FellBehindAfter > 0 && b.behind+len(b.items) > svc.srv.cfg.FellBehindAfter {
			caughtUp = false
			if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_FellBehind_{FellBehind: &api.ReadResp_FellBehind{}}}); err != nil {
				return err
			}
		}
		for _, it := range b.items {
			if ctx.Err() != nil {
				logger.Debug("esdbtest: subscription ended", slog.Any("cause", context.Cause(ctx)))
				return endedStatus(ctx)
			}
			if r.filter == nil || r.filter.match(&it.rec) {
				if err := stream.Send(readEvent(it, r.uuidAsString)); err != nil {
					return err
				}
			}
			if r.filter == nil {
				continue
			}
			if considered++; considered >= r.filter.checkpointInterval {
				considered = 0
				if err := stream.Send(&api.ReadResp{Content: &api.ReadResp_Checkpoint_{Checkpoint: &api.ReadResp_Checkpoint{
					CommitPosition: it.rec.pos.commit, PreparePosition: it.rec.pos.prepare,
				}}}); err != nil {
					return err
				}
			}
		}
	}
}
