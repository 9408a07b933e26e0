package eventstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Hash is a SHA-256 chain link.
type Hash [sha256.Size]byte

// String renders the hash in lowercase hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is the all-zero hash, the predecessor of every
// stream's first event.
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash parses a hex hash as written by Hash.String.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("hash %q: want %d hex bytes", s, len(h))
	}
	copy(h[:], b)
	return h, nil
}

// ChainLink returns the chain link of an event: SHA-256 over the previous
// link of its stream followed by the event's canonical bytes (stream,
// revision, ID, type, schema version, data, metadata — each length-prefixed
// so that no two events share an encoding). Positions and recorded-at times
// are assigned by the store and are not part of the link, so the same link is
// computed before and after an append, on every adapter.
func ChainLink(prev Hash, stream string, revision uint64, e EventData) Hash {
	h := sha256.New()
	var buf [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(buf[:], uint64(len(b)))
		h.Write(buf[:])
		h.Write(b)
	}
	h.Write(prev[:])
	field([]byte(stream))
	binary.BigEndian.PutUint64(buf[:], revision)
	h.Write(buf[:])
	h.Write(e.ID[:])
	field([]byte(e.Type))
	binary.BigEndian.PutUint32(buf[:4], e.SchemaVersion)
	h.Write(buf[:4])
	field(e.Data)
	field(e.Metadata)
	var out Hash
	h.Sum(out[:0])
	return out
}

// EventData returns the part of a recorded event that was appended.
func (e RecordedEvent) EventData() EventData {
	return EventData{ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion, Data: e.Data, Metadata: e.Metadata}
}

// ValidateAppend checks the arguments of an append for every adapter; the
// error Is ErrInvalidArgument and names the first problem.
func ValidateAppend(stream string, events []EventData) error {
	if stream == "" || strings.HasPrefix(stream, "$") || !utf8.ValidString(stream) {
		return fmt.Errorf("%w: stream name %q: want non-empty UTF-8 not starting with $", ErrInvalidArgument, stream)
	}
	seen := make(map[[16]byte]struct{}, len(events))
	for i, e := range events {
		if e.ID == [16]byte{} {
			return fmt.Errorf("%w: event %d: nil ID", ErrInvalidArgument, i)
		}
		if _, dup := seen[e.ID]; dup {
			return fmt.Errorf("%w: event %d: ID %s twice in one append", ErrInvalidArgument, i, e.ID)
		}
		seen[e.ID] = struct{}{}
		if e.Type == "" || !utf8.ValidString(e.Type) {
			return fmt.Errorf("%w: event %d: empty or invalid type", ErrInvalidArgument, i)
		}
		if e.SchemaVersion == 0 {
			return fmt.Errorf("%w: event %d (%s): schema version must be ≥ 1", ErrInvalidArgument, i, e.Type)
		}
	}
	return nil
}

// BrokenLink names the first event at which the log fails verification.
type BrokenLink struct {
	Stream   string
	Revision uint64
	Position Position
	EventID  string
	Reason   string
}

func (b BrokenLink) String() string {
	return fmt.Sprintf("stream %s revision %d (event %s at %s): %s", b.Stream, b.Revision, b.EventID, b.Position, b.Reason)
}

// VerifyReport is the outcome of Verify.
type VerifyReport struct {
	Events  uint64
	Streams int
	// Heads maps each stream to the chain link of its last event; a signed
	// checkpoint of these heads also detects removal of a stream's tail.
	Heads map[string]Hash
	// Broken is the first failure in log order, nil when the log verifies.
	Broken *BrokenLink
}

// OK reports whether the log verified.
func (r VerifyReport) OK() bool { return r.Broken == nil }

// verifyPage is the ReadAll page size used by Verify.
const verifyPage = 4096

// Verify walks the whole log in order and checks, for every stream, that
// revisions run 0, 1, 2 … without gap or reordering, that positions increase,
// and that every stored chain link equals the one recomputed from the event.
// It stops at the first broken link. An error is returned only when the log
// cannot be read.
func Verify(ctx context.Context, r Reader) (VerifyReport, error) {
	rep := VerifyReport{Heads: make(map[string]Hash)}
	type head struct {
		hash Hash
		rev  uint64
	}
	heads := make(map[string]head)
	from := Start
	var last Position
	for {
		page, err := r.ReadAll(ctx, Forwards, from, verifyPage)
		if err != nil {
			return rep, fmt.Errorf("verify: %w", err)
		}
		for _, e := range page {
			broken := func(reason string) (VerifyReport, error) {
				rep.Broken = &BrokenLink{Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID.String(), Reason: reason}
				return rep, nil
			}
			if rep.Events > 0 && !last.Less(e.Position) {
				return broken(fmt.Sprintf("position %s does not follow %s", e.Position, last))
			}
			last = e.Position
			h, seen := heads[e.Stream]
			switch {
			case !seen && e.Revision != 0:
				return broken(fmt.Sprintf("stream starts at revision %d, want 0 (events removed or reordered)", e.Revision))
			case seen && e.Revision != h.rev+1:
				return broken(fmt.Sprintf("revision %d follows %d (events removed or reordered)", e.Revision, h.rev))
			}
			want := ChainLink(h.hash, e.Stream, e.Revision, e.EventData())
			if want != e.Hash {
				return broken("chain link mismatch: event altered, or its predecessor was")
			}
			heads[e.Stream] = head{hash: e.Hash, rev: e.Revision}
			rep.Events++
		}
		if len(page) == 0 {
			break
		}
		from = After(page[len(page)-1].Position)
	}
	rep.Streams = len(heads)
	for s, h := range heads {
		rep.Heads[s] = h.hash
	}
	return rep, nil
}
