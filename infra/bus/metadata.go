package bus

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// Metadata keys of the envelope. A delivered message carries all of them;
// they overwrite event metadata of the same name. On Publish of a new
// message, MetaEventType and MetaSchemaVersion choose the event's type and
// schema version. A message that was delivered (it carries MetaEventID) is a
// copy of an event of the log: re-publishing it — to a poison topic, by a
// forwarder — appends an event of the publisher's default type, never a
// second event of the original type that a projection could fold twice; its
// envelope is kept under MetaOriginPrefix + key (origin_stream,
// origin_position, origin_event_type …) and its UUID, for events of the log
// the original event ID, is kept as the message UUID.
const (
	// MetaEventID is the event's ID in the log.
	MetaEventID = "event_id"
	// MetaStream is the stream the event belongs to.
	MetaStream = "stream"
	// MetaRevision is the event's revision in its stream, in decimal.
	MetaRevision = "revision"
	// MetaPosition is the event's global position (Position.String);
	// PositionOf parses it. Consumers deduplicate by it.
	MetaPosition = "position"
	// MetaEventType is the event's type.
	MetaEventType = "event_type"
	// MetaSchemaVersion is the event's schema version, in decimal.
	MetaSchemaVersion = "schema_version"
	// MetaRecordedAt is when the log recorded the event, RFC 3339 with
	// nanoseconds, UTC.
	MetaRecordedAt = "recorded_at"
	// MetaMessageUUID is the event-metadata key under which Publish keeps the
	// watermill message UUID; delivery turns it back into the message UUID.
	MetaMessageUUID = "message_uuid"
	// MetaRawMetadata holds the event's metadata verbatim when it is not a
	// JSON object.
	MetaRawMetadata = "metadata"
	// MetaOriginPrefix prefixes the envelope keys of a re-published
	// delivered message.
	MetaOriginPrefix = "origin_"
)

// DefaultEventType is the event type of published messages that do not set
// MetaEventType.
const DefaultEventType = "watermill.message"

// messageIDNamespace is the UUIDv5 namespace of event IDs derived from
// (topic, message UUID).
var messageIDNamespace = uuid.MustParse("6f1c8e2a-4b7d-5c39-9a0e-3d5b8f27c4e1")

// EventID returns the ID of the event that Publish appends for a message
// with the given UUID on topic: a UUIDv5 of both, so that publishing the same
// message to the same topic again is an idempotent retry, while the same
// message may still be published to other topics (a poison queue, a
// forwarder).
func EventID(topic, messageUUID string) uuid.UUID {
	name := make([]byte, 0, binary.MaxVarintLen64+len(topic)+len(messageUUID))
	name = binary.AppendUvarint(name, uint64(len(topic))) // no (topic, UUID) pair shares a name
	name = append(append(name, topic...), messageUUID...)
	return uuid.NewSHA1(messageIDNamespace, name)
}

// envelopeKeys lists the keys set on delivery that Publish does not store
// as they are.
var envelopeKeys = [...]string{MetaEventID, MetaStream, MetaRevision, MetaPosition, MetaEventType, MetaSchemaVersion, MetaRecordedAt}

// toEventData turns a message published on topic into the event to append.
func toEventData(topic string, msg *message.Message, defaultType string) (eventstore.EventData, error) {
	if msg.UUID == "" {
		return eventstore.EventData{}, fmt.Errorf("%w: empty UUID", ErrInvalidMessage)
	}
	ev := eventstore.EventData{
		ID:            EventID(topic, msg.UUID),
		Type:          defaultType,
		SchemaVersion: 1,
		Data:          msg.Payload,
	}
	md := make(map[string]string, len(msg.Metadata)+1)
	for k, v := range msg.Metadata {
		md[k] = v
	}
	for _, k := range envelopeKeys {
		delete(md, k)
	}
	delete(md, MetaRawMetadata)
	if msg.Metadata.Get(MetaEventID) != "" {
		// A copy of an event of the log: keep where it came from, not what
		// it was.
		for _, k := range envelopeKeys {
			if v := msg.Metadata.Get(k); v != "" {
				md[MetaOriginPrefix+k] = v
			}
		}
	} else {
		if t := msg.Metadata.Get(MetaEventType); t != "" {
			ev.Type = t
		}
		if v := msg.Metadata.Get(MetaSchemaVersion); v != "" {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				return eventstore.EventData{}, fmt.Errorf("%w: message %s: %s %q: want an integer ≥ 1", ErrInvalidMessage, msg.UUID, MetaSchemaVersion, v)
			}
			ev.SchemaVersion = uint32(n)
		}
	}
	md[MetaMessageUUID] = msg.UUID
	b, err := json.Marshal(md)
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("%w: message %s: metadata: %w", ErrInvalidMessage, msg.UUID, err)
	}
	ev.Metadata = b
	return ev, nil
}

// toMessage turns a recorded event into a message to deliver. The payload
// is a copy, so that a handler changing it cannot alter a redelivery.
func toMessage(ev eventstore.RecordedEvent) *message.Message {
	md := decodeMetadata(ev.Metadata)
	id := md[MetaMessageUUID]
	delete(md, MetaMessageUUID)
	if id == "" {
		id = ev.ID.String()
	}
	md[MetaEventID] = ev.ID.String()
	md[MetaStream] = ev.Stream
	md[MetaRevision] = strconv.FormatUint(ev.Revision, 10)
	md[MetaPosition] = ev.Position.String()
	md[MetaEventType] = ev.Type
	md[MetaSchemaVersion] = strconv.FormatUint(uint64(ev.SchemaVersion), 10)
	md[MetaRecordedAt] = ev.RecordedAt.UTC().Format(time.RFC3339Nano)
	msg := message.NewMessage(id, bytes.Clone(ev.Data))
	msg.Metadata = md
	return msg
}

// decodeMetadata reads event metadata as a string map: string values as
// they are, other JSON values in their JSON encoding, and anything that is
// not a JSON object verbatim under MetaRawMetadata.
func decodeMetadata(raw []byte) message.Metadata {
	md := make(message.Metadata, 8)
	if len(bytes.TrimSpace(raw)) == 0 {
		return md
	}
	// Fast path: metadata written by Publish, and most envelopes, hold
	// strings only.
	if err := json.Unmarshal(raw, (*map[string]string)(&md)); err == nil && md != nil {
		return md
	}
	md = make(message.Metadata, 8)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		md[MetaRawMetadata] = string(raw)
		return md
	}
	for k, v := range obj {
		var s string
		if len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &s) == nil {
			md[k] = s
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, v) == nil {
			md[k] = buf.String()
		}
	}
	return md
}

// PositionOf returns the log position of a delivered message, the key by
// which consumers make their processing idempotent.
func PositionOf(msg *message.Message) (eventstore.Position, error) {
	s := msg.Metadata.Get(MetaPosition)
	if s == "" {
		return eventstore.Position{}, fmt.Errorf("%w: message %s", ErrNoPosition, msg.UUID)
	}
	p, err := eventstore.ParsePosition(s)
	if err != nil {
		return eventstore.Position{}, fmt.Errorf("%w: message %s: %w", ErrNoPosition, msg.UUID, err)
	}
	return p, nil
}
