package projector

// Attach makes the saves of p's consumer group write p's parts, as New
// does for the runner's projections.
func Attach(s *CheckpointStore, p Projection) { s.attach(p) }
