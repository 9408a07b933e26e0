package integrity_test

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/integrity"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestCheckpointSignature(t *testing.T) {
	key, other := newKey(t), newKey(t)
	pub := key.Public().(ed25519.PublicKey)
	heads := integrity.Heads{"a": {Revision: 1, Link: eventstore.Hash{1}}}
	cp, err := integrity.NewCheckpoint(key, eventstore.Position{Commit: 7, Prepare: 7}, time.Unix(1e9, 5), heads, map[string]struct{}{"a": {}}, "")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := cp.EventData()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := integrity.ParseCheckpoint(ev.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := parsed.CheckSignature(pub); err != nil {
		t.Fatalf("a parsed checkpoint does not verify: %v", err)
	}
	tests := []struct {
		name   string
		change func(*integrity.Checkpoint)
		pub    ed25519.PublicKey
		want   string
	}{
		{"revision altered", func(c *integrity.Checkpoint) { c.Changed[0].Revision = 0 }, pub, "forged or altered"},
		{"covers altered", func(c *integrity.Checkpoint) { c.Covers = "6/6" }, pub, "forged or altered"},
		{"signature garbled", func(c *integrity.Checkpoint) { c.Signature = "AAAA" }, pub, "malformed"},
		{"another key pinned", func(*integrity.Checkpoint) {}, other.Public().(ed25519.PublicKey), "the pinned key is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := integrity.ParseCheckpoint(ev.Data)
			tt.change(&c)
			err := c.CheckSignature(tt.pub)
			if !errors.Is(err, integrity.ErrBadSignature) || !contains(err.Error(), tt.want) {
				t.Fatalf("CheckSignature: %v, want ErrBadSignature mentioning %q", err, tt.want)
			}
		})
	}
}

func TestDigestDependsOnEveryHead(t *testing.T) {
	base := integrity.Heads{"a": {Revision: 1, Link: eventstore.Hash{1}}, "ab": {Revision: 0, Link: eventstore.Hash{2}}}
	variants := map[string]integrity.Heads{
		"revision":       {"a": {Revision: 2, Link: eventstore.Hash{1}}, "ab": {Revision: 0, Link: eventstore.Hash{2}}},
		"link":           {"a": {Revision: 1, Link: eventstore.Hash{3}}, "ab": {Revision: 0, Link: eventstore.Hash{2}}},
		"stream removed": {"a": {Revision: 1, Link: eventstore.Hash{1}}},
		"name shifted":   {"aa": {Revision: 1, Link: eventstore.Hash{1}}, "b": {Revision: 0, Link: eventstore.Hash{2}}},
	}
	for name, v := range variants {
		if v.Digest() == base.Digest() {
			t.Errorf("%s: same digest", name)
		}
	}
	if base.Clone().Digest() != base.Digest() {
		t.Error("the digest of a copy differs")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	keyPath, pubPath := filepath.Join(dir, "checkpoint.key"), filepath.Join(dir, "checkpoint.pub")
	key, created, err := integrity.LoadOrCreateKey(keyPath, pubPath)
	if err != nil || !created {
		t.Fatalf("first run: created=%v, %v", created, err)
	}
	pub, err := integrity.LoadPublicKey(pubPath)
	if err != nil || !pub.Equal(key.Public()) {
		t.Fatalf("public key file: %v", err)
	}
	if st, err := os.Stat(keyPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v, %v", st, err)
	}
	again, created, err := integrity.LoadOrCreateKey(keyPath, pubPath)
	if err != nil || created || !again.Equal(key) {
		t.Fatalf("second run: created=%v, %v", created, err)
	}
	if err := integrity.WritePublicKey(pubPath, newKey(t).Public().(ed25519.PublicKey)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := integrity.LoadOrCreateKey(keyPath, pubPath); err == nil || !contains(err.Error(), "does not belong") {
		t.Fatalf("a public key of another key pair: %v, want refused", err)
	}
}
