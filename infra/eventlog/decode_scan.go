package eventlog

import (
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The cursor steps below extend those of metadata.go to the values of the
// hot payloads. Like them, each accepts only the plain form that
// encoding/json writes — no spaces, no escapes, no null — and clears ok on
// anything else, leaving the input to encoding/json.

// utf8 consumes a JSON string without escapes and returns its content,
// which may be any valid UTF-8 (free text, names).
func (c *cursor) utf8() []byte {
	if !c.ok || c.i >= len(c.b) || c.b[c.i] != '"' {
		c.ok = false
		return nil
	}
	start, ascii := c.i+1, true
	for j := start; j < len(c.b); j++ {
		switch ch := c.b[j]; {
		case ch == '"':
			s := c.b[start:j]
			if !ascii && !utf8.Valid(s) {
				c.ok = false // encoding/json would replace the bad bytes
				return nil
			}
			c.i = j + 1
			return s
		case ch == '\\' || ch < 0x20:
			c.ok = false
			return nil
		case ch >= utf8.RuneSelf:
			ascii = false
		}
	}
	c.ok = false
	return nil
}

// string consumes a JSON string into s.
func (c *cursor) string(s *string) {
	if b := c.utf8(); c.ok {
		*s = string(b)
	}
}

// id consumes an ID written as a canonical UUID string, built by newID as
// the ID's UnmarshalText would (a nil UUID is refused). Other forms of
// UUID, which UnmarshalText also reads, are left to encoding/json.
func id[T any](c *cursor, dst *T, newID func(uuid.UUID) (T, error)) {
	const quoted = 1 + 36 + 1
	if !c.ok || len(c.b)-c.i < quoted || c.b[c.i] != '"' || c.b[c.i+quoted-1] != '"' {
		c.ok = false
		return
	}
	// ParseBytes admits only hex digits and the four hyphens in 36 bytes:
	// no quote, escape or control character can hide in between.
	u, err := uuid.ParseBytes(c.b[c.i+1 : c.i+quoted-1])
	if err != nil {
		c.ok = false
		return
	}
	v, err := newID(u)
	if err != nil {
		c.ok = false
		return
	}
	*dst, c.i = v, c.i+quoted
}

// anyUUID is the constructor of a plain UUID for id: every UUID is one,
// the nil UUID included, as uuid.UUID.UnmarshalText has it.
func anyUUID(u uuid.UUID) (uuid.UUID, error) { return u, nil }

// float consumes a JSON number into f, as encoding/json reads a float64.
func (c *cursor) float(f *float64) {
	if !c.ok {
		return
	}
	end, ok := numberEnd(c.b, c.i)
	if !ok {
		c.ok = false
		return
	}
	v, err := strconv.ParseFloat(string(c.b[c.i:end]), 64)
	if err != nil { // out of range: encoding/json refuses it
		c.ok = false
		return
	}
	*f, c.i = v, end
}

// numberEnd returns the end of the JSON number starting at b[i]; ok is
// false when none starts there.
func numberEnd(b []byte, i int) (end int, ok bool) {
	digits := func(j int) int {
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return 0, false
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = digits(i + 1)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

// integer consumes a JSON integer into n, as encoding/json reads an int.
func (c *cursor) integer(n *int) {
	var v int64
	c.int(&v)
	if !c.ok {
		return
	}
	if int64(int(v)) != v { // too large for this platform's int
		c.ok = false
		return
	}
	*n = int(v)
}

// list consumes a JSON array, calling elem to consume each element.
func (c *cursor) list(elem func()) {
	c.lit(`[`)
	if c.opt(`]`) {
		return
	}
	for c.ok {
		elem()
		if c.opt(`]`) {
			return
		}
		c.lit(`,`)
	}
}
