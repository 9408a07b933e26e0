package evidence_test

import (
	"bytes"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"testing"

	"github.com/jointops/jointops/infra/evidence"
)

// TestVerifyBundleCatchesTampering alters a clean bundle one way each and
// expects VerifyBundle to name the problem. "Re-signed" cases also rewrite
// the manifest's hashes and signature with the key, as an insider could,
// to reach the checks behind the signature.
func TestVerifyBundleCatchesTampering(t *testing.T) {
	w := newWorld(t)
	w.seed()
	_, otherKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		resign bool
		pub    ed25519.PublicKey
		want   string
	}{
		{"byte of events.jsonl edited", editEvents(flipTextByte), false, nil, "events.jsonl: SHA-256"},
		{"byte of events.jsonl edited, re-signed", editEvents(flipTextByte), true, nil, "chain link mismatch"},
		{"event line dropped", editEvents(dropLine(3)), false, nil, "events.jsonl: SHA-256"},
		{"event line dropped, re-signed", editEvents(dropLine(3)), true, nil, "missing from events.jsonl"},
		{"event lines reordered, re-signed", editEvents(swapLines(2, 3)), true, nil, "line removed or reordered"},
		{"event lines far apart swapped, re-signed", editEvents(swapLines(1, 12)), true, nil, "line removed or reordered"},
		{"middle event line dropped, re-signed", editEvents(dropLine(8)), true, nil, "missing from events.jsonl"},
		{"middle event line doubled, re-signed", editEvents(doubleLine(8)), true, nil, "out of log order"},
		{"link line dropped, re-signed", editLinks(dropLine(3)), true, nil, "links removed"},
		{"last event of a stream and its link dropped, re-signed", func(t *testing.T, dir string) {
			// The line before the audit event is the task's last event.
			editEvents(dropFromEnd(2))(t, dir)
			editLinks(dropFromEnd(2))(t, dir)
		}, true, nil, "signed up to revision"},
		{"manifest edited", editFile(evidence.ManifestFile, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"judicial": false`), []byte(`"judicial": true`), 1)
		}), false, nil, "manifest altered or forged"},
		{"wrong key", func(*testing.T, string) {}, false, otherKey.Public().(ed25519.PublicKey), "the pinned key is"},
		{"file slipped in", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "note.txt"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, false, nil, "note.txt is not listed"},
		{"file removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, evidence.CheckpointFile)); err != nil {
				t.Fatal(err)
			}
		}, false, nil, "checkpoint.json is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := w.export(evidence.Request{})
			if rep, err := evidence.VerifyBundle(s.Dir, w.pub()); err != nil || !rep.OK() {
				t.Fatalf("clean bundle: %+v, %v", rep, err)
			}
			tt.tamper(t, s.Dir)
			if tt.resign {
				if err := evidence.Resign(s.Dir, w.key); err != nil {
					t.Fatal(err)
				}
			}
			pub := tt.pub
			if pub == nil {
				pub = w.pub()
			}
			rep, err := evidence.VerifyBundle(s.Dir, pub)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !contains(rep.Problem, tt.want) {
				t.Fatalf("problem %q, want one mentioning %q", rep.Problem, tt.want)
			}
			halves, err := evidence.VerifyBundleInHalves(s.Dir, pub)
			if err != nil || halves.Problem != rep.Problem {
				t.Fatalf("checked in halves: %+v, %v\nwhole: %+v", halves, err, rep)
			}
		})
	}
}

func TestVerifyBundleWithoutPinnedKey(t *testing.T) {
	w := newWorld(t)
	w.seed()
	s := w.export(evidence.Request{})
	rep, err := evidence.VerifyBundle(s.Dir, nil)
	if err != nil || !rep.OK() || rep.Pinned {
		t.Fatalf("VerifyBundle with the bundle's own key: %+v, %v; want OK, not pinned", rep, err)
	}
}

func editFile(name string, fn func([]byte) []byte) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		t.Helper()
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, fn(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func editEvents(fn func([]byte) []byte) func(*testing.T, string) {
	return editFile(evidence.EventsFile, fn)
}
func editLinks(fn func([]byte) []byte) func(*testing.T, string) {
	return editFile(evidence.LinksFile, fn)
}

// flipTextByte changes one letter of the first observation's text.
func flipTextByte(b []byte) []byte {
	i := bytes.Index(b, []byte(`"text":"seen `))
	out := bytes.Clone(b)
	out[i+len(`"text":"s`)] = 'S'
	return out
}

func splitLines(b []byte) [][]byte { return bytes.SplitAfter(b, []byte("\n")) }

func dropLine(n int) func([]byte) []byte {
	return func(b []byte) []byte {
		ls := splitLines(b)
		return bytes.Join(append(ls[:n:n], ls[n+1:]...), nil)
	}
}

func swapLines(i, j int) func([]byte) []byte {
	return func(b []byte) []byte {
		ls := splitLines(b)
		ls[i], ls[j] = ls[j], ls[i]
		return bytes.Join(ls, nil)
	}
}

// dropFromEnd removes the k-th line from the end.
func dropFromEnd(k int) func([]byte) []byte {
	return func(b []byte) []byte {
		ls := splitLines(bytes.TrimSuffix(b, []byte("\n")))
		n := len(ls) - k
		return append(bytes.Join(append(ls[:n:n], ls[n+1:]...), nil), '\n')
	}
}

func doubleLine(n int) func([]byte) []byte {
	return func(b []byte) []byte {
		ls := splitLines(b)
		out := append([][]byte{}, ls[:n+1]...)
		out = append(out, ls[n:]...)
		return bytes.Join(out, nil)
	}
}
