package history

import (
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
	"github.com/jointops/jointops/projections/board"
)

// Frame is one operation's board together with the agency directory, as of
// a log position. It is not safe for concurrent use; each FrameAt returns a
// new one, which the caller may keep folding with Apply.
type Frame struct {
	op    domain.OperationID
	board *board.Board
	dir   *projections.Directory
	pos   eventstore.Position
}

// newFrame returns the frame of op from a board and a directory it takes
// over.
func newFrame(op domain.OperationID, b *board.Board, dir *projections.Directory, pos eventstore.Position) *Frame {
	return &Frame{op: op, board: b, dir: dir, pos: pos}
}

// Operation returns the frame's operation.
func (f *Frame) Operation() domain.OperationID { return f.op }

// Position returns the position of the last event folded (the operation's
// or a directory event); the zero position when none was.
func (f *Frame) Position() eventstore.Position { return f.pos }

// Events returns how many events of the operation were folded.
func (f *Frame) Events() uint64 { return f.board.Events() }

// Board returns the frame's board; do not mutate it except through Apply.
func (f *Frame) Board() *board.Board { return f.board }

// Viewer returns the viewer of agency a as of this frame: its state as
// the directory knew it then.
func (f *Frame) Viewer(a domain.AgencyID) marking.Viewer { return f.dir.Viewer(a) }

// View returns the board as agency a saw it as of this frame; an agency
// that did not take part in the operation then gets the empty view.
func (f *Frame) View(a domain.AgencyID) board.View { return f.board.View(f.Viewer(a)) }

// Participant reports whether agency a took part in the operation as of
// this frame.
func (f *Frame) Participant(a domain.AgencyID) bool {
	for _, p := range f.board.Participants() {
		if p == a {
			return true
		}
	}
	return false
}

// Apply folds one more event — of this operation, or a directory event —
// and returns what it changed on the board (a directory event changes no
// board item: its Delta has no changes). An event at or before the frame's
// position, or with a position that is not the log's, is ignored.
func (f *Frame) Apply(env projections.Envelope) board.Delta {
	pos, err := eventstore.ParsePosition(env.Position)
	if err != nil || !f.pos.Less(pos) {
		return board.Delta{Position: f.board.Position()}
	}
	f.pos = pos
	if projections.IsDirectoryEvent(env.Event.Payload) {
		f.dir.Apply(env.Event.Payload)
		return board.Delta{Position: env.Position, At: f.board.Clock()}
	}
	return f.board.Apply(env)
}

// fold folds one event without a delta: the fast path of FrameAt.
func (f *Frame) fold(env projections.Envelope, pos eventstore.Position) {
	f.pos = pos
	if projections.IsDirectoryEvent(env.Event.Payload) {
		f.dir.Apply(env.Event.Payload)
		return
	}
	f.board.Fold(env)
}
