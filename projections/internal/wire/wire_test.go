package wire_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/projections/internal/wire"
)

const (
	kind    wire.Kind = 'T'
	version uint64    = 3
)

var (
	someUUID = uuid.MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	instant  = time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.UTC)
)

// sample writes one of every primitive.
func sample() []byte {
	w := wire.NewWriter(kind, version, 0)
	w.Uvarint(math.MaxUint64)
	w.Varint(math.MinInt64)
	w.Int(-7)
	w.Len(2)
	w.Byte(0xfe)
	w.Bool(true)
	w.String("Prüm")
	w.Bytes([]byte{1, 2})
	w.Symbol("jointops.field.observation_reported")
	w.Symbol("active")
	w.Symbol("jointops.field.observation_reported")
	w.UUID(someUUID)
	w.UUID(uuid.Nil)
	w.Float64(-48.125)
	w.Time(time.Time{})
	w.Time(instant)
	w.Time(instant.In(time.FixedZone("CET", 3600)))
	return w.Finish()
}

func TestRoundTrip(t *testing.T) {
	r, err := wire.Open(sample(), kind, version)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("Uvarint", r.Uvarint(), uint64(math.MaxUint64))
	check("Varint", r.Varint(), int64(math.MinInt64))
	check("Int", r.Int(), -7)
	check("Count", r.Count(1), 2)
	check("Byte", r.Byte(), byte(0xfe))
	check("Bool", r.Bool(), true)
	check("String", r.String(), "Prüm")
	check("Bytes", string(r.Bytes()), "\x01\x02")
	check("Symbol", r.Symbol(), "jointops.field.observation_reported")
	check("Symbol", r.Symbol(), "active")
	check("Symbol again", r.Symbol(), "jointops.field.observation_reported")
	check("ID", wire.ID(r, domain.NewReportID), domain.ReportID(must(domain.NewReportID(someUUID))))
	check("nil ID", wire.ID(r, domain.NewReportID).IsZero(), true)
	check("Float64", r.Float64(), -48.125)
	check("zero time", r.Time() == time.Time{}, true)
	check("UTC time", r.Time() == instant, true)
	cet := r.Time()
	check("time with offset", cet.Equal(instant), true)
	check("time with offset formats", cet.Format(time.RFC3339Nano), instant.In(time.FixedZone("CET", 3600)).Format(time.RFC3339Nano))
	if err := r.Done(); err != nil {
		t.Errorf("Done: %v", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestOpenRejects(t *testing.T) {
	good := sample()
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x10
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{name: "empty", data: nil, want: wire.ErrCorrupt},
		{name: "another version", data: wire.NewWriter(kind, version+1, 0).Finish(), want: wire.ErrVersion},
		{name: "a version only", data: good[:1], want: wire.ErrCorrupt},
		{name: "another kind", data: wire.NewWriter('X', version, 0).Finish(), want: wire.ErrCorrupt},
		{name: "truncated", data: good[:len(good)-1], want: wire.ErrCorrupt},
		{name: "a flipped bit", data: flipped, want: wire.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := wire.Open(tt.data, kind, version); !errors.Is(err, tt.want) {
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
		})
	}
}

// CheckHeader answers as Open about the version and kind, and reads
// nothing else: a damaged body is Open's to find.
func TestCheckHeader(t *testing.T) {
	good := sample()
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 0x10
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{name: "good", data: good, want: nil},
		{name: "a flipped bit in the body", data: flipped, want: nil},
		{name: "empty", data: nil, want: wire.ErrCorrupt},
		{name: "another version", data: wire.NewWriter(kind, version+1, 0).Finish(), want: wire.ErrVersion},
		{name: "another kind", data: wire.NewWriter('X', version, 0).Finish(), want: wire.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := wire.CheckHeader(tt.data, kind, version); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("CheckHeader = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReaderProblemsStick(t *testing.T) {
	w := wire.NewWriter(kind, version, 0)
	w.Len(1 << 40) // a count far beyond the bytes that follow
	w.String("x")
	r, err := wire.Open(w.Finish(), kind, version)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if n := r.Count(1); n != 0 {
		t.Errorf("Count = %d, want 0 for a count beyond the data", n)
	}
	if s := r.String(); s != "" {
		t.Errorf("String after a problem = %q, want empty", s)
	}
	if err := r.Done(); !errors.Is(err, wire.ErrCorrupt) {
		t.Errorf("Done = %v, want ErrCorrupt", err)
	}
}

func TestReaderRejects(t *testing.T) {
	tests := []struct {
		name  string
		write func(w *wire.Writer)
		read  func(r *wire.Reader)
	}{
		{name: "bytes left over", write: func(w *wire.Writer) { w.Byte(1); w.Byte(2) }, read: func(r *wire.Reader) { r.Byte() }},
		{name: "a bool other than 0 or 1", write: func(w *wire.Writer) { w.Byte(2) }, read: func(r *wire.Reader) { r.Bool() }},
		{name: "a symbol never defined", write: func(w *wire.Writer) { w.Uvarint(1) }, read: func(r *wire.Reader) { r.Symbol() }},
		{name: "a time tag", write: func(w *wire.Writer) { w.Byte(9) }, read: func(r *wire.Reader) { r.Time() }},
		{name: "nanoseconds", write: func(w *wire.Writer) { w.Byte(1); w.Varint(0); w.Uvarint(1e9) }, read: func(r *wire.Reader) { r.Time() }},
		{name: "a year", write: func(w *wire.Writer) { w.Time(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)) }, read: func(r *wire.Reader) { r.Time() }},
		{name: "a zone offset", write: func(w *wire.Writer) { w.Byte(2); w.Varint(0); w.Uvarint(0); w.Int(86400) }, read: func(r *wire.Reader) { r.Time() }},
		{name: "a truncated UUID", write: func(w *wire.Writer) { w.Raw(make([]byte, 15)) }, read: func(r *wire.Reader) { r.UUID() }},
		{name: "a truncated float", write: func(w *wire.Writer) { w.Raw(make([]byte, 7)) }, read: func(r *wire.Reader) { r.Float64() }},
		{name: "a truncated varint", write: func(w *wire.Writer) { w.Byte(0x80) }, read: func(r *wire.Reader) { r.Varint() }},
		{name: "a failure of the caller", write: func(*wire.Writer) {}, read: func(r *wire.Reader) { r.Failf("inconsistent") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := wire.NewWriter(kind, version, 0)
			tt.write(w)
			r, err := wire.Open(w.Finish(), kind, version)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			tt.read(r)
			if err := r.Done(); !errors.Is(err, wire.ErrCorrupt) {
				t.Errorf("Done = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestSlicesKeepNil(t *testing.T) {
	w := wire.NewWriter(kind, version, 0)
	for _, s := range [][]string{nil, {}, {"a", "b"}} {
		wire.WriteSlice(w, s, w.String)
	}
	r, err := wire.Open(w.Finish(), kind, version)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got := wire.ReadSlice(r, 1, r.String); got != nil {
		t.Errorf("nil slice read back as %#v", got)
	}
	if got := wire.ReadSlice(r, 1, r.String); got == nil || len(got) != 0 {
		t.Errorf("empty slice read back as %#v", got)
	}
	if got := wire.ReadSlice(r, 1, r.String); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("slice read back as %#v", got)
	}
	if err := r.Done(); err != nil {
		t.Errorf("Done: %v", err)
	}
}
