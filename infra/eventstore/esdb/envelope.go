package esdb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/jointops/jointops/infra/eventstore"
)

// envelopeVersion is the version of the metadata envelope this package
// writes and the newest it reads.
const envelopeVersion = 1

// envelope is what the adapter keeps in an EventStoreDB event's custom
// metadata besides the caller's metadata: see the package documentation for
// the format.
type envelope struct {
	SchemaVersion uint32          `json:"v"`
	Hash          string          `json:"h"`
	Index         int             `json:"i"`
	Count         int             `json:"n"`
	Namespace     string          `json:"ns,omitempty"`
	Meta          json.RawMessage `json:"m,omitempty"`
	MetaBytes     *string         `json:"mb,omitempty"`
}

// errForeign marks an event that another writer stored: it carries no
// Jointops envelope. ReadAll and subscriptions skip such events.
var errForeign = errors.New("not a Jointops event")

// encodeMetadata builds the envelope of the event at index i of an append
// of n events. It writes the JSON by hand: encoding/json would compact and
// HTML-escape an embedded json.RawMessage, changing the caller's bytes, and
// the chain link covers them exactly.
func encodeMetadata(ns string, e eventstore.EventData, link eventstore.Hash, i, n int) []byte {
	var b bytes.Buffer
	b.Grow(len(e.Metadata) + 128)
	b.WriteString(`{"jointops":`)
	b.WriteString(strconv.Itoa(envelopeVersion))
	b.WriteString(`,"v":`)
	b.WriteString(strconv.FormatUint(uint64(e.SchemaVersion), 10))
	b.WriteString(`,"h":"`)
	b.WriteString(link.String())
	b.WriteString(`","i":`)
	b.WriteString(strconv.Itoa(i))
	b.WriteString(`,"n":`)
	b.WriteString(strconv.Itoa(n))
	if ns != "" {
		b.WriteString(`,"ns":`)
		b.WriteString(strconv.Quote(ns))
	}
	switch {
	case len(e.Metadata) == 0:
	case embeddable(e.Metadata):
		b.WriteString(`,"m":`)
		b.Write(e.Metadata)
	default:
		b.WriteString(`,"mb":"`)
		b.WriteString(base64.StdEncoding.EncodeToString(e.Metadata))
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.Bytes()
}

// embeddable reports whether metadata can sit in the envelope as raw JSON
// and come back byte for byte: a compact JSON object or array. Anything else
// (indented JSON, scalars, binary) travels base64-encoded.
func embeddable(m []byte) bool {
	if m[0] != '{' && m[0] != '[' {
		return false
	}
	var c bytes.Buffer
	if err := json.Compact(&c, m); err != nil {
		return false
	}
	return bytes.Equal(c.Bytes(), m)
}

// toProposed turns the events of one append into the client's EventData,
// each with its chain link in the envelope. prev is the link of the stream's
// last event (zero for a new stream) and next the revision of the first
// event. It returns the link of the last event.
func toProposed(ns, stream string, prev eventstore.Hash, next uint64, events []eventstore.EventData) ([]esdb.EventData, eventstore.Hash) {
	out := make([]esdb.EventData, len(events))
	for i, e := range events {
		link := eventstore.ChainLink(prev, stream, next+uint64(i), e)
		ct := esdb.ContentTypeBinary
		if json.Valid(e.Data) {
			ct = esdb.ContentTypeJson
		}
		out[i] = esdb.EventData{
			EventID:     e.ID,
			EventType:   e.Type,
			ContentType: ct,
			Data:        e.Data,
			Metadata:    encodeMetadata(ns, e, link, i, len(events)),
		}
		prev = link
	}
	return out, prev
}

// decoded is a recorded event with what the envelope says about the append
// that stored it.
type decoded struct {
	eventstore.RecordedEvent
	index, count int
}

// decode turns an event read from EventStoreDB into a RecordedEvent of
// namespace ns. It fails with errForeign for events of system streams,
// without our envelope or of another namespace, and with
// ErrIncompatibleStore for an envelope it cannot read.
func decode(ns string, r *esdb.RecordedEvent) (decoded, error) {
	if r == nil || strings.HasPrefix(r.StreamID, "$") {
		return decoded{}, errForeign
	}
	stream, ok := localName(ns, r.StreamID)
	if !ok {
		return decoded{}, errForeign
	}
	env, err := parseEnvelope(r.UserMetadata)
	if err != nil {
		if errors.Is(err, errForeign) {
			return decoded{}, err
		}
		return decoded{}, fmt.Errorf("%w: event %s at %s/%d: %w", eventstore.ErrIncompatibleStore, r.EventID, r.StreamID, r.EventNumber, err)
	}
	if env.Namespace != ns {
		return decoded{}, errForeign
	}
	hash, err := eventstore.ParseHash(env.Hash)
	if err != nil {
		return decoded{}, fmt.Errorf("%w: event %s at %s/%d: %w", eventstore.ErrIncompatibleStore, r.EventID, r.StreamID, r.EventNumber, err)
	}
	var meta []byte
	switch {
	case env.MetaBytes != nil:
		meta, err = base64.StdEncoding.DecodeString(*env.MetaBytes)
		if err != nil {
			return decoded{}, fmt.Errorf("%w: event %s at %s/%d: metadata: %w", eventstore.ErrIncompatibleStore, r.EventID, r.StreamID, r.EventNumber, err)
		}
	case len(env.Meta) > 0:
		meta = []byte(env.Meta)
	}
	data := r.Data
	if len(data) == 0 {
		data = nil
	}
	return decoded{
		RecordedEvent: eventstore.RecordedEvent{
			ID:            r.EventID,
			Type:          r.EventType,
			SchemaVersion: env.SchemaVersion,
			Stream:        stream,
			Revision:      r.EventNumber,
			Position:      eventstore.Position{Commit: r.Position.Commit, Prepare: r.Position.Prepare},
			RecordedAt:    r.CreatedDate,
			Data:          data,
			Metadata:      meta,
			Hash:          hash,
		},
		index: env.Index,
		count: env.Count,
	}, nil
}

// parseEnvelope reads our envelope from an event's custom metadata. Metadata
// that is not a JSON object with a "jointops" member is another writer's:
// errForeign.
func parseEnvelope(m []byte) (envelope, error) {
	var env struct {
		envelope
		Version *int `json:"jointops"`
	}
	if len(m) == 0 || m[0] != '{' {
		return envelope{}, errForeign
	}
	if err := json.Unmarshal(m, &env); err != nil {
		// Ours but unreadable, or someone else's JSON?
		var probe struct {
			Version *int `json:"jointops"`
		}
		if json.Unmarshal(m, &probe) == nil && probe.Version != nil {
			return envelope{}, fmt.Errorf("envelope: %w", err)
		}
		return envelope{}, errForeign
	}
	if env.Version == nil {
		return envelope{}, errForeign
	}
	if *env.Version != envelopeVersion {
		return envelope{}, fmt.Errorf("envelope version %d, this build reads %d", *env.Version, envelopeVersion)
	}
	if env.SchemaVersion == 0 || env.Count < 1 || env.Index < 0 || env.Index >= env.Count {
		return envelope{}, fmt.Errorf("envelope: schema version %d, index %d of %d", env.SchemaVersion, env.Index, env.Count)
	}
	return env.envelope, nil
}

// remoteName is the server's name of stream in namespace ns.
func remoteName(ns, stream string) string {
	if ns == "" {
		return stream
	}
	return ns + "/" + stream
}

// localName is the inverse of remoteName; ok is false for a stream outside
// namespace ns.
func localName(ns, remote string) (string, bool) {
	if ns == "" {
		return remote, true
	}
	return strings.CutPrefix(remote, ns+"/")
}
