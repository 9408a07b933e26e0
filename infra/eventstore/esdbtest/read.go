package esdbtest

import (
	"math"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// readBatch is how many events a read copies from the log per lock
// acquisition.
const readBatch = 256

// readRequest is a decoded, validated Read call.
type readRequest struct {
	opts         *api.ReadReq_Options
	uuidAsString bool
	resolveLinks bool
	filter       *filter
	// compatibility is the client's control option: from 1 on, stream reads
	// also report the stream's first and last positions.
	compatibility uint32
}

// Read serves reads and subscriptions, which share the RPC: the count
// option selects a read of at most count events, the subscription option a
// catch-up subscription.
func (svc *streamsService) Read(req *api.ReadReq, stream api.Streams_ReadServer) error {
	opts := req.GetOptions()
	if opts == nil {
		return invalidArgument("'options' is a required argument")
	}
	if opts.GetUuidOption() == nil {
		return invalidArgument("'uuidOption' is a required argument")
	}
	f, err := parseFilter(opts)
	if err != nil {
		return err
	}
	r := readRequest{
		opts:          opts,
		resolveLinks:  opts.GetResolveLinks(),
		filter:        f,
		compatibility: opts.GetControlOption().GetCompatibility(),
	}
	_, r.uuidAsString = opts.GetUuidOption().GetContent().(*api.ReadReq_Options_UUIDOption_String_)
	forwards := opts.GetReadDirection() == api.ReadReq_Options_Forwards

	switch count := opts.GetCountOption().(type) {
	case *api.ReadReq_Options_Count:
		switch so := opts.GetStreamOption().(type) {
		case *api.ReadReq_Options_Stream:
			if f == nil {
				return svc.readStream(stream, r, so.Stream, count.Count, forwards)
			}
		case *api.ReadReq_Options_All:
			return svc.readAll(stream, r, so.All, count.Count, forwards)
		}
	case *api.ReadReq_Options_Subscription:
		if !forwards {
			break
		}
		switch so := opts.GetStreamOption().(type) {
		case *api.ReadReq_Options_Stream:
			if f == nil {
				return svc.subscribeStream(stream, r, so.Stream)
			}
		case *api.ReadReq_Options_All:
			return svc.subscribeAll(stream, r, so.All)
		}
	}
	return invalidCombination(opts)
}

// invalidCombination is the server's answer to option combinations it does
// not serve, such as a filtered stream read or a backwards subscription.
func invalidCombination(opts *api.ReadReq_Options) error {
	streamOpt, countOpt, filterOpt := "None", "None", "None"
	switch opts.GetStreamOption().(type) {
	case *api.ReadReq_Options_Stream:
		streamOpt = "Stream"
	case *api.ReadReq_Options_All:
		streamOpt = "All"
	}
	switch opts.GetCountOption().(type) {
	case *api.ReadReq_Options_Count:
		countOpt = "Count"
	case *api.ReadReq_Options_Subscription:
		countOpt = "Subscription"
	}
	switch opts.GetFilterOption().(type) {
	case *api.ReadReq_Options_Filter:
		filterOpt = "Filter"
	case *api.ReadReq_Options_NoFilter:
		filterOpt = "NoFilter"
	}
	return invalidArgument("The combination of (%s, %s, %s, %s) is invalid.", streamOpt, countOpt, opts.GetReadDirection(), filterOpt)
}

// readStream reads up to count events of one stream. A stream without
// events yields a single stream_not_found message, which clients surface on
// their first Recv.
func (svc *streamsService) readStream(stream api.Streams_ReadServer, r readRequest, so *api.ReadReq_Options_StreamOptions, count uint64, forwards bool) error {
	name := string(so.GetStreamIdentifier().GetStreamName())
	l := svc.srv.log
	last := l.streamLast(name)
	if last < 0 {
		return stream.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{StreamNotFound: &api.ReadResp_StreamNotFound{
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(name)},
		}}})
	}
	var start uint64
	switch rev := so.GetRevisionOption().(type) {
	case *api.ReadReq_Options_StreamOptions_Revision:
		start = rev.Revision
	case *api.ReadReq_Options_StreamOptions_Start:
		start = 0
	case *api.ReadReq_Options_StreamOptions_End:
		start = math.MaxUint64
	default:
		return invalidArgument("read: stream revision option is required")
	}

	sent := uint64(0)
	if forwards {
		next := start
		first := true
		for sent < count {
			b := l.streamForward(name, next, int(min(count-sent, readBatch)), r.resolveLinks)
			if first && len(b.items) == 0 && r.compatibility >= 1 && start != uint64(last)+1 {
				if err := sendStreamPosition(stream, true, uint64(last)+1); err != nil {
					return err
				}
			}
			first = false
			if len(b.items) == 0 {
				break
			}
			if err := sendItems(stream, b.items, r.uuidAsString); err != nil {
				return err
			}
			sent += uint64(len(b.items))
			next = uint64(b.next)
		}
	} else {
		from := int64(min(start, uint64(math.MaxInt64)))
		for sent < count && from >= 0 {
			b := l.streamBackward(name, from, int(min(count-sent, readBatch)), r.resolveLinks)
			if err := sendItems(stream, b.items, r.uuidAsString); err != nil {
				return err
			}
			sent += uint64(len(b.items))
			from = int64(b.next)
		}
	}
	if r.compatibility >= 1 {
		return sendStreamPosition(stream, false, uint64(l.streamLast(name)))
	}
	return nil
}

// sendStreamPosition sends the first or last stream position message of a
// stream read, which only clients asking for compatibility ≥ 1 understand.
func sendStreamPosition(stream api.Streams_ReadServer, first bool, rev uint64) error {
	if first {
		return stream.Send(&api.ReadResp{Content: &api.ReadResp_FirstStreamPosition{FirstStreamPosition: rev}})
	}
	return stream.Send(&api.ReadResp{Content: &api.ReadResp_LastStreamPosition{LastStreamPosition: rev}})
}

// readAll reads up to count events of $all, filtered if asked. Forwards
// reads include the event at the given position, backwards reads start
// before it.
func (svc *streamsService) readAll(stream api.Streams_ReadServer, r readRequest, ao *api.ReadReq_Options_AllOptions, count uint64, forwards bool) error {
	l := svc.srv.log
	var idx int
	switch p := ao.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_Start:
		idx = 0
	case *api.ReadReq_Options_AllOptions_End:
		idx = l.size()
	case *api.ReadReq_Options_AllOptions_Position:
		pos := position{commit: p.Position.GetCommitPosition(), prepare: p.Position.GetPreparePosition()}
		if pos.commit < pos.prepare {
			return invalidPosition()
		}
		idx = l.readAllFrom(pos)
	default:
		return invalidArgument("read: $all position option is required")
	}

	sent := uint64(0)
	for sent < count {
		var b batch
		if forwards {
			b = l.allForward(idx, readBatch, r.resolveLinks)
		} else {
			b = l.allBackward(idx, readBatch, r.resolveLinks)
		}
		if len(b.items) == 0 {
			return nil
		}
		idx = b.next
		items := b.items
		if r.filter != nil {
			items = items[:0]
			for _, it := range b.items {
				if r.filter.match(&it.rec) {
					items = append(items, it)
				}
			}
		}
		items = items[:min(uint64(len(items)), count-sent)]
		if err := sendItems(stream, items, r.uuidAsString); err != nil {
			return err
		}
		sent += uint64(len(items))
	}
	return nil
}

func sendItems(stream api.Streams_ReadServer, items []item, uuidAsString bool) error {
	for _, it := range items {
		if err := stream.Send(readEvent(it, uuidAsString)); err != nil {
			return err
		}
	}
	return nil
}
