package integrity

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jointops/jointops/infra/auth"
)

const publicPEMType = "JOINTOPS ED25519 PUBLIC KEY"

// LoadOrCreateKey loads the checkpoint signing key at keyPath, or generates
// one there (mode 0600) if it does not exist yet; in both cases it makes
// sure the public key is written to pubPath (mode 0644), where verifiers
// pin it. created says whether the key was generated.
func LoadOrCreateKey(keyPath, pubPath string) (key ed25519.PrivateKey, created bool, err error) {
	key, created, err = auth.LoadOrCreateKey(keyPath)
	if err != nil {
		return nil, false, fmt.Errorf("checkpoint %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	have, err := LoadPublicKey(pubPath)
	switch {
	case err == nil && have.Equal(pub):
		return key, created, nil
	case err == nil:
		return nil, false, fmt.Errorf("checkpoint public key %s does not belong to the signing key %s", pubPath, keyPath)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, err
	}
	if err := WritePublicKey(pubPath, pub); err != nil {
		return nil, false, err
	}
	return key, created, nil
}

// WritePublicKey writes pub as PEM to path, replacing the file atomically.
func WritePublicKey(path string, pub ed25519.PublicKey) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("checkpoint public key dir: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".checkpoint-pub-*")
	if err != nil {
		return fmt.Errorf("write checkpoint public key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := pem.Encode(tmp, &pem.Block{Type: publicPEMType, Bytes: pub}); err != nil {
		tmp.Close()
		return fmt.Errorf("write checkpoint public key: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write checkpoint public key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write checkpoint public key: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write checkpoint public key: %w", err)
	}
	return nil
}

// LoadPublicKey reads a public key written by WritePublicKey; a missing
// file yields an error that Is fs.ErrNotExist.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint public key: %w", err)
	}
	return ParsePublicKey(b)
}

// ParsePublicKey parses the PEM form written by WritePublicKey.
func ParsePublicKey(b []byte) (ed25519.PublicKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != publicPEMType || len(blk.Bytes) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("checkpoint public key: not a %s PEM block", publicPEMType)
	}
	return ed25519.PublicKey(blk.Bytes), nil
}

// EncodePublicKey returns the PEM form of pub, as WritePublicKey writes it.
func EncodePublicKey(pub ed25519.PublicKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: publicPEMType, Bytes: pub})
}

// KeyID names a public key in checkpoints: the first 8 bytes of its
// SHA-256, in hex. It lets a verifier tell "signed with another key" from
// "forged".
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}
