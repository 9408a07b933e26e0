package sqlite

import (
	"fmt"
	"testing"

	"github.com/jointops/jointops/infra/eventstore"
)

// tamperKind is a way of altering the file behind the store's back.
type tamperKind int

const (
	flipDataByte tamperKind = iota
	deleteRow
	swapRows     // two events of a stream exchange places in the log
	swapPayloads // two events of a stream exchange data and metadata
)

// tamperFile alters the event of stream at revision rev (and, for swaps,
// its successor) with a connection of its own.
func tamperFile(t *testing.T, path string, kind tamperKind, stream string, rev uint64) {
	t.Helper()
	db := rawDB(t, path)
	ctx := t.Context()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	seqOf := func(rev uint64) int64 {
		var seq int64
		if err := tx.QueryRowContext(ctx, `SELECT seq FROM events WHERE stream = ? AND revision = ?`, stream, rev).Scan(&seq); err != nil {
			t.Fatalf("find %s@%d: %v", stream, rev, err)
		}
		return seq
	}
	exec := func(q string, args ...any) {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	a := seqOf(rev)
	switch kind {
	case flipDataByte:
		var data []byte
		if err := tx.QueryRowContext(ctx, `SELECT data FROM events WHERE seq = ?`, a).Scan(&data); err != nil || len(data) == 0 {
			t.Fatalf("read data of %s@%d: %d bytes, %v", stream, rev, len(data), err)
		}
		data[len(data)/2] ^= 0x01
		exec(`UPDATE events SET data = ? WHERE seq = ?`, data, a)
	case deleteRow:
		exec(`DELETE FROM events WHERE seq = ?`, a)
	case swapRows:
		b := seqOf(rev + 1)
		exec(`UPDATE events SET seq = -1 WHERE seq = ?`, a)
		exec(`UPDATE events SET seq = ? WHERE seq = ?`, a, b)
		exec(`UPDATE events SET seq = ? WHERE seq = -1`, b)
	case swapPayloads:
		b := seqOf(rev + 1)
		var dataA, metaA, dataB, metaB []byte
		for _, r := range []struct {
			seq        int64
			data, meta *[]byte
		}{{a, &dataA, &metaA}, {b, &dataB, &metaB}} {
			if err := tx.QueryRowContext(ctx, `SELECT data, metadata FROM events WHERE seq = ?`, r.seq).Scan(r.data, r.meta); err != nil {
				t.Fatalf("read payload at %d: %v", r.seq, err)
			}
		}
		exec(`UPDATE events SET data = ?, metadata = ? WHERE seq = ?`, dataB, metaB, a)
		exec(`UPDATE events SET data = ?, metadata = ? WHERE seq = ?`, dataA, metaA, b)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name    string
		kind    tamperKind
		rev     uint64 // tampered revision of stream "b"
		wantRev uint64 // revision Verify must name
		wantPos uint64 // position Verify must name
	}{
		// Streams a, b, c take turns: b's revision r is at position 3r+2.
		{"altered payload", flipDataByte, 2, 2, 8},
		{"removed event", deleteRow, 2, 3, 11},
		{"removed first event", deleteRow, 0, 1, 5},
		{"events swapped in the log", swapRows, 1, 2, 5},
		{"payloads swapped", swapPayloads, 1, 1, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			for i := range 5 {
				for _, st := range []string{"a", "b", "c"} {
					e := event("test.x", i)
					e.Data = fmt.Appendf(nil, `{"stream":%q,"n":%d}`, st, i)
					mustAppend(t, s, st, eventstore.Any(), e)
				}
			}
			if rep, err := eventstore.Verify(t.Context(), s); err != nil || !rep.OK() || rep.Events != 15 || rep.Streams != 3 {
				t.Fatalf("Verify before tampering: %+v, %v", rep, err)
			}
			tamperFile(t, s.cfg.Path, tt.kind, "b", tt.rev)
			rep, err := eventstore.Verify(t.Context(), s)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if rep.OK() {
				t.Fatal("Verify passed a tampered log")
			}
			if b := rep.Broken; b.Stream != "b" || b.Revision != tt.wantRev || b.Position != position(tt.wantPos) {
				t.Fatalf("Verify broken at %s, want stream b revision %d at %d", b, tt.wantRev, tt.wantPos)
			}
		})
	}
}
