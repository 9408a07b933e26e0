package wire

// WriteSlice writes s with write for each item, keeping nil apart from
// empty: a view or delta that shows the slice encodes nil as JSON null and
// empty as [], so a restored read model must keep the difference.
func WriteSlice[T any](w *Writer, s []T, write func(T)) {
	if s == nil {
		w.Uvarint(0)
		return
	}
	w.Uvarint(uint64(len(s)) + 1)
	for _, x := range s {
		write(x)
	}
}

// ReadSlice reads what WriteSlice wrote, each item with read; minSize is
// the least number of bytes an item takes.
func ReadSlice[T any](r *Reader, minSize int, read func() T) []T {
	v := r.Uvarint()
	if v == 0 || r.err != nil {
		return nil
	}
	if left := uint64(len(r.buf) - r.off); v-1 > left/uint64(max(minSize, 1)) {
		r.Failf("count %d exceeds the %d bytes left", v-1, left)
		return nil
	}
	s := make([]T, v-1)
	for i := range s {
		s[i] = read()
	}
	return s
}
