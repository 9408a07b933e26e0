package wire

import (
	"encoding/binary"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
)

// Reader reads a snapshot's body. The first problem sticks: every later
// read returns a zero value, and Err reports it.
type Reader struct {
	buf     []byte
	off     int
	err     error
	symbols []string
	zones   map[int]*time.Location
}

// Err returns the first problem met, wrapping ErrCorrupt, or nil.
func (r *Reader) Err() error { return r.err }

// Failf records a problem the caller found in what it read (an
// inconsistency), unless one was recorded before.
func (r *Reader) Failf(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s (at byte %d)", ErrCorrupt, fmt.Sprintf(format, args...), r.off)
	}
}

// Done returns Err, or an error if bytes are left unread.
func (r *Reader) Done() error {
	if r.err == nil && r.off != len(r.buf) {
		r.Failf("%d bytes left over", len(r.buf)-r.off)
	}
	return r.err
}

// take returns the next n bytes, or nil when fewer are left.
func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.buf)-r.off {
		r.Failf("truncated: want %d bytes, %d left", n, len(r.buf)-r.off)
		return nil
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b
}

// Uvarint reads what Writer.Uvarint wrote.
func (r *Reader) Uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 {
		r.Failf("bad uvarint")
		return 0
	}
	r.off += n
	return v
}

// Varint reads what Writer.Varint wrote.
func (r *Reader) Varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.buf[r.off:])
	if n <= 0 {
		r.Failf("bad varint")
		return 0
	}
	r.off += n
	return v
}

// Int reads what Writer.Int wrote.
func (r *Reader) Int() int {
	v := r.Varint()
	if int64(int(v)) != v {
		r.Failf("integer %d out of range", v)
		return 0
	}
	return int(v)
}

// Count reads what Writer.Len wrote: the number of items that follow,
// each at least minSize bytes long. A count the bytes left cannot hold is
// an error, so a damaged count never makes the caller allocate much.
func (r *Reader) Count(minSize int) int {
	v := r.Uvarint()
	if left := uint64(len(r.buf) - r.off); v > left/uint64(max(minSize, 1)) {
		r.Failf("count %d exceeds the %d bytes left", v, left)
		return 0
	}
	return int(v)
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

// Bool reads what Writer.Bool wrote.
func (r *Reader) Bool() bool {
	switch r.Byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.Failf("bad bool")
	return false
}

// String reads what Writer.String wrote.
func (r *Reader) String() string { return string(r.take(r.Count(1))) }

// Bytes reads what Writer.Bytes wrote; the result aliases the snapshot.
func (r *Reader) Bytes() []byte { return r.take(r.Count(1)) }

// Symbol reads what Writer.Symbol wrote.
func (r *Reader) Symbol() string {
	n := r.Uvarint()
	if n == 0 {
		s := r.String()
		if r.err == nil {
			r.symbols = append(r.symbols, s)
		}
		return s
	}
	if n > uint64(len(r.symbols)) {
		r.Failf("unknown symbol %d", n)
		return ""
	}
	return r.symbols[n-1]
}

// UUID reads what Writer.UUID wrote.
func (r *Reader) UUID() uuid.UUID {
	var u uuid.UUID
	copy(u[:], r.take(len(u)))
	return u
}

// Float64 reads what Writer.Float64 wrote.
func (r *Reader) Float64() float64 {
	b := r.take(8)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

// maxOffset bounds a zone offset (seconds east of UTC) to what time
// formats as RFC 3339.
const maxOffset = 24*60*60 - 1

// Time reads what Writer.Time wrote.
func (r *Reader) Time() time.Time {
	switch tag := r.Byte(); tag {
	case timeZero:
		return time.Time{}
	case timeUTC:
		return r.instant().UTC()
	case timeOffset:
		t := r.instant()
		offset := r.Int()
		if offset < -maxOffset || offset > maxOffset {
			r.Failf("zone offset %d out of range", offset)
			return time.Time{}
		}
		return t.In(r.zone(offset))
	default:
		r.Failf("bad time tag %d", tag)
		return time.Time{}
	}
}

// instant reads an instant; one outside the years 0 to 9999, which RFC 3339
// (and so the log and every view) cannot express, is corrupt.
func (r *Reader) instant() time.Time {
	sec, nsec := r.Varint(), r.Uvarint()
	if nsec >= 1e9 {
		r.Failf("nanoseconds %d out of range", nsec)
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		r.Failf("year %d out of range", y)
		return time.Time{}
	}
	return t
}

// zone returns one Location per offset, shared by the times read.
func (r *Reader) zone(offset int) *time.Location {
	if loc, ok := r.zones[offset]; ok {
		return loc
	}
	if r.zones == nil {
		r.zones = map[int]*time.Location{}
	}
	loc := time.FixedZone("", offset)
	r.zones[offset] = loc
	return loc
}

// ID reads a UUID with the constructor of a typed ID; the nil UUID is the
// zero ID ("none").
func ID[T any](r *Reader, newID func(uuid.UUID) (T, error)) T {
	var zero T
	u := r.UUID()
	if r.err != nil || u == uuid.Nil {
		return zero
	}
	v, err := newID(u)
	if err != nil {
		r.Failf("%v", err)
		return zero
	}
	return v
}
