package integrity

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
)

// Names of the checkpoint events. Renaming either is a migration.
const (
	// CheckpointStream is the stream the Checkpointer appends to. Its own
	// head is not part of the signed heads: a checkpoint would otherwise
	// always find "something changed" since the previous one.
	CheckpointStream = "integrity-checkpoints"
	// CheckpointType is the event type of a signed checkpoint.
	CheckpointType = "jointops.integrity.checkpoint_signed"
	// CheckpointSchema is the schema version of CheckpointType.
	CheckpointSchema = 1
	// checkpointFormat is the Version of the checkpoints written now.
	checkpointFormat = 1
)

// ErrBadSignature: a checkpoint's signature does not verify with the key.
var ErrBadSignature = errors.New("integrity: checkpoint signature does not verify")

// Head is where one stream ended: its last revision and that event's chain
// link.
type Head struct {
	Revision uint64
	Link     eventstore.Hash
}

// Heads maps each stream to its head.
type Heads map[string]Head

// Digest is SHA-256 over the heads sorted by stream name, each written as
// length-prefixed name, revision and link, so that no two maps share an
// encoding.
func (h Heads) Digest() eventstore.Hash {
	names := make([]string, 0, len(h))
	for s := range h {
		names = append(names, s)
	}
	slices.Sort(names)
	d := sha256.New()
	var buf [8]byte
	for _, s := range names {
		binary.BigEndian.PutUint64(buf[:], uint64(len(s)))
		d.Write(buf[:])
		d.Write([]byte(s))
		binary.BigEndian.PutUint64(buf[:], h[s].Revision)
		d.Write(buf[:])
		link := h[s].Link
		d.Write(link[:])
	}
	var out eventstore.Hash
	d.Sum(out[:0])
	return out
}

// Clone returns a copy of h.
func (h Heads) Clone() Heads {
	out := make(Heads, len(h))
	for s, v := range h {
		out[s] = v
	}
	return out
}

// StreamHead is one stream's head as written in a checkpoint.
type StreamHead struct {
	Stream   string `json:"stream"`
	Revision uint64 `json:"revision"`
	Link     string `json:"link"`
}

// Checkpoint is a signed statement of where every stream ended at a log
// position. Changed lists only the streams whose head moved since the
// previous checkpoint; Digest covers all of them, so a verifier that
// follows the log can check it, while a checkpoint stays small in a log of
// many streams.
type Checkpoint struct {
	Version int `json:"v"`
	// Covers is the log position the heads are taken at ("commit/prepare").
	Covers string `json:"covers"`
	// SignedAt is the signer's clock when it signed (UTC).
	SignedAt time.Time `json:"signed_at"`
	// Streams is how many streams the heads hold.
	Streams int `json:"streams"`
	// Changed are the heads that moved since Previous, sorted by stream.
	Changed []StreamHead `json:"changed"`
	// Digest is Heads.Digest of all heads at Covers, in hex.
	Digest string `json:"digest"`
	// Previous is the digest of the previous checkpoint; empty for the first.
	Previous string `json:"previous,omitempty"`
	// KeyID names the signing key (see KeyID).
	KeyID string `json:"key_id"`
	// Signature is the ed25519 signature of SigningBytes, base64 (std).
	Signature string `json:"signature"`
}

// signingDomain separates checkpoint signatures from every other use of
// the key.
const signingDomain = "jointops checkpoint v1\n"

// SigningBytes is what the signature covers: a fixed prefix and the JSON
// encoding of the checkpoint with an empty signature. Encoding a struct
// with encoding/json is deterministic (field order, no map), so a verifier
// re-encodes what it parsed.
func (c Checkpoint) SigningBytes() ([]byte, error) {
	c.Signature = ""
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("checkpoint signing bytes: %w", err)
	}
	return append([]byte(signingDomain), b...), nil
}

// Sign fills KeyID and Signature.
func (c *Checkpoint) Sign(key ed25519.PrivateKey) error {
	c.KeyID = KeyID(key.Public().(ed25519.PublicKey))
	msg, err := c.SigningBytes()
	if err != nil {
		return err
	}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	return nil
}

// CheckSignature verifies the signature with pub; the error Is
// ErrBadSignature when it does not verify, and says so when the
// checkpoint names another key.
func (c Checkpoint) CheckSignature(pub ed25519.PublicKey) error {
	if want := KeyID(pub); c.KeyID != want {
		return fmt.Errorf("%w: signed with key %s, the pinned key is %s", ErrBadSignature, c.KeyID, want)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: malformed signature", ErrBadSignature)
	}
	msg, err := c.SigningBytes()
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, msg, sig) {
		return fmt.Errorf("%w: forged or altered checkpoint", ErrBadSignature)
	}
	return nil
}

// Position parses Covers.
func (c Checkpoint) Position() (eventstore.Position, error) {
	return eventstore.ParsePosition(c.Covers)
}

// ParseCheckpoint decodes a checkpoint event's data; it checks the format,
// not the signature.
func ParseCheckpoint(data []byte) (Checkpoint, error) {
	var c Checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("checkpoint: %w", err)
	}
	if c.Version != checkpointFormat {
		return c, fmt.Errorf("checkpoint: format %d, want %d", c.Version, checkpointFormat)
	}
	if _, err := c.Position(); err != nil {
		return c, fmt.Errorf("checkpoint: %w", err)
	}
	return c, nil
}

// changedHeads renders the heads of the changed streams, sorted.
func changedHeads(heads Heads, changed map[string]struct{}) []StreamHead {
	out := make([]StreamHead, 0, len(changed))
	for s := range changed {
		h := heads[s]
		out = append(out, StreamHead{Stream: s, Revision: h.Revision, Link: h.Link.String()})
	}
	slices.SortFunc(out, func(a, b StreamHead) int {
		switch {
		case a.Stream < b.Stream:
			return -1
		case a.Stream > b.Stream:
			return 1
		}
		return 0
	})
	return out
}

// NewCheckpoint builds and signs the checkpoint of heads at covers, listing
// the changed streams, chained to the previous digest.
func NewCheckpoint(key ed25519.PrivateKey, covers eventstore.Position, at time.Time, heads Heads, changed map[string]struct{}, previous string) (Checkpoint, error) {
	c := Checkpoint{
		Version:  checkpointFormat,
		Covers:   covers.String(),
		SignedAt: at.UTC(),
		Streams:  len(heads),
		Changed:  changedHeads(heads, changed),
		Digest:   heads.Digest().String(),
		Previous: previous,
	}
	if err := c.Sign(key); err != nil {
		return Checkpoint{}, err
	}
	return c, nil
}

// EventData returns the checkpoint as an event to append.
func (c Checkpoint) EventData() (eventstore.EventData, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return eventstore.EventData{}, fmt.Errorf("encode checkpoint: %w", err)
	}
	return eventstore.EventData{ID: uuid.New(), Type: CheckpointType, SchemaVersion: CheckpointSchema, Data: data, Metadata: []byte("{}")}, nil
}
