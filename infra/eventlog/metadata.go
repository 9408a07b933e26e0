package eventlog

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// metadata is the envelope stored with every domain event.
type metadata struct {
	OccurredAt    time.Time          `json:"occurred_at"`
	RecordedAt    time.Time          `json:"recorded_at"`
	LateByNanos   int64              `json:"late_by_ns,omitempty"`
	Actor         domain.Actor       `json:"actor"`
	CommandID     uuid.UUID          `json:"command_id"`
	CorrelationID uuid.UUID          `json:"correlation_id"`
	Operation     domain.OperationID `json:"operation_id,omitzero"`
}

// decodeMetadata parses an envelope. Decoding envelopes is most of the cost
// of folding a long stream, and encoding/json spends it on reflection and
// on scanning every byte twice; so the exact shape Encode writes — the keys
// of metadata in order, no spaces, no escapes — is parsed by hand, and
// anything else (another writer, an older layout) by encoding/json. Both
// give the same result for any input the fast path accepts.
func decodeMetadata(b []byte) (metadata, error) {
	if m, ok := scanMetadata(b); ok {
		return m, nil
	}
	var m metadata
	err := json.Unmarshal(b, &m)
	return m, err
}

// scanMetadata parses the shape Encode writes; ok is false for any other
// input.
func scanMetadata(b []byte) (m metadata, ok bool) {
	c := cursor{b: b, ok: true}
	c.lit(`{"occurred_at":`)
	c.time(&m.OccurredAt)
	c.lit(`,"recorded_at":`)
	c.time(&m.RecordedAt)
	if c.opt(`,"late_by_ns":`) {
		c.int(&m.LateByNanos)
	}
	c.lit(`,"actor":{"agency":`)
	id(&c, &m.Actor.Agency, domain.NewAgencyID)
	if c.opt(`,"person":`) {
		id(&c, &m.Actor.Person, domain.NewPersonID)
	}
	if c.opt(`,"unit":`) {
		id(&c, &m.Actor.Unit, domain.NewUnitID)
	}
	c.lit(`},"command_id":`)
	id(&c, &m.CommandID, anyUUID)
	c.lit(`,"correlation_id":`)
	id(&c, &m.CorrelationID, anyUUID)
	if c.opt(`,"operation_id":`) {
		id(&c, &m.Operation, domain.NewOperationID)
	}
	c.lit(`}`)
	return m, c.ok && c.i == len(b)
}

// cursor walks a JSON text of known shape; the first mismatch clears ok and
// makes every later step a no-op.
type cursor struct {
	b  []byte
	i  int
	ok bool
}

// lit consumes s.
func (c *cursor) lit(s string) {
	if !c.opt(s) {
		c.ok = false
	}
}

// opt consumes s if it comes next.
func (c *cursor) opt(s string) bool {
	if c.ok && bytes.HasPrefix(c.b[c.i:], []byte(s)) {
		c.i += len(s)
		return true
	}
	return false
}

// str consumes a JSON string without escapes and returns its content.
func (c *cursor) str() []byte {
	if !c.ok || c.i >= len(c.b) || c.b[c.i] != '"' {
		c.ok = false
		return nil
	}
	start := c.i + 1
	for j := start; j < len(c.b); j++ {
		switch ch := c.b[j]; {
		case ch == '"':
			c.i = j + 1
			return c.b[start:j]
		case ch == '\\' || ch < 0x20 || ch >= 0x80:
			c.ok = false // escapes and non-ASCII: leave them to encoding/json
			return nil
		}
	}
	c.ok = false
	return nil
}

// text consumes a string into v the way encoding/json would.
func (c *cursor) text(v interface{ UnmarshalText([]byte) error }) {
	s := c.str()
	if c.ok && v.UnmarshalText(s) != nil {
		c.ok = false
	}
}

// time consumes a time the way encoding/json would.
func (c *cursor) time(t *time.Time) { c.text(t) }

// int consumes a JSON integer.
func (c *cursor) int(n *int64) {
	if !c.ok {
		return
	}
	j := c.i
	if j < len(c.b) && c.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(c.b) && c.b[j] >= '0' && c.b[j] <= '9' {
		j++
	}
	v, err := strconv.ParseInt(string(c.b[c.i:j]), 10, 64)
	leadingZero := j-digits > 1 && c.b[digits] == '0' // not JSON
	if err != nil || leadingZero || (j < len(c.b) && (c.b[j] == '.' || c.b[j] == 'e' || c.b[j] == 'E')) {
		c.ok = false
		return
	}
	*n, c.i = v, j
}
