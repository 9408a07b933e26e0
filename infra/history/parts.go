package history

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/agency"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// Names of the checkpoint parts.
const (
	partChunkPrefix   = "idx/"      // + operation + "/" + chunk number: index entries
	partSnapPrefix    = "snap/"     // + operation + "/" + snapshot number: a board
	partMembersPrefix = "members/"  // + operation: the agencies that took part
	partRouter        = "router"    // projections.Router
	partDirectory     = "directory" // the agency directory events
)

// Format versions of the parts; a change of a format is a new version, and
// a version this build does not read makes the runner rebuild the index.
const (
	chunkVersion     = 1
	snapshotVersion  = 1
	directoryVersion = 1
	membersVersion   = 1
)

func chunkPart(op domain.OperationID, n int) string {
	return partChunkPrefix + op.String() + "/" + strconv.Itoa(n)
}

func snapPart(op domain.OperationID, n int) string {
	return partSnapPrefix + op.String() + "/" + strconv.Itoa(n)
}

// parsePartName splits "<prefix><operation>/<n>".
func parsePartName(rest string) (domain.OperationID, int, error) {
	id, num, ok := strings.Cut(rest, "/")
	if !ok {
		return domain.OperationID{}, 0, fmt.Errorf("%w: part name without a number", projections.ErrSnapshotCorrupt)
	}
	op, err := domain.ParseOperationID(id)
	if err != nil {
		return domain.OperationID{}, 0, fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return domain.OperationID{}, 0, fmt.Errorf("%w: part number %q", projections.ErrSnapshotCorrupt, num)
	}
	return op, n, nil
}

// encodeChunk writes the entries of a chunk as a part. Streams and types
// are written once per chunk, in a table.
func encodeChunk(d *chunkData) []byte {
	w := writer{b: make([]byte, 0, 64*len(d.entries)+256)}
	w.uvarint(chunkVersion)
	table := map[string]uint64{}
	var names []string
	ref := func(s string) uint64 {
		if i, ok := table[s]; ok {
			return i
		}
		table[s] = uint64(len(names))
		names = append(names, s)
		return table[s]
	}
	refs := make([][2]uint64, len(d.entries))
	for i := range d.entries {
		refs[i] = [2]uint64{ref(d.streams[d.entries[i].stream]), ref(d.types[d.entries[i].typ])}
	}
	w.uvarint(uint64(len(names)))
	for _, s := range names {
		w.string(s)
	}
	w.uvarint(uint64(len(d.entries)))
	for i := range d.entries {
		e := &d.entries[i]
		w.uvarint(e.pos.Commit)
		w.uvarint(e.pos.Prepare)
		w.uvarint(refs[i][0])
		w.uvarint(refs[i][1])
		w.uvarint(e.revision)
		w.varint(e.recorded)
		w.varint(e.occurred)
		w.varint(e.lateBy)
		a := d.actors[e.actor]
		w.uuid(a.Agency.UUID())
		w.uuid(a.Person.UUID())
		w.uuid(a.Unit.UUID())
	}
	return w.seal()
}

// minEntryBytes is the least an entry takes in a chunk part: three UUIDs
// and eight varints.
const minEntryBytes = 3*16 + 8

// decodeChunk reads a chunk part: its entries, in log order, with their
// tables.
func decodeChunk(data []byte) (*chunkBuilder, error) {
	r, err := open(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	if v := r.uvarint(); r.err == nil && v != chunkVersion {
		return nil, fmt.Errorf("index chunk version %d: %w", v, projections.ErrSnapshotVersion)
	}
	n := r.uvarint()
	if n > uint64(len(data)) {
		return nil, fmt.Errorf("%w: %d names in %d bytes", projections.ErrSnapshotCorrupt, n, len(data))
	}
	names := make([]string, n)
	for i := range names {
		names[i] = r.string()
	}
	count := r.uvarint()
	if count > uint64(len(data))/minEntryBytes {
		return nil, fmt.Errorf("%w: %d entries in %d bytes", projections.ErrSnapshotCorrupt, count, len(data))
	}
	name := func() string {
		i := r.uvarint()
		if i >= uint64(len(names)) {
			r.fail(fmt.Errorf("name %d of %d", i, len(names)))
			return ""
		}
		return names[i]
	}
	b := newChunkBuilder()
	b.data.entries = make([]entry, 0, count)
	for range count {
		var e entry
		e.pos = eventstore.Position{Commit: r.uvarint(), Prepare: r.uvarint()}
		stream, typ := name(), name()
		e.revision = r.uvarint()
		e.recorded, e.occurred, e.lateBy = r.varint(), r.varint(), r.varint()
		actor := domain.Actor{
			Agency: idOf(r, domain.NewAgencyID), Person: idOf(r, domain.NewPersonID), Unit: idOf(r, domain.NewUnitID),
		}
		if r.err != nil {
			break
		}
		if n := len(b.data.entries); n > 0 && !b.data.entries[n-1].pos.Less(e.pos) {
			return nil, fmt.Errorf("%w: entries out of order at %s", projections.ErrSnapshotCorrupt, e.pos)
		}
		b.add(e, stream, typ, actor, 0)
	}
	if err := r.done(); err != nil {
		return nil, fmt.Errorf("%w: index chunk: %w", projections.ErrSnapshotCorrupt, err)
	}
	return &b, nil
}

// idOf reads an ID; the nil UUID is the zero ID.
func idOf[T any](r *reader, newID func(uuid.UUID) (T, error)) T {
	var id T
	if u := r.uuid(); u != uuid.Nil {
		id, _ = newID(u) // only the nil UUID is refused
	}
	return id
}

// encodeSnapshot writes a board snapshot part.
func encodeSnapshot(s snapshot, data []byte) []byte {
	w := writer{b: make([]byte, 0, len(data)+32)}
	w.uvarint(snapshotVersion)
	w.uvarint(uint64(s.events))
	w.uvarint(s.pos.Commit)
	w.uvarint(s.pos.Prepare)
	w.bytes(data)
	return w.seal()
}

// decodeSnapshot reads a board snapshot part: the snapshot (without its
// number) and the board bytes.
func decodeSnapshot(data []byte) (snapshot, []byte, error) {
	r, err := open(data)
	if err != nil {
		return snapshot{}, nil, fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	if v := r.uvarint(); r.err == nil && v != snapshotVersion {
		return snapshot{}, nil, fmt.Errorf("board snapshot version %d: %w", v, projections.ErrSnapshotVersion)
	}
	s := snapshot{events: int(r.uvarint())}
	s.pos = eventstore.Position{Commit: r.uvarint(), Prepare: r.uvarint()}
	board := r.bytes()
	if err := r.done(); err != nil {
		return snapshot{}, nil, fmt.Errorf("%w: board snapshot: %w", projections.ErrSnapshotCorrupt, err)
	}
	return s, board, nil
}

// directoryJSON is the directory part: every agency directory event.
type directoryJSON struct {
	Version int            `json:"v"`
	Events  []dirEventJSON `json:"events"`
}

type dirEventJSON struct {
	Position   string             `json:"position"`
	Stream     string             `json:"stream"`
	Revision   uint64             `json:"revision"`
	Type       string             `json:"type"`
	Schema     uint32             `json:"schema"`
	OccurredAt time.Time          `json:"occurred_at"`
	RecordedAt time.Time          `json:"recorded_at"`
	Actor      domain.Actor       `json:"actor"`
	Registered *agency.Registered `json:"registered"`
}

func encodeDirectory(dir []dirEntry) ([]byte, error) {
	out := directoryJSON{Version: directoryVersion, Events: make([]dirEventJSON, 0, len(dir))}
	for _, d := range dir {
		reg, ok := d.env.Event.Payload.(*agency.Registered)
		if !ok {
			return nil, fmt.Errorf("directory event %s of type %T", d.env.Position, d.env.Event.Payload)
		}
		ev := d.env.Event
		out.Events = append(out.Events, dirEventJSON{
			Position: d.env.Position, Stream: d.env.Stream, Revision: d.env.Revision,
			Type: ev.Type, Schema: ev.SchemaVersion, OccurredAt: ev.OccurredAt, RecordedAt: ev.RecordedAt,
			Actor: ev.Actor, Registered: reg,
		})
	}
	return json.Marshal(out)
}

func decodeDirectory(data []byte) ([]dirEntry, error) {
	var in directoryJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf("%w: directory: %w", projections.ErrSnapshotCorrupt, err)
	}
	if in.Version != directoryVersion {
		return nil, fmt.Errorf("directory version %d: %w", in.Version, projections.ErrSnapshotVersion)
	}
	dir := make([]dirEntry, 0, len(in.Events))
	for _, e := range in.Events {
		pos, err := eventstore.ParsePosition(e.Position)
		if err != nil || e.Registered == nil || (len(dir) > 0 && !dir[len(dir)-1].pos.Less(pos)) {
			return nil, fmt.Errorf("%w: directory event %q", projections.ErrSnapshotCorrupt, e.Position)
		}
		dir = append(dir, dirEntry{pos: pos, env: projections.Envelope{
			Position: e.Position, Stream: e.Stream, Revision: e.Revision,
			Event: domain.Event{
				Type: e.Type, SchemaVersion: e.Schema, OccurredAt: e.OccurredAt, RecordedAt: e.RecordedAt,
				Actor: e.Actor, Payload: e.Registered,
			},
		}})
	}
	return dir, nil
}

// membersJSON is the members part of an operation.
type membersJSON struct {
	Version  int               `json:"v"`
	Agencies []domain.AgencyID `json:"agencies"`
}

func encodeMembers(agencies []domain.AgencyID) ([]byte, error) {
	return json.Marshal(membersJSON{Version: membersVersion, Agencies: agencies})
}

// collectMembers decodes the members part of the operation named rest.
func collectMembers(into map[domain.OperationID][]domain.AgencyID, rest string, data []byte) error {
	op, err := domain.ParseOperationID(rest)
	if err != nil {
		return fmt.Errorf("%w: %w", projections.ErrSnapshotCorrupt, err)
	}
	var in membersJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("%w: members: %w", projections.ErrSnapshotCorrupt, err)
	}
	if in.Version != membersVersion {
		return fmt.Errorf("members version %d: %w", in.Version, projections.ErrSnapshotVersion)
	}
	into[op] = in.Agencies
	return nil
}
