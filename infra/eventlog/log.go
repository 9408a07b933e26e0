package eventlog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
)

// Log is commands.EventLog over an event store.
type Log struct {
	store eventstore.Store
	codec *Codec
}

var _ commands.EventLog = (*Log)(nil)

// NewLog returns the command handlers' view of store.
func NewLog(store eventstore.Store, codec *Codec) *Log { return &Log{store: store, codec: codec} }

// findWindow is how many of a stream's last events Find searches: a retry
// after a crash comes soon, while the stream has moved on by a few events
// at most.
const findWindow = 256

// Find looks for the events of command cmd among the last events of stream.
func (l *Log) Find(ctx context.Context, stream string, cmd commands.CommandID) (commands.Found, bool, error) {
	tail, err := l.store.ReadStream(ctx, stream, eventstore.Backwards, eventstore.StreamEnd, findWindow)
	if errors.Is(err, eventstore.ErrStreamNotFound) {
		return commands.Found{}, false, nil
	}
	if err != nil {
		return commands.Found{}, false, err
	}
	first := EventID(cmd, stream, 0)
	for i := range tail {
		if tail[i].ID != first {
			continue
		}
		// tail runs backwards: the command's events are tail[i], tail[i-1] …
		var f commands.Found
		for j := i; j >= 0 && tail[j].ID == EventID(cmd, stream, i-j); j-- {
			e, known, err := l.codec.Decode(tail[j])
			if err != nil {
				return commands.Found{}, false, err
			}
			if known && e.LateBy > f.LateBy {
				f.LateBy = e.LateBy
			}
			f.Events++
			f.Position = tail[j].Position.String()
			f.Version = tail[j].Revision + 1
		}
		return f, true, nil
	}
	return commands.Found{}, false, nil
}

// eventIDSpace is the UUIDv5 namespace of event IDs derived from command IDs.
var eventIDSpace = uuid.MustParse("5f0c8a53-7d0e-4c39-9d6b-0e7f1c2a9b41")

// EventID derives the ID of the i-th event a command appends to stream, so a
// retried command's append is recognised by the store as the same append.
func EventID(cmd commands.CommandID, stream string, i int) uuid.UUID {
	name := make([]byte, 0, 16+len(stream)+4)
	name = append(name, cmd[:]...)
	name = append(name, stream...)
	name = binary.BigEndian.AppendUint32(name, uint32(i))
	return uuid.NewSHA1(eventIDSpace, name)
}

// Append appends events to stream expecting it to hold version events.
func (l *Log) Append(ctx context.Context, stream string, version uint64, env commands.Envelope, events []domain.Event) (commands.Appended, error) {
	if len(events) == 0 {
		return commands.Appended{Version: version}, nil
	}
	data := make([]eventstore.EventData, len(events))
	for i, e := range events {
		d, err := l.codec.Encode(EventID(env.CommandID, stream, i), e, Envelope{
			CommandID: uuid.UUID(env.CommandID), CorrelationID: env.CorrelationID, Operation: env.Operation,
		})
		if err != nil {
			return commands.Appended{}, err
		}
		data[i] = d
	}
	expected := eventstore.NoStream()
	if version > 0 {
		expected = eventstore.Exact(version - 1)
	}
	res, err := l.store.Append(ctx, stream, expected, data...)
	if errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		return commands.Appended{}, fmt.Errorf("%w: %w", commands.ErrConflict, err)
	}
	if err != nil {
		return commands.Appended{}, err
	}
	return commands.Appended{Position: res.Position.String(), Version: res.NextExpectedRevision + 1}, nil
}
