package history

import (
	"slices"
	"sync/atomic"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
)

// chunk is a full chunk of an operation's index: Config.ChunkSize entries
// and their tables, which leave memory once their checkpoint part is saved
// (when History can load parts), and the summary that finds things in it
// without them. The summary is set when the chunk is sealed and never
// changes.
type chunk struct {
	first, last              eventstore.Position // of its first and last entries
	minRecorded, maxRecorded int64
	minOccurred, maxOccurred int64
	// recordedUpTo is the latest recorded time of this chunk's entries and
	// of every entry before: it never decreases from chunk to chunk.
	recordedUpTo int64

	data atomic.Pointer[chunkData] // nil once dropped
}

// newChunk seals d, whose entries must not change any more, into the chunk
// that follows before (nil for the first).
func newChunk(d *chunkData, before *chunk) *chunk {
	es := d.entries
	c := &chunk{first: es[0].pos, last: es[len(es)-1].pos,
		minRecorded: es[0].recorded, maxRecorded: es[0].recorded, minOccurred: es[0].occurred, maxOccurred: es[0].occurred}
	for i := range es {
		c.minRecorded, c.maxRecorded = min(c.minRecorded, es[i].recorded), max(c.maxRecorded, es[i].recorded)
		c.minOccurred, c.maxOccurred = min(c.minOccurred, es[i].occurred), max(c.maxOccurred, es[i].occurred)
	}
	c.recordedUpTo = c.maxRecorded
	if before != nil {
		c.recordedUpTo = max(c.recordedUpTo, before.recordedUpTo)
	}
	sealed := d.clip()
	c.data.Store(&sealed)
	return c
}

// drop lets the chunk's entries leave memory.
func (c *chunk) drop() { c.data.Store(nil) }

// chunkData is the entries of a chunk with the tables their stream, type
// and actor indexes refer to: a chunk, in memory or loaded back from its
// part, needs nothing else to be read.
type chunkData struct {
	entries []entry
	streams []string
	types   []string
	actors  []domain.Actor
}

// clip returns d with every slice clipped to its length, so that appends to
// d never write where the copy can read.
func (d chunkData) clip() chunkData {
	return chunkData{entries: slices.Clip(d.entries), streams: slices.Clip(d.streams), types: slices.Clip(d.types), actors: slices.Clip(d.actors)}
}

// chunkBuilder fills a chunk, interning its streams, types and actors.
// Its maps are only used by whoever fills it (the goroutine applying
// events for an operation's tail, or the decoder of a part).
type chunkBuilder struct {
	data      chunkData
	streamIDs map[string]int32
	typeIDs   map[string]int32
	actorIDs  map[domain.Actor]int32
}

func newChunkBuilder() chunkBuilder {
	return chunkBuilder{streamIDs: map[string]int32{}, typeIDs: map[string]int32{}, actorIDs: map[domain.Actor]int32{}}
}

// add appends e, with its stream, type and actor, growing the entries no
// further than limit at a time so that a full chunk wastes no capacity.
func (b *chunkBuilder) add(e entry, stream, typ string, actor domain.Actor, limit int) {
	e.stream = intern(&b.data.streams, b.streamIDs, stream)
	e.typ = intern(&b.data.types, b.typeIDs, typ)
	e.actor = intern(&b.data.actors, b.actorIDs, actor)
	if n := len(b.data.entries); n == cap(b.data.entries) && n < limit {
		grown := make([]entry, n, n+min(max(n, 8), limit-n))
		copy(grown, b.data.entries)
		b.data.entries = grown
	}
	b.data.entries = append(b.data.entries, e)
}

// intern returns the index of v in table, appending it when new.
func intern[T comparable](table *[]T, ids map[T]int32, v T) int32 {
	if id, ok := ids[v]; ok {
		return id
	}
	id := int32(len(*table))
	*table = append(*table, v)
	ids[v] = id
	return id
}
