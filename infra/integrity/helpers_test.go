package integrity_test

import (
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/sqlite"
	"github.com/jointops/jointops/infra/integrity"
)

// quiet is the logger of the tests: their output is for failures.
var quiet = slog.New(slog.DiscardHandler)

func newStore(t testing.TB) eventstore.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Config{Path: filepath.Join(t.TempDir(), "events.db"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func appendN(t testing.TB, s eventstore.Store, stream string, n int) {
	t.Helper()
	for i := range n {
		_, err := s.Append(t.Context(), stream, eventstore.Any(), eventstore.EventData{
			ID: uuid.New(), Type: "test.happened", SchemaVersion: 1, Data: fmt.Appendf(nil, `{"n":%d}`, i),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func newCheckpointer(t testing.TB, s eventstore.Store, key ed25519.PrivateKey) *integrity.Checkpointer {
	t.Helper()
	c, err := integrity.New(integrity.Config{Store: s, Key: key, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustCheckpoint(t testing.TB, c *integrity.Checkpointer, wantSigned bool) integrity.Checkpoint {
	t.Helper()
	cp, signed, err := c.Checkpoint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if signed != wantSigned {
		t.Fatalf("checkpoint signed = %v, want %v", signed, wantSigned)
	}
	return cp
}
