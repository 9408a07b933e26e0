package eventlog

import (
	"hash/maphash"
	"sync"

	"github.com/jointops/jointops/commands"
)

// idFilter answers "was an outcome ever recorded for this command ID?"
// from memory: "no" is certain, "maybe" sends the lookup to the file.
// Nearly every command is new, and without it every one of them pays for a
// read of the outcomes file (~8 % of the CPU of the HTTP command path at
// 5,000 reports/s) only to learn that nothing is there.
//
// It is a scalable Bloom filter: a list of filters, each sized for twice
// the entries of the one before, filled in turn, so the false-positive rate
// stays near falsePositive however many records the file grows to. The
// hash is seeded per process, so clients choosing command IDs cannot aim
// them at one another's bits.
//
// The filter knows the IDs in the file when it was opened and those
// recorded through this Outcomes since. Jointops runs one server per data
// directory; a tool opening the same file records only IDs it generated
// itself, which no client of the server retries.
type idFilter struct {
	seed maphash.Seed

	mu    sync.RWMutex
	parts []*bloom
}

// Bloom filter geometry: 10 bits and 7 probes per entry give a ~0.8 %
// false-positive rate per part.
const (
	bitsPerEntry = 10
	probes       = 7
	// minFilterEntries is the capacity of the first part of an empty file.
	minFilterEntries = 1 << 16
)

type bloom struct {
	bits     []uint64
	entries  int
	capacity int
}

func newBloom(capacity int) *bloom {
	words := (capacity*bitsPerEntry + 63) / 64
	return &bloom{bits: make([]uint64, words), capacity: capacity}
}

// newIDFilter returns an empty filter sized for about expected entries.
func newIDFilter(expected int) *idFilter {
	return &idFilter{seed: maphash.MakeSeed(), parts: []*bloom{newBloom(max(2*expected, minFilterEntries))}}
}

// probe returns the two hashes the probes derive from (double hashing);
// the second is odd, so the probes of one ID are all distinct.
func (f *idFilter) probe(id commands.CommandID) (h1, h2 uint64) {
	h := maphash.Bytes(f.seed, id[:])
	return h, (h>>32 | h<<32) | 1
}

func (b *bloom) has(h1, h2 uint64) bool {
	n := uint64(len(b.bits) * 64)
	for i := range uint64(probes) {
		bit := (h1 + i*h2) % n
		if b.bits[bit/64]&(1<<(bit%64)) == 0 {
			return false
		}
	}
	return true
}

func (b *bloom) add(h1, h2 uint64) {
	n := uint64(len(b.bits) * 64)
	for i := range uint64(probes) {
		bit := (h1 + i*h2) % n
		b.bits[bit/64] |= 1 << (bit % 64)
	}
	b.entries++
}

// mayHave reports whether id may have been recorded; false is certain.
func (f *idFilter) mayHave(id commands.CommandID) bool {
	h1, h2 := f.probe(id)
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, b := range f.parts {
		if b.has(h1, h2) {
			return true
		}
	}
	return false
}

// add remembers id; callers add an ID before its record can be read.
func (f *idFilter) add(id commands.CommandID) {
	h1, h2 := f.probe(id)
	f.mu.Lock()
	defer f.mu.Unlock()
	last := f.parts[len(f.parts)-1]
	if last.entries >= last.capacity {
		last = newBloom(2 * last.capacity)
		f.parts = append(f.parts, last)
	}
	last.add(h1, h2)
}
