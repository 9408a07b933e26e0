package boards_test

import (
	"github.com/jointops/jointops/infra/boards"
	"github.com/jointops/jointops/infra/projector"
)

// Boards is a projection the runner keeps current.
var _ projector.Projection = (*boards.Boards)(nil)
