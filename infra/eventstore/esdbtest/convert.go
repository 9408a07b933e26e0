package esdbtest

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
)

// uuidFromProto decodes an event ID in either wire form: two big-endian
// halves, or the canonical string.
func uuidFromProto(id *shared.UUID) (uuid.UUID, error) {
	switch v := id.GetValue().(type) {
	case *shared.UUID_Structured_:
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[:8], uint64(v.Structured.GetMostSignificantBits()))
		binary.BigEndian.PutUint64(u[8:], uint64(v.Structured.GetLeastSignificantBits()))
		return u, nil
	case *shared.UUID_String_:
		u, err := uuid.Parse(v.String_)
		if err != nil {
			return uuid.Nil, fmt.Errorf("event id %q: %w", v.String_, err)
		}
		return u, nil
	}
	return uuid.Nil, fmt.Errorf("event id missing")
}

// uuidToProto encodes an event ID in the form the read asked for.
func uuidToProto(u uuid.UUID, asString bool) *shared.UUID {
	if asString {
		return &shared.UUID{Value: &shared.UUID_String_{String_: u.String()}}
	}
	return &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
		MostSignificantBits:  int64(binary.BigEndian.Uint64(u[:8])),
		LeastSignificantBits: int64(binary.BigEndian.Uint64(u[8:])),
	}}}
}

// recordedEvent converts a stored record to its wire form. Every event
// carries "type", "content-type" and "created": clients depend on all three.
func recordedEvent(r *record, uuidAsString bool) *api.ReadResp_ReadEvent_RecordedEvent {
	contentType := contentTypeBinary
	if r.json {
		contentType = contentTypeJSON
	}
	return &api.ReadResp_ReadEvent_RecordedEvent{
		Id:               uuidToProto(r.id, uuidAsString),
		StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(r.stream)},
		StreamRevision:   r.revision,
		CommitPosition:   r.pos.commit,
		PreparePosition:  r.pos.prepare,
		Metadata: map[string]string{
			metadataType:        r.eventType,
			metadataContentType: contentType,
			metadataCreated:     strconv.FormatInt(r.created, 10),
		},
		CustomMetadata: r.metadata,
		Data:           r.data,
	}
}

// readEvent converts an item to a ReadResp event message: a resolved link
// carries the target as its event and itself as the link; the commit
// position is always the original record's.
func readEvent(it item, uuidAsString bool) *api.ReadResp {
	ev := &api.ReadResp_ReadEvent{
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: it.rec.pos.commit},
	}
	switch {
	case it.target != nil:
		ev.Event = recordedEvent(it.target, uuidAsString)
		ev.Link = recordedEvent(&it.rec, uuidAsString)
	case it.broken:
		ev.Link = recordedEvent(&it.rec, uuidAsString)
	default:
		ev.Event = recordedEvent(&it.rec, uuidAsString)
	}
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: ev}}
}
