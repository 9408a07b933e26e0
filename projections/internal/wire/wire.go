package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Errors of Open and of the Reader; every error they return wraps one of
// them.
var (
	// ErrVersion is a snapshot in a format version the reader does not
	// know: written by newer (or much older) code. Rebuild from the log.
	ErrVersion = errors.New("unknown snapshot format version")
	// ErrCorrupt is a snapshot that cannot be decoded: truncated,
	// damaged, of another kind, or inconsistent.
	ErrCorrupt = errors.New("corrupt snapshot")
)

// Kind tells the snapshots of different read models apart.
type Kind byte

const checksumLen = 4

// checksum is the CRC-32C (Castagnoli) of b: hardware accelerated on
// common CPUs, so sealing a large snapshot costs little.
func checksum(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
}

// Open checks a snapshot's version, kind and checksum, in that order, and
// returns a Reader over its body.
func Open(data []byte, kind Kind, version uint64) (*Reader, error) {
	n, err := header(data, kind, version)
	if err != nil {
		return nil, err
	}
	body, sum := data[:len(data)-checksumLen], data[len(data)-checksumLen:]
	if checksum(body) != binary.LittleEndian.Uint32(sum) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	return &Reader{buf: body, off: n + 1}, nil
}

// CheckHeader checks a snapshot's version and kind, as Open does, without
// reading the rest: enough to learn that a snapshot kept for later is of a
// format this build no longer reads.
func CheckHeader(data []byte, kind Kind, version uint64) error {
	_, err := header(data, kind, version)
	return err
}

// header checks the version and kind and returns where the body begins.
func header(data []byte, kind Kind, version uint64) (int, error) {
	v, n := binary.Uvarint(data)
	if n <= 0 {
		return 0, fmt.Errorf("%w: no format version", ErrCorrupt)
	}
	if v != version {
		return 0, fmt.Errorf("format version %d, this build reads %d: %w", v, version, ErrVersion)
	}
	if len(data) < n+1+checksumLen {
		return 0, fmt.Errorf("%w: %d bytes is too short", ErrCorrupt, len(data))
	}
	if got := Kind(data[n]); got != kind {
		return 0, fmt.Errorf("%w: kind %q, want %q", ErrCorrupt, byte(got), byte(kind))
	}
	return n, nil
}
