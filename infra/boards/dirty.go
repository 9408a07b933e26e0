package boards

import "github.com/jointops/jointops/domain"

// dirtySet is what changed since the last checkpoint.
type dirtySet struct {
	boards    map[domain.OperationID]bool
	ops       bool
	router    bool
	directory bool
}

func newDirtySet() dirtySet { return dirtySet{boards: map[domain.OperationID]bool{}} }
