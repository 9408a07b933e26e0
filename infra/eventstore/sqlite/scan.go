package sqlite

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// eventColumns is the column list every event query selects, in the order
// scanner.scan expects.
const eventColumns = `seq, stream, revision, id, type, schema_version, data, metadata, recorded_at, hash`

// arenaChunk is the size of the blocks payloads are copied into; a payload
// larger than a quarter of it gets its own allocation.
const arenaChunk = 64 << 10

// scanner reads event rows with few allocations: fixed columns are scanned
// into reused fields and payloads are copied into shared blocks.
type scanner struct {
	seq, rev, schema, recorded int64
	stream, typ                string
	id, data, meta, hash       sql.RawBytes
	dest                       []any
	arena                      []byte
}

func newScanner() *scanner {
	sc := &scanner{}
	sc.dest = []any{&sc.seq, &sc.stream, &sc.rev, &sc.id, &sc.typ, &sc.schema, &sc.data, &sc.meta, &sc.recorded, &sc.hash}
	return sc
}

// scan reads the current row of rows.
func (sc *scanner) scan(rows *sql.Rows) (eventstore.RecordedEvent, error) {
	if err := rows.Scan(sc.dest...); err != nil {
		return eventstore.RecordedEvent{}, fmt.Errorf("scan event: %w", err)
	}
	if len(sc.id) != 16 || len(sc.hash) != len(eventstore.Hash{}) {
		return eventstore.RecordedEvent{}, fmt.Errorf("event at position %d: malformed id or hash", sc.seq)
	}
	e := eventstore.RecordedEvent{
		Type:          sc.typ,
		SchemaVersion: uint32(sc.schema),
		Stream:        sc.stream,
		Revision:      uint64(sc.rev),
		Position:      position(uint64(sc.seq)),
		RecordedAt:    time.Unix(0, sc.recorded).UTC(),
		Data:          sc.keep(sc.data),
		Metadata:      sc.keep(sc.meta),
	}
	copy(e.ID[:], sc.id)
	copy(e.Hash[:], sc.hash)
	return e, nil
}

// keep copies b out of the driver's buffer; empty payloads come back nil.
func (sc *scanner) keep(b []byte) []byte {
	n := len(b)
	switch {
	case n == 0:
		return nil
	case n > arenaChunk/4:
		own := make([]byte, n)
		copy(own, b)
		return own
	case n > cap(sc.arena)-len(sc.arena):
		sc.arena = make([]byte, 0, arenaChunk)
	}
	start := len(sc.arena)
	sc.arena = append(sc.arena, b...)
	return sc.arena[start : start+n : start+n]
}
