package history

import (
	"encoding/binary"

	"github.com/jointops/jointops/domain"
)

// ResidentChunks returns how many of the full index chunks of op still
// hold their entries in memory, and how many full chunks there are.
func ResidentChunks(h *History, op domain.OperationID) (resident, full int) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	x := h.ops[op]
	if x == nil {
		return 0, 0
	}
	for _, c := range x.chunks {
		if c.data.Load() != nil {
			resident++
		}
	}
	return resident, len(x.chunks)
}

// CachedChunks returns how many chunks loaded back from their parts the
// cache keeps.
func CachedChunks(h *History) int { return h.cache.len() }

// WithBoardVersion returns a copy of a board snapshot part whose board
// claims format version v: the part of a board written by another build.
func WithBoardVersion(part []byte, v uint64) []byte {
	s, data, err := decodeSnapshot(part)
	if err != nil {
		panic(err)
	}
	_, n := binary.Uvarint(data)
	board := binary.AppendUvarint(nil, v)
	board = append(board, data[n:]...)
	return encodeSnapshot(s, board)
}
