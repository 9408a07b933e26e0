//go:build unix

package history_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) the process has used: a
// benchmark's cost that other jobs on a shared machine do not inflate.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
