package boards

import (
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/projections/board"
)

// encoded remembers the frames of one delta already encoded, by the set
// of changes they hold. Views that may see the same changes of a delta —
// every participant, for most of them — are sent the same bytes, so they
// share one frame: a delta is encoded at most once per view, and usually
// once in all. Deltas of more than 64 changes (rare) are encoded once per
// view.
type encoded struct {
	frames []encodedFrame
}

type encodedFrame struct {
	mask  uint64
	frame *Frame // nil: the view sees nothing
}

// frame returns the frame of d as viewer may see it, nil when it may see
// none of the changes. It filters the changes as board.Delta.For does
// (Audience.Includes); the resume tests compare its frames with those of
// For byte for byte.
func (e *encoded) frame(d board.Delta, viewer marking.Viewer) (*Frame, error) {
	if len(d.Changes) > 64 {
		return encodeFor(d, viewer)
	}
	var mask uint64
	for i, c := range d.Changes {
		if c.Audience.Includes(viewer) {
			mask |= 1 << i
		}
	}
	for _, f := range e.frames {
		if f.mask == mask {
			return f.frame, nil
		}
	}
	var fr *Frame
	if mask != 0 {
		ad := &board.AgencyDelta{Position: d.Position, At: d.At, Changes: make([]board.Change, 0, len(d.Changes))}
		for i, c := range d.Changes {
			if mask&(1<<i) != 0 {
				ad.Changes = append(ad.Changes, c)
			}
		}
		var err error
		if fr, err = deltaFrame(ad); err != nil {
			return nil, err
		}
	}
	e.frames = append(e.frames, encodedFrame{mask: mask, frame: fr})
	return fr, nil
}

// encodeFor encodes d as viewer may see it, nil when it may see nothing.
func encodeFor(d board.Delta, viewer marking.Viewer) (*Frame, error) {
	ad := d.For(viewer)
	if ad == nil {
		return nil, nil
	}
	return deltaFrame(ad)
}
