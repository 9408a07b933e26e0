package wire

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/google/uuid"
)

// Writer builds a snapshot. Its methods append to one buffer and never
// fail; Finish seals it.
type Writer struct {
	buf     []byte
	symbols map[string]uint64
}

// NewWriter starts a snapshot of kind in format version; size is a hint of
// the body's length, to allocate once.
func NewWriter(kind Kind, version uint64, size int) *Writer {
	w := &Writer{buf: make([]byte, 0, binary.MaxVarintLen64+1+max(size, 0)+checksumLen)}
	w.Uvarint(version)
	w.buf = append(w.buf, byte(kind))
	return w
}

// Finish appends the checksum and returns the snapshot. The Writer must
// not be used afterwards.
func (w *Writer) Finish() []byte {
	return binary.LittleEndian.AppendUint32(w.buf, checksum(w.buf))
}

// Uvarint writes v in 1 to 10 bytes.
func (w *Writer) Uvarint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }

// Varint writes v zigzag-encoded, in 1 to 10 bytes.
func (w *Writer) Varint(v int64) { w.buf = binary.AppendVarint(w.buf, v) }

// Int writes v as a Varint.
func (w *Writer) Int(v int) { w.Varint(int64(v)) }

// Len writes a count or length (n ≥ 0), read back with Reader.Count.
func (w *Writer) Len(n int) { w.Uvarint(uint64(n)) }

// Byte writes one byte.
func (w *Writer) Byte(b byte) { w.buf = append(w.buf, b) }

// Bool writes one byte, 0 or 1.
func (w *Writer) Bool(v bool) {
	var b byte
	if v {
		b = 1
	}
	w.buf = append(w.buf, b)
}

// String writes a length-prefixed string.
func (w *Writer) String(s string) {
	w.Len(len(s))
	w.buf = append(w.buf, s...)
}

// Bytes writes a length-prefixed byte string.
func (w *Writer) Bytes(b []byte) {
	w.Len(len(b))
	w.buf = append(w.buf, b...)
}

// Raw appends b as it is: bytes the reader knows how to delimit.
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

// Symbol writes a string that recurs (a type name, a status): in full the
// first time, then as a small number.
func (w *Writer) Symbol(s string) {
	if n, ok := w.symbols[s]; ok {
		w.Uvarint(n + 1)
		return
	}
	if w.symbols == nil {
		w.symbols = map[string]uint64{}
	}
	w.symbols[s] = uint64(len(w.symbols))
	w.Uvarint(0)
	w.String(s)
}

// UUID writes the 16 bytes of u.
func (w *Writer) UUID(u uuid.UUID) { w.buf = append(w.buf, u[:]...) }

// Float64 writes the 8 bytes of v's IEEE 754 form.
func (w *Writer) Float64(v float64) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, math.Float64bits(v))
}

// Time tags of Writer.Time.
const (
	timeZero   = 0 // time.Time{}
	timeUTC    = 1 // seconds, nanoseconds
	timeOffset = 2 // seconds, nanoseconds, zone offset in seconds
)

// Time writes an instant with its zone offset, so that it reads back
// equal and formats the same (the zone's name and a monotonic reading
// are not kept).
func (w *Writer) Time(t time.Time) {
	switch {
	case t.Location() != time.UTC:
		_, offset := t.Zone()
		w.Byte(timeOffset)
		w.instant(t)
		w.Int(offset)
	case t.IsZero():
		w.Byte(timeZero)
	default:
		w.Byte(timeUTC)
		w.instant(t)
	}
}

func (w *Writer) instant(t time.Time) {
	w.Varint(t.Unix())
	w.Uvarint(uint64(t.Nanosecond()))
}
