package loadgen

import "testing"

func TestReportOK(t *testing.T) {
	good := func() *Report {
		r := &Report{}
		r.Commands.Accepted = 10
		return r
	}
	tests := []struct {
		name  string
		spoil func(*Report)
		want  bool
	}{
		{"all held", func(*Report) {}, true},
		{"nothing accepted", func(r *Report) { r.Commands.Accepted = 0 }, false},
		{"a board never connected", func(r *Report) { r.Boards.NeverSnapshot = 1 }, false},
		{"a gap", func(r *Report) { r.Boards.Gaps = 1 }, false},
		{"undelivered", func(r *Report) { r.Boards.Undelivered = 1 }, false},
		{"a duplicate", func(r *Report) { r.Boards.Duplicates = 1 }, false},
		{"a retry answered differently", func(r *Report) { r.Retries.Different = 1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good()
			tt.spoil(r)
			if got := r.OK(); got != tt.want {
				t.Fatalf("OK() = %v, want %v", got, tt.want)
			}
		})
	}
}
