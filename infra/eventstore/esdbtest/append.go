package esdbtest

import (
	"errors"
	"io"
	"log/slog"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
)

// streamsService implements the Streams gRPC service over the server's log.
// Delete, Tombstone and BatchAppend answer Unimplemented.
type streamsService struct {
	api.UnimplementedStreamsServer
	srv *Server
}

// Append handles the client-streaming append: an options message, then one
// proposed message per event. A failure to append is an AppendResp with
// wrong_expected_version; malformed requests fail with the status and
// trailers the server uses.
func (svc *streamsService) Append(stream api.Streams_AppendServer) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if errors.Is(err, io.EOF) {
		return invalidArgument("append: no options message")
	}
	if err != nil {
		return err
	}
	opts := first.GetOptions()
	if opts == nil {
		return invalidArgument("append: the first message must carry the options")
	}
	name := string(opts.GetStreamIdentifier().GetStreamName())
	exp, err := expectationFromProto(opts)
	if err == nil && name == "" {
		err = invalidArgument("append: stream name must not be empty")
	}
	var events []proposed
	size := 0
	for {
		msg, rerr := stream.Recv()
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return rerr
		}
		if err != nil {
			continue // drain the request so that the client reads the status, not EOF
		}
		var e proposed
		e, err = svc.proposedFromProto(stream, msg)
		if err != nil {
			continue
		}
		size += len(e.eventType) + len(e.data) + len(e.metadata)
		if size > svc.srv.cfg.MaxAppendSize {
			err = maxAppendSizeExceeded(ctx, svc.srv.cfg.MaxAppendSize)
			continue
		}
		events = append(events, e)
	}
	if err != nil {
		return err
	}
	res := svc.srv.log.append(name, exp, events, svc.srv.now())
	svc.srv.cfg.Logger.Debug("esdbtest: append", slog.String("stream", name), slog.Int("events", len(events)),
		slog.Bool("ok", res.ok), slog.Int64("last", res.last))
	return stream.SendAndClose(appendResp(res, opts))
}

// proposedFromProto validates one proposed message as the server does: the
// "type" and "content-type" metadata keys are required, and only
// "application/json" counts as JSON.
func (svc *streamsService) proposedFromProto(stream api.Streams_AppendServer, msg *api.AppendReq) (proposed, error) {
	pm := msg.GetProposedMessage()
	if pm == nil {
		return proposed{}, invalidArgument("append: want proposed messages after the options")
	}
	eventType, ok := pm.GetMetadata()[metadataType]
	if !ok {
		return proposed{}, missingMetadata(stream.Context(), metadataType)
	}
	contentType, ok := pm.GetMetadata()[metadataContentType]
	if !ok {
		return proposed{}, missingMetadata(stream.Context(), metadataContentType)
	}
	if eventType == "" {
		return proposed{}, invalidArgument("append: event type must not be empty")
	}
	id, err := uuidFromProto(pm.GetId())
	if err != nil {
		return proposed{}, invalidArgument("append: %v", err)
	}
	data, metadata := pm.GetData(), pm.GetCustomMetadata()
	if data == nil {
		data = []byte{}
	}
	if metadata == nil {
		metadata = []byte{}
	}
	return proposed{id: id, eventType: eventType, json: contentType == contentTypeJSON, data: data, metadata: metadata}, nil
}

func expectationFromProto(opts *api.AppendReq_Options) (expectation, error) {
	switch e := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Any:
		return expectation{kind: expectAny}, nil
	case *api.AppendReq_Options_NoStream:
		return expectation{kind: expectNoStream}, nil
	case *api.AppendReq_Options_StreamExists:
		return expectation{kind: expectStreamExists}, nil
	case *api.AppendReq_Options_Revision:
		return expectation{kind: expectRevision, revision: e.Revision}, nil
	}
	return expectation{}, invalidArgument("append: expected_stream_revision is required")
}

// appendResp builds the response the server sends: success with the last
// revision (no_stream if none) and the commit position, or
// wrong_expected_version in both its current and its 20.6.0 fields.
func appendResp(res appendResult, opts *api.AppendReq_Options) *api.AppendResp {
	empty := &shared.Empty{}
	if res.ok {
		ok := &api.AppendResp_Success{
			PositionOption: &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
				CommitPosition: res.pos.commit, PreparePosition: res.pos.prepare,
			}},
		}
		if res.last < 0 {
			ok.CurrentRevisionOption = &api.AppendResp_Success_NoStream{NoStream: empty}
		} else {
			ok.CurrentRevisionOption = &api.AppendResp_Success_CurrentRevision{CurrentRevision: uint64(res.last)}
		}
		return &api.AppendResp{Result: &api.AppendResp_Success_{Success: ok}}
	}
	w := &api.AppendResp_WrongExpectedVersion{}
	switch e := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Any:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: empty}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_Any_20_6_0{Any_20_6_0: empty}
	case *api.AppendReq_Options_StreamExists:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedStreamExists{ExpectedStreamExists: empty}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_StreamExists_20_6_0{StreamExists_20_6_0: empty}
	case *api.AppendReq_Options_NoStream:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedNoStream{ExpectedNoStream: empty}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: ^uint64(0)}
	case *api.AppendReq_Options_Revision:
		w.ExpectedRevisionOption = &api.AppendResp_WrongExpectedVersion_ExpectedRevision{ExpectedRevision: e.Revision}
		w.ExpectedRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_ExpectedRevision_20_6_0{ExpectedRevision_20_6_0: e.Revision}
	}
	if res.current < 0 {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: empty}
		w.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_NoStream_20_6_0{NoStream_20_6_0: empty}
	} else {
		w.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(res.current)}
		w.CurrentRevisionOption_20_6_0 = &api.AppendResp_WrongExpectedVersion_CurrentRevision_20_6_0{CurrentRevision_20_6_0: uint64(res.current)}
	}
	return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}}
}
