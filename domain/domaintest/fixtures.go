package domaintest

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
)

// UUID returns a deterministic, non-nil, version-4-shaped UUID for n (its
// last 48 bits), so tests name their entities by small numbers and failures
// stay readable: UUID(7) is 00000000-0000-4000-8000-000000000007.
func UUID(n uint64) uuid.UUID {
	var u uuid.UUID
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	copy(u[10:], b[2:])
	u[6] = 0x40 // version 4
	u[8] = 0x80 // RFC 4122 variant
	return u
}

// Must returns v and panics if err is not nil: for building fixtures that
// are valid by construction, where a failure is a bug in the test itself.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("domaintest: fixture: %v", err))
	}
	return v
}

// T0 is the base time of every scenario: 2025-03-01 08:00 UTC.
func T0() time.Time { return time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC) }

// At returns T0 plus d.
func At(d time.Duration) time.Time { return T0().Add(d) }

// Meta returns the metadata of a command by actor that occurred and is
// recorded at the same instant, under the default time policy.
func Meta(t testing.TB, actor domain.Actor, at time.Time) domain.Meta {
	t.Helper()
	return MetaAt(t, actor, at, at)
}

// MetaAt returns the metadata of a command whose fact occurred at
// occurredAt and is recorded at recordedAt, under the default time policy.
func MetaAt(t testing.TB, actor domain.Actor, occurredAt, recordedAt time.Time) domain.Meta {
	t.Helper()
	m, err := domain.NewMeta(actor, occurredAt, recordedAt, domain.TimePolicy{})
	if err != nil {
		t.Fatalf("NewMeta: %v", err)
	}
	return m
}
