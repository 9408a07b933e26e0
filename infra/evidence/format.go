package evidence

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jointops/jointops/infra/integrity"
)

// Files of a bundle.
const (
	ManifestFile   = "manifest.json"
	EventsFile     = "events.jsonl"
	LinksFile      = "links.jsonl"
	CheckpointFile = "checkpoint.json"
	TracksDir      = "tracks"
)

// Format is the bundle format written by this package.
const Format = "jointops-evidence/1"

// Scope of a full export (not as seen by one agency).
const ScopeFull = "full"

// Reasons an event is withheld from an export.
const (
	// ReasonMarking: the agency the export is for may not see the report at
	// the export position (or an event about such a report).
	ReasonMarking = "marking: not visible to the agency at the export position"
	// ReasonJudicial: an H1-marked report without a recorded judicial-use
	// permission (or an event about such a report).
	ReasonJudicial = "H1: no judicial-use permission at the export position"
	// ReasonUndecodable: the event does not decode, so a scoped export
	// cannot tell who may see it.
	ReasonUndecodable = "undecodable: cannot tell who may see it"
)

// Manifest describes a bundle and is signed with the checkpoint key.
type Manifest struct {
	Format     string    `json:"format"`
	Operation  string    `json:"operation"`
	ExportedAt time.Time `json:"exported_at"`
	// Position is the log position the export is taken at.
	Position string `json:"position"`
	// AsSeenBy is ScopeFull or the ID of the agency the export is for.
	AsSeenBy string   `json:"as_seen_by"`
	Judicial bool     `json:"judicial"`
	Counts   Counts   `json:"counts"`
	Withheld Withheld `json:"withheld"`
	// Files maps every other file of the bundle to its SHA-256 in hex.
	Files map[string]string `json:"files"`
	// PublicKey is the PEM of the key that signed the bundle; a verifier
	// pins its own copy rather than trust this one.
	PublicKey string `json:"public_key"`
	KeyID     string `json:"key_id"`
	Signature string `json:"signature"`
}

// Counts are the sizes of a bundle.
type Counts struct {
	Events  int `json:"events"`
	Links   int `json:"links"`
	Streams int `json:"streams"`
	Tracks  int `json:"tracks"`
}

// Withheld says what an export left out: IDs and reasons, never content.
type Withheld struct {
	Count    int            `json:"count"`
	ByReason map[string]int `json:"by_reason"`
	Events   []WithheldItem `json:"events"`
}

// WithheldItem is one event left out of an export.
type WithheldItem struct {
	EventID string `json:"event_id"`
	Reason  string `json:"reason"`
}

// manifestDomain separates manifest signatures from checkpoint ones.
const manifestDomain = "jointops evidence manifest v1\n"

// signingBytes is what the manifest signature covers: a fixed prefix and
// the JSON of the manifest with an empty signature (encoding/json writes
// struct fields in order and map keys sorted, so a verifier re-encodes
// what it parsed).
func (m Manifest) signingBytes() ([]byte, error) {
	m.Signature = ""
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("manifest signing bytes: %w", err)
	}
	return append([]byte(manifestDomain), b...), nil
}

func (m *Manifest) sign(key ed25519.PrivateKey) error {
	pub := key.Public().(ed25519.PublicKey)
	m.PublicKey, m.KeyID = string(integrity.EncodePublicKey(pub)), integrity.KeyID(pub)
	msg, err := m.signingBytes()
	if err != nil {
		return err
	}
	m.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))
	return nil
}

// errManifestSignature: the manifest signature does not verify.
var errManifestSignature = errors.New("manifest signature does not verify")

func (m Manifest) checkSignature(pub ed25519.PublicKey) error {
	if m.KeyID != integrity.KeyID(pub) {
		return fmt.Errorf("%w: signed with key %s, the pinned key is %s", errManifestSignature, m.KeyID, integrity.KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: malformed signature", errManifestSignature)
	}
	msg, err := m.signingBytes()
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, msg, sig) {
		return fmt.Errorf("%w: manifest altered or forged", errManifestSignature)
	}
	return nil
}

// CheckpointDoc is checkpoint.json: the heads of the exported streams
// signed at export time, and the latest checkpoint the server had signed
// by then, if any.
type CheckpointDoc struct {
	Export integrity.Checkpoint  `json:"export"`
	Server *integrity.Checkpoint `json:"server,omitempty"`
	// ServerPosition is where the server checkpoint is in the log.
	ServerPosition string `json:"server_position,omitempty"`
}

// eventLine is one line of events.jsonl. Data and Metadata are the stored
// bytes, written as JSON when they are single-line JSON (the rule) and in
// base64 otherwise, so that the chain link can be recomputed byte for byte.
type eventLine struct {
	Position      string          `json:"position"`
	Stream        string          `json:"stream"`
	Revision      uint64          `json:"revision"`
	ID            string          `json:"id"`
	Type          string          `json:"type"`
	SchemaVersion uint32          `json:"schema_version"`
	RecordedAt    string          `json:"recorded_at"`
	Data          json.RawMessage `json:"data,omitempty"`
	DataB64       *[]byte         `json:"data_b64,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	MetadataB64   *[]byte         `json:"metadata_b64,omitempty"`
}

// linkLine is one line of links.jsonl.
type linkLine struct {
	Position string `json:"position"`
	Stream   string `json:"stream"`
	Revision uint64 `json:"revision"`
	ID       string `json:"id"`
	Link     string `json:"link"`
	Prev     string `json:"prev"`
	// Withheld is the reason the event's content is not in the bundle.
	Withheld string `json:"withheld,omitempty"`
}
