package integrity

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/jointops/jointops/infra/eventstore"
)

// Report is the outcome of Verify.
type Report struct {
	Events  uint64
	Streams int
	// Checkpoints is how many signed checkpoints were checked.
	Checkpoints int
	// LastSigned is the position the latest valid checkpoint covers;
	// Signed says there was one.
	LastSigned eventstore.Position
	Signed     bool
	// Uncovered counts the events (outside CheckpointStream) after
	// LastSigned: correct as far as their chains go, but a removal of them
	// from a stream's end would not be noticed.
	Uncovered uint64
	// Heads are the stream heads at the end of the log.
	Heads Heads
	// Broken is the first failure in log order, nil when the log verifies.
	Broken *eventstore.BrokenLink
}

// OK reports whether the log verified.
func (r Report) OK() bool { return r.Broken == nil }

// verifyPage is the ReadAll page size of Verify.
const verifyPage = 4096

// undo is a head as it was before an event moved it, kept from the last
// checkpoint's position on so that the heads at a later checkpoint's
// (earlier) covered position can be recomputed.
type undo struct {
	pos    eventstore.Position
	stream string
	had    bool
	old    Head
}

// walk is the state of one Verify.
type walk struct {
	pub      ed25519.PublicKey
	rep      Report
	heads    Heads
	undos    []undo
	signed   Heads // heads at the last valid checkpoint
	signedAt eventstore.Position
	lastCP   eventstore.RecordedEvent
	previous string
}

// Verify walks the whole log in order as eventstore.Verify does (revisions
// without gap, positions increasing, every chain link recomputed) and, when
// pub is set, checks each checkpoint in CheckpointStream on the way: its
// signature, that the heads it signs are those of the log at the position
// it covers, and that it follows the previous one. At the end no stream may
// end before its signed revision. An error is returned only when the log
// cannot be read.
func Verify(ctx context.Context, r eventstore.Reader, pub ed25519.PublicKey) (Report, error) {
	w := &walk{pub: pub, heads: Heads{}, rep: Report{}}
	from := eventstore.Start
	var last eventstore.Position
	for {
		page, err := r.ReadAll(ctx, eventstore.Forwards, from, verifyPage)
		if err != nil {
			return w.rep, fmt.Errorf("verify: %w", err)
		}
		for _, e := range page {
			if w.rep.Events > 0 && !last.Less(e.Position) {
				return w.broken(e, fmt.Sprintf("position %s does not follow %s", e.Position, last))
			}
			last = e.Position
			if reason := w.link(e); reason != "" {
				return w.broken(e, reason)
			}
			if pub != nil && e.Stream == CheckpointStream {
				if b := w.checkpoint(e); b != nil {
					w.rep.Broken = b
					w.finish()
					return w.rep, nil
				}
			}
		}
		if len(page) == 0 {
			break
		}
		from = eventstore.After(page[len(page)-1].Position)
	}
	w.tails()
	return w.rep, nil
}

// broken records the first failure at e.
func (w *walk) broken(e eventstore.RecordedEvent, reason string) (Report, error) {
	w.rep.Broken = &eventstore.BrokenLink{Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID.String(), Reason: reason}
	w.finish()
	return w.rep, nil
}

func (w *walk) finish() {
	w.rep.Streams = len(w.heads)
	w.rep.Heads = w.heads
}

// link checks e's place in its stream and its chain link, and moves the
// head; it returns why e is broken, or "".
func (w *walk) link(e eventstore.RecordedEvent) string {
	h, seen := w.heads[e.Stream]
	switch {
	case !seen && e.Revision != 0:
		return fmt.Sprintf("stream starts at revision %d, want 0 (events removed or reordered)", e.Revision)
	case seen && e.Revision != h.Revision+1:
		return fmt.Sprintf("revision %d follows %d (events removed or reordered)", e.Revision, h.Revision)
	}
	if eventstore.ChainLink(h.Link, e.Stream, e.Revision, e.EventData()) != e.Hash {
		return "chain link mismatch: event altered, or its predecessor was"
	}
	if e.Stream != CheckpointStream && w.pub != nil {
		w.undos = append(w.undos, undo{pos: e.Position, stream: e.Stream, had: seen, old: h})
		if w.rep.Signed {
			w.rep.Uncovered++
		}
	}
	w.heads[e.Stream] = Head{Revision: e.Revision, Link: e.Hash}
	w.rep.Events++
	return ""
}

// checkpoint checks the checkpoint event e against the log walked so far.
// A stream whose head differs from the signed one is named itself, with
// the revision signed and the checkpoint's position; any other failure
// names the checkpoint event.
func (w *walk) checkpoint(e eventstore.RecordedEvent) *eventstore.BrokenLink {
	here := func(reason string) *eventstore.BrokenLink {
		return &eventstore.BrokenLink{Stream: e.Stream, Revision: e.Revision, Position: e.Position, EventID: e.ID.String(), Reason: reason}
	}
	if e.Type != CheckpointType {
		return here(fmt.Sprintf("event of type %s in the checkpoint stream", e.Type))
	}
	cp, err := ParseCheckpoint(e.Data)
	if err != nil {
		return here(err.Error())
	}
	if err := cp.CheckSignature(w.pub); err != nil {
		return here(err.Error())
	}
	covers, _ := cp.Position() // parsed by ParseCheckpoint
	if !covers.Less(e.Position) {
		return here(fmt.Sprintf("checkpoint covers %s, not before its own position", covers))
	}
	if w.rep.Signed && !w.signedAt.Less(covers) {
		return here(fmt.Sprintf("checkpoint covers %s, not after the previous checkpoint's %s", covers, w.signedAt))
	}
	if cp.Previous != w.previous {
		return here(fmt.Sprintf("checkpoint follows digest %q, the previous checkpoint's is %q (a checkpoint removed?)", cp.Previous, w.previous))
	}
	at := w.headsAt(covers)
	for _, ch := range cp.Changed {
		h, ok := at[ch.Stream]
		stream := func(id, reason string) *eventstore.BrokenLink {
			return &eventstore.BrokenLink{Stream: ch.Stream, Revision: ch.Revision, Position: e.Position, EventID: id,
				Reason: fmt.Sprintf("%s (checkpoint %s at %s, covering %s)", reason, e.ID, e.Position, covers)}
		}
		switch {
		case !ok:
			return stream("(removed)", "signed, but the stream is gone: events removed")
		case h.Revision < ch.Revision:
			return stream("(removed)", fmt.Sprintf("signed, but the stream ends at revision %d: events removed from its end", h.Revision))
		case h.Revision != ch.Revision || h.Link.String() != ch.Link:
			return stream("(rewritten)", fmt.Sprintf("signed with link %s, the log has revision %d with link %s: events rewritten", ch.Link, h.Revision, h.Link))
		}
	}
	if got := at.Digest().String(); got != cp.Digest || len(at) != cp.Streams {
		return here(fmt.Sprintf("heads of %d streams at %s do not match the %d signed (digest %s, signed %s): events removed or rewritten", len(at), covers, cp.Streams, got, cp.Digest))
	}
	w.rep.Checkpoints++
	w.rep.Signed, w.rep.LastSigned, w.signedAt = true, covers, covers
	w.signed, w.previous, w.lastCP = at, cp.Digest, e
	w.rep.Uncovered = uint64(len(w.undos)) // the moves after covers
	return nil
}

// headsAt returns the heads as they were at position p, undoing the moves
// of events after p, and forgets the moves at or before p.
func (w *walk) headsAt(p eventstore.Position) Heads {
	at := w.heads.Clone()
	delete(at, CheckpointStream) // not signed: see CheckpointStream
	keep := len(w.undos)
	for i := len(w.undos) - 1; i >= 0; i-- {
		u := w.undos[i]
		if !p.Less(u.pos) {
			keep = i + 1
			break
		}
		if u.had {
			at[u.stream] = u.old
		} else {
			delete(at, u.stream)
		}
		keep = i
	}
	w.undos = append(w.undos[:0], w.undos[keep:]...)
	return at
}

// tails checks that no stream ends before the revision last signed for it.
func (w *walk) tails() {
	w.finish()
	if w.rep.Broken != nil {
		return
	}
	for s, sh := range w.signed {
		h, ok := w.heads[s]
		if ok && h.Revision >= sh.Revision {
			continue
		}
		reason := fmt.Sprintf("the stream is gone, but the checkpoint at %s signed it up to revision %d", w.signedAt, sh.Revision)
		if ok {
			reason = fmt.Sprintf("the stream ends at revision %d, but the checkpoint at %s signed it up to revision %d (events removed from its end)", h.Revision, w.signedAt, sh.Revision)
		}
		b := &eventstore.BrokenLink{Stream: s, Revision: sh.Revision, Position: w.lastCP.Position, EventID: "(removed)", Reason: reason}
		if w.rep.Broken == nil || s < w.rep.Broken.Stream {
			w.rep.Broken = b
		}
	}
}
