// Package wire is the binary form of projection snapshots: a small,
// versioned, checksummed encoding shared by the read models under
// projections/, so that a runner can save a projection's state with its
// log position and restore it instead of folding the log again.
//
// A snapshot is
//
//	format version (uvarint) | kind (1 byte) | body | CRC-32C (4 bytes, little endian)
//
// The version comes first, so a reader meets an unknown version before
// anything else and reports ErrVersion: the caller then rebuilds from the
// log instead of failing. The kind tells the read models apart, so a part
// restored into the wrong model is an error. The checksum covers
// everything before it: a truncated or damaged snapshot is ErrCorrupt,
// never a wrong state. The body is what each read model writes with the
// Writer's primitives (varints, length-prefixed strings, raw UUIDs, times
// with their offset) and reads back with the Reader.
//
// The Reader never panics and never allocates more than the input can
// describe: every count is checked against the bytes left, and the first
// problem sticks, so a decoder can read a whole section and check Err
// once.
//
// Like everything under projections/, this package imports only the
// standard library, the domain model and github.com/google/uuid; it never
// imports commands/ or infra/.
package wire
