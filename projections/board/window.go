package board

import "slices"

// Windows. A view shows the latest N items of a bounded collection the
// agency may see (a track's positions, the reports, the significant-events
// log). The board keeps, for each audience of such items (a marking list,
// or every participant), the latest N of that audience alone: that is
// exactly enough for every agency's window, whatever it may see, because
// whoever may see an item of an audience may see every later item of it,
// now and after any new participant joins. An item leaves its audience's
// window only when N later items of the same audience arrived, so it was
// out of the window of everyone who may see it, and stays out: the board
// drops it for good, and no delta need say so, since each client's trim
// drops it too. A relaxation moves an item the board still keeps to the
// window of its new audience (where it may fall out at once); one already
// dropped stays out of every view, even of the agencies the relaxation
// entitles: views show the latest N items they may see among those kept,
// which the deltas build alike. Memory is bounded by audiences × N,
// however many items are folded.

// keepLatest inserts x in order into s, sorted by before, and drops the
// oldest item beyond size (size ≥ 1). It returns the new s and the item it
// dropped, if any: x itself when x is older than every item of a full s.
// The slot a dropped item leaves is cleared, so s holds no reference to it.
func keepLatest[T any](s []T, x T, size int, before func(a, b T) bool) ([]T, T, bool) {
	i := len(s)
	for i > 0 && before(x, s[i-1]) {
		i--
	}
	if i == 0 && len(s) >= size {
		return s, x, true
	}
	s = slices.Insert(s, i, x)
	if len(s) <= size {
		var none T
		return s, none, false
	}
	oldest := s[0]
	return slices.Delete(s, 0, 1), oldest, true
}

// takeFrom removes the first item of s that match accepts; it returns the
// new s and the item, if there was one.
func takeFrom[T any](s []T, match func(T) bool) ([]T, T, bool) {
	i := slices.IndexFunc(s, match)
	if i < 0 {
		var none T
		return s, none, false
	}
	x := s[i]
	return slices.Delete(s, i, i+1), x, true
}

// grown returns s with at least n elements, the new ones zero.
func grown[T any](s []T, n int) []T {
	if len(s) >= n {
		return s
	}
	return append(s, make([]T, n-len(s))...)
}
