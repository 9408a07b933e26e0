// Package marking is the information-handling marking carried by every
// report and shared item: the originator agency, a Traffic Light Protocol
// 2.0 label, handling codes H0–H3, an explicit releasable-to list, and the
// 4×4 evaluation (source reliability A/B/C/X, information accuracy 1–4).
//
// It also holds the two pure rules built on it: MayView, which says whether
// an agency may see an item (projections call it to build each agency's
// board), and CheckRelaxation, which says whether a new marking is a
// relaxation of the old one that its originator may record.
//
// Like all of domain/, it performs no I/O and imports nothing of the project
// but package domain.
package marking
