package bus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// OffsetEventType is the type of the events in which LogOffsets records
// offsets.
const OffsetEventType = "jointops.bus.offset_saved"

// LogOffsets is an OffsetStore that keeps offsets in the event log itself:
// each (group, topic) has a stream named OffsetStream(group, topic) to which
// every save appends one event, under optimistic concurrency on the
// stream's revision — that condition is what fences out a stale member,
// across processes and nodes sharing the log. The stream's last event is the
// current offset; the version is its revision + 1.
type LogOffsets struct {
	store eventstore.Store
}

var _ OffsetStore = (*LogOffsets)(nil)

// NewLogOffsets returns an OffsetStore over the given log.
func NewLogOffsets(store eventstore.Store) *LogOffsets { return &LogOffsets{store: store} }

// OffsetStream names the stream holding the offsets of group in topic. The
// topic is hashed so that any topic, TopicAll included, gives a short,
// well-formed stream name.
func OffsetStream(group, topic string) string {
	sum := sha256.Sum256([]byte(topic))
	return OffsetStreamPrefix + group + "-" + hex.EncodeToString(sum[:16])
}

// offsetRecord is the payload of an offset event.
type offsetRecord struct {
	Group    string `json:"group"`
	Topic    string `json:"topic"`
	Position string `json:"position"`
	Member   string `json:"member"`
}

// Load implements OffsetStore by reading the offset stream's last event.
func (l *LogOffsets) Load(ctx context.Context, group, topic string) (Offset, error) {
	stream := OffsetStream(group, topic)
	evs, err := l.store.ReadStream(ctx, stream, eventstore.Backwards, eventstore.StreamEnd, 1)
	if errors.Is(err, eventstore.ErrStreamNotFound) || (err == nil && len(evs) == 0) {
		return Offset{}, nil
	}
	if err != nil {
		return Offset{}, fmt.Errorf("bus: load offset of group %s in %s: %w", group, topic, err)
	}
	var rec offsetRecord
	if err := json.Unmarshal(evs[0].Data, &rec); err != nil {
		return Offset{}, fmt.Errorf("bus: load offset of group %s in %s: event %s: %w", group, topic, evs[0].ID, err)
	}
	pos, err := eventstore.ParsePosition(rec.Position)
	if err != nil {
		return Offset{}, fmt.Errorf("bus: load offset of group %s in %s: event %s: %w", group, topic, evs[0].ID, err)
	}
	return Offset{Position: pos, Version: evs[0].Revision + 1, Member: rec.Member}, nil
}

// Save implements OffsetStore by appending an offset event on the condition
// that the stream's last revision is next.Version - 1.
func (l *LogOffsets) Save(ctx context.Context, group, topic string, next Offset) (Offset, error) {
	stream := OffsetStream(group, topic)
	data, err := json.Marshal(offsetRecord{Group: group, Topic: topic, Position: next.Position.String(), Member: next.Member})
	if err != nil {
		return Offset{}, fmt.Errorf("bus: save offset of group %s in %s: %w", group, topic, err)
	}
	ev := eventstore.EventData{ID: uuid.New(), Type: OffsetEventType, SchemaVersion: 1, Data: data}
	for attempt := 0; ; attempt++ {
		expected := eventstore.NoStream()
		if next.Version > 0 {
			expected = eventstore.Exact(next.Version - 1)
		}
		res, err := l.store.Append(ctx, stream, expected, ev)
		if err == nil {
			return Offset{Position: next.Position, Version: res.NextExpectedRevision + 1, Member: next.Member}, nil
		}
		if !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
			return Offset{}, fmt.Errorf("bus: save offset of group %s in %s: %w", group, topic, err)
		}
		// Someone saved since next.Version. If it was this very member (a
		// save whose answer was lost), it still owns the offset: go on from
		// there. Otherwise it has been fenced out.
		cur, lerr := l.Load(ctx, group, topic)
		if lerr != nil {
			return Offset{}, errors.Join(fmt.Errorf("bus: save offset of group %s in %s: %w", group, topic, err), lerr)
		}
		if attempt > 0 || next.Member == "" || cur.Member != next.Member || cur.Version <= next.Version {
			return Offset{}, fmt.Errorf("%w: group %s, topic %s: offset version %d saved by member %s, this member %s expected version %d",
				ErrFenced, group, topic, cur.Version, cur.Member, next.Member, next.Version)
		}
		next.Version = cur.Version
	}
}
