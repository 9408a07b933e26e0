package integrity_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/integrity"
)

func TestCheckpointerSignsOnlyChangesAndResumes(t *testing.T) {
	s := newStore(t)
	key := newKey(t)
	pub := key.Public().(ed25519.PublicKey)
	c := newCheckpointer(t, s, key)

	mustCheckpoint(t, c, false) // empty log: nothing to sign
	appendN(t, s, "a", 3)
	appendN(t, s, "b", 2)
	first := mustCheckpoint(t, c, true)
	if first.Streams != 2 || len(first.Changed) != 2 || first.Previous != "" || first.Covers != "5/5" {
		t.Fatalf("first checkpoint %+v, want 2 streams changed covering 5/5", first)
	}
	mustCheckpoint(t, c, false) // only the checkpoint itself was appended

	appendN(t, s, "b", 1)
	second := mustCheckpoint(t, c, true)
	if second.Streams != 2 || len(second.Changed) != 1 || second.Changed[0] != (integrity.StreamHead{Stream: "b", Revision: 2, Link: second.Changed[0].Link}) || second.Previous != first.Digest {
		t.Fatalf("second checkpoint %+v, want only b at revision 2, chained to the first", second)
	}

	// A restarted server picks up from the stream, not from scratch.
	restarted := newCheckpointer(t, s, key)
	mustCheckpoint(t, restarted, false)
	appendN(t, s, "c", 1)
	third := mustCheckpoint(t, restarted, true)
	if third.Streams != 3 || len(third.Changed) != 1 || third.Previous != second.Digest {
		t.Fatalf("third checkpoint %+v, want c added to 3 streams, chained to the second", third)
	}

	appendN(t, s, "a", 2)
	rep, err := integrity.Verify(t.Context(), s, pub)
	if err != nil || !rep.OK() {
		t.Fatalf("Verify: %+v, %v", rep.Broken, err)
	}
	if rep.Checkpoints != 3 || rep.Uncovered != 2 || rep.Streams != 4 || rep.Events != 12 || rep.LastSigned.String() != third.Covers {
		t.Fatalf("Verify report %+v, want 3 checkpoints, 2 events uncovered, 4 streams, 12 events", rep)
	}
}

// TestCheckpointCoversEarlierPosition checks that Verify takes the heads at
// the covered position, not at the checkpoint's own: appends land between
// the checkpointer's read of the log and its append.
func TestCheckpointCoversEarlierPosition(t *testing.T) {
	s := newStore(t)
	key := newKey(t)
	appendN(t, s, "a", 2)
	c, err := integrity.New(integrity.Config{Store: racingStore{Store: s, t: t}, Key: key, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	cp := mustCheckpoint(t, c, true)
	if cp.Covers != "2/2" {
		t.Fatalf("covers %s, want 2/2", cp.Covers)
	}
	rep, err := integrity.Verify(t.Context(), s, key.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() || rep.Checkpoints != 1 || rep.Uncovered != 2 {
		t.Fatalf("Verify: %+v, %v; want OK with 1 checkpoint and the 2 racing events uncovered", rep, err)
	}
}

// racingStore appends to streams a and new before every checkpoint append.
type racingStore struct {
	eventstore.Store
	t testing.TB
}

func (r racingStore) Append(ctx context.Context, stream string, exp eventstore.ExpectedRevision, evs ...eventstore.EventData) (eventstore.AppendResult, error) {
	if stream == integrity.CheckpointStream {
		appendN(r.t, r.Store, "a", 1)
		appendN(r.t, r.Store, "new", 1)
	}
	return r.Store.Append(ctx, stream, exp, evs...)
}

func TestCheckpointerFencedByAnotherSigner(t *testing.T) {
	s := newStore(t)
	key := newKey(t)
	one, two := newCheckpointer(t, s, key), newCheckpointer(t, s, key)
	appendN(t, s, "a", 1)
	mustCheckpoint(t, one, true)
	mustCheckpoint(t, two, false) // loads one's checkpoint: nothing new
	appendN(t, s, "a", 1)
	mustCheckpoint(t, one, true)
	appendN(t, s, "b", 1)
	if _, _, err := two.Checkpoint(t.Context()); !errors.Is(err, eventstore.ErrWrongExpectedRevision) {
		t.Fatalf("stale signer: %v, want ErrWrongExpectedRevision", err)
	}
	mustCheckpoint(t, two, true) // re-read the stream and signed on top
	rep, err := integrity.Verify(t.Context(), s, key.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() || rep.Checkpoints != 3 {
		t.Fatalf("Verify: %+v, %v", rep, err)
	}
}

func TestRunSignsAtShutdown(t *testing.T) {
	s := newStore(t)
	key := newKey(t)
	c, err := integrity.New(integrity.Config{Store: s, Key: key, Interval: time.Hour, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, s, "a", 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Run(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := integrity.Verify(t.Context(), s, key.Public().(ed25519.PublicKey))
	if err != nil || !rep.OK() || rep.Checkpoints != 1 {
		t.Fatalf("Verify after Run: %+v, %v; want the shutdown checkpoint", rep, err)
	}
}

func TestConfigValidate(t *testing.T) {
	_, err := integrity.New(integrity.Config{Interval: -time.Second})
	for _, want := range []string{"store is required", "signing key is required", "interval"} {
		if err == nil || !contains(err.Error(), want) {
			t.Errorf("Validate: %v, want it to mention %q", err, want)
		}
	}
}

// TestCodecSkipsCheckpoints: projections and the command side read the log
// through the codec, which must pass over checkpoints as events of no
// aggregate rather than fail on them.
func TestCodecSkipsCheckpoints(t *testing.T) {
	s := newStore(t)
	appendN(t, s, "a", 1)
	mustCheckpoint(t, newCheckpointer(t, s, newKey(t)), true)
	codec, err := eventlog.NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	evs, err := s.ReadStream(t.Context(), integrity.CheckpointStream, eventstore.Forwards, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, known, err := codec.Decode(evs[0]); known || err != nil {
		t.Fatalf("codec decodes a checkpoint as known=%v, err=%v; want it skipped", known, err)
	}
}
