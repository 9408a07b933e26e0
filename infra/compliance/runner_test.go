package compliance_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jointops/jointops/commands"
	flags "github.com/jointops/jointops/domain/compliance"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/infra/compliance"
	"github.com/jointops/jointops/projections"
)

func newPolicy(t testing.TB, r compliance.Recorder, tune func(*compliance.Config)) *compliance.Policy {
	t.Helper()
	cfg := compliance.Config{Recorder: r, Principal: dt.Must(commands.SystemPrincipal(deA))}
	if tune != nil {
		tune(&cfg)
	}
	return dt.Must(compliance.New(cfg))
}

func applyAll(t testing.TB, p *compliance.Policy, envs []projections.Envelope) {
	t.Helper()
	for _, e := range envs {
		if err := p.Apply(context.Background(), e); err != nil {
			t.Fatalf("apply %s: %v", e.Position, err)
		}
	}
}

// TestReplayTwiceRecordsEachFlagOnce folds the log, then folds it again
// from zero (a rebuild), then once more with a restart from a checkpoint
// in the middle: the same flags, each recorded once.
func TestReplayTwiceRecordsEachFlagOnce(t *testing.T) {
	envs := scenario(t)
	r := newRecorder()
	applyAll(t, newPolicy(t, r, nil), envs)
	if got := r.rules(); !slices.Equal(got, wantRules) {
		t.Fatalf("first fold raised %v, want %v", got, wantRules)
	}
	applyAll(t, newPolicy(t, r, nil), envs)
	if got := r.rules(); !slices.Equal(got, wantRules) {
		t.Fatalf("after a second fold: %v", got)
	}

	fresh := newRecorder()
	first := newPolicy(t, fresh, nil)
	half := len(envs) - 2
	applyAll(t, first, envs[:half])
	cp, err := first.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	if cp.Position != envs[half-1].Position || len(cp.Parts) != 2 {
		t.Fatalf("checkpoint at %q with %d parts", cp.Position, len(cp.Parts))
	}
	second := newPolicy(t, fresh, nil)
	if err := second.Restore(cp.Position, cp.Parts); err != nil {
		t.Fatal(err)
	}
	applyAll(t, second, envs[half:])
	if got := fresh.rules(); !slices.Equal(got, wantRules) {
		t.Fatalf("with a restart: %v, want %v", got, wantRules)
	}
	if again, _ := second.Checkpoint(); len(again.Parts) != 1 || again.Parts["policy"] == nil {
		t.Errorf("a policy whose reference data did not change saved %d parts", len(again.Parts))
	}
	if idle, _ := second.Checkpoint(); len(idle.Parts) != 0 {
		t.Error("an unchanged policy checkpointed again")
	}
}

// TestOutboxSurvivesFailuresAndRestarts: a decision the store cannot take
// waits in the outbox, travels with the checkpoint and is recorded by the
// next tick.
func TestOutboxSurvivesFailuresAndRestarts(t *testing.T) {
	envs := scenario(t)
	r := newRecorder()
	p := newPolicy(t, r, nil)
	applyAll(t, p, envs[:len(envs)-3])
	r.failNext = 1
	applyAll(t, p, envs[len(envs)-3:len(envs)-1]) // the distance flag fails, the notification deadline waits behind it
	if p.Pending() == 0 {
		t.Fatal("a failed decision was not kept")
	}
	cp := dt.Must(p.Checkpoint())
	restarted := newPolicy(t, r, nil)
	if err := restarted.Restore(cp.Position, cp.Parts); err != nil {
		t.Fatal(err)
	}
	if restarted.Pending() == 0 {
		t.Fatal("the outbox did not survive the restart")
	}
	restarted.Tick(context.Background(), dt.At(0))
	if restarted.Pending() != 0 {
		t.Fatalf("%d decisions still pending after a tick", restarted.Pending())
	}
	if got := r.rules(); !slices.Equal(got, wantRules[:2]) {
		t.Fatalf("recorded %v, want %v", got, wantRules[:2])
	}
}

// TestRunFiresDeadlinesWithoutEvents: the notification deadline of the
// crossing fires by the clock alone, and not while the runner catches up.
func TestRunFiresDeadlinesWithoutEvents(t *testing.T) {
	all := scenario(t)
	envs := all[:len(all)-2] // up to the crossing
	var live atomic.Bool
	r := newRecorder()
	p := newPolicy(t, r, func(c *compliance.Config) {
		c.TickEvery = time.Millisecond
		c.Clock = func() time.Time { return crossing.Add(time.Hour) }
		c.Live = live.Load
	})
	applyAll(t, p, envs)
	p.Tick(context.Background(), crossing.Add(time.Hour))
	if got := r.rules(); len(got) != 0 {
		t.Fatalf("fired while catching up: %v", got)
	}
	live.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(r.rules()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := r.rules(); !slices.Equal(got, []string{string(flags.RuleNotificationMissing)}) {
		t.Fatalf("ticker recorded %v", got)
	}
}

func TestRestoreRefusesBadCheckpoints(t *testing.T) {
	tests := []struct {
		name  string
		parts map[string][]byte
		want  error
	}{
		{"no part", map[string][]byte{}, projections.ErrSnapshotCorrupt},
		{"no reference part", map[string][]byte{"policy": []byte(`{"version":1}`)}, projections.ErrSnapshotCorrupt},
		{"not JSON", map[string][]byte{"reference": []byte("x"), "policy": []byte("x")}, projections.ErrSnapshotCorrupt},
		{"another version", map[string][]byte{"reference": []byte("{}"), "policy": []byte(`{"version":2}`)}, projections.ErrSnapshotVersion},
		{"a reference of another version", map[string][]byte{"reference": []byte(`{"version":9,"kind":"reference","data":{}}`),
			"policy": []byte(`{"version":1,"fold":"e30="}`)}, projections.ErrSnapshotVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newPolicy(t, newRecorder(), nil).Restore("1", tt.parts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Restore = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	_, err := compliance.New(compliance.Config{TickEvery: -1})
	if err == nil {
		t.Fatal("an empty config was accepted")
	}
	for _, want := range []string{"recorder", "principal", "tick every"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not mention %s", err, want)
		}
	}
}

// TestFailedRecordingWaitsBeforeRetrying: after a failure the outbox is
// not tried again before RetryEvery, then it is.
func TestFailedRecordingWaitsBeforeRetrying(t *testing.T) {
	envs := scenario(t)
	now := dt.At(0)
	r := newRecorder()
	p := newPolicy(t, r, func(c *compliance.Config) {
		c.Clock = func() time.Time { return now }
		c.RetryEvery = time.Minute
	})
	applyAll(t, p, envs[:len(envs)-2])
	r.failNext = 1
	applyAll(t, p, envs[len(envs)-2:len(envs)-1])
	if p.Pending() != 2 {
		t.Fatalf("%d pending after a failure, want the distance and notification flags", p.Pending())
	}
	r.failNext = 1 // a call now would fail again, and be seen to
	p.Tick(context.Background(), dt.At(0))
	if p.Pending() != 2 || r.failNext != 1 {
		t.Fatal("the outbox was retried before RetryEvery")
	}
	r.failNext = 0
	now = now.Add(time.Minute)
	p.Tick(context.Background(), dt.At(0))
	if p.Pending() != 0 {
		t.Fatalf("%d still pending after RetryEvery", p.Pending())
	}
}
