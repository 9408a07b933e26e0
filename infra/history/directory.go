package history

import (
	"slices"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/projections"
)

// directoryAt folds the directory entries that keep says to keep, in log
// order.
func directoryAt(dir []dirEntry, keep func(*dirEntry) bool) *projections.Directory {
	d := projections.NewDirectory()
	for i := range dir {
		if keep(&dir[i]) {
			d.Apply(dir[i].env.Event.Payload)
		}
	}
	return d
}

// lastDirAtOrBefore returns the position of the last directory entry at or
// before p, the zero position when there is none.
func lastDirAtOrBefore(dir []dirEntry, p eventstore.Position) eventstore.Position {
	i, found := slices.BinarySearchFunc(dir, p, func(d dirEntry, p eventstore.Position) int { return d.pos.Compare(p) })
	if found {
		return dir[i].pos
	}
	if i == 0 {
		return eventstore.Position{}
	}
	return dir[i-1].pos
}

// dirBetween returns the directory entries after lo (all when from start)
// and at or before hi.
func dirBetween(dir []dirEntry, lo eventstore.Position, fromStart bool, hi eventstore.Position) []dirEntry {
	var out []dirEntry
	for _, d := range dir {
		if (fromStart || lo.Less(d.pos)) && !hi.Less(d.pos) {
			out = append(out, d)
		}
	}
	return out
}
