package history

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/google/uuid"
)

// The index parts are a small binary format: varints, raw UUIDs and
// strings with their length, followed by a CRC-32C of everything before.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writer appends values to a part.
type writer struct{ b []byte }

func (w *writer) uvarint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *writer) varint(v int64)   { w.b = binary.AppendVarint(w.b, v) }
func (w *writer) uuid(u uuid.UUID) { w.b = append(w.b, u[:]...) }
func (w *writer) bytes(p []byte) {
	w.uvarint(uint64(len(p)))
	w.b = append(w.b, p...)
}
func (w *writer) string(s string) {
	w.uvarint(uint64(len(s)))
	w.b = append(w.b, s...)
}

// seal appends the checksum and returns the part.
func (w *writer) seal() []byte {
	return binary.LittleEndian.AppendUint32(w.b, crc32.Checksum(w.b, castagnoli))
}

var errShort = errors.New("truncated")

// reader reads a part; the first problem sticks and every later read
// returns zero values.
type reader struct {
	b   []byte
	err error
}

// open checks a part's checksum and returns a reader of its contents.
func open(data []byte) (*reader, error) {
	if len(data) < 4 {
		return nil, errShort
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, errors.New("checksum mismatch")
	}
	return &reader{b: body}, nil
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) take(n uint64) []byte {
	if uint64(len(r.b)) < n {
		r.fail(errShort)
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) uuid() uuid.UUID {
	var u uuid.UUID
	copy(u[:], r.take(16))
	return u
}

func (r *reader) bytes() []byte  { return r.take(r.uvarint()) }
func (r *reader) string() string { return string(r.bytes()) }

// done reports the first problem, or trailing bytes.
func (r *reader) done() error {
	if r.err == nil && len(r.b) > 0 {
		return errors.New("trailing bytes")
	}
	return r.err
}
