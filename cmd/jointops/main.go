// Command jointops is the one binary of Jointops: the server and its tools.
//
// Only this package wires concrete types together; everything it uses is
// configured through infra/config.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// The hand-over rule of the compliance policy counts hours in the host
	// state's local time; embedding the zone database keeps it right on
	// hosts without /usr/share/zoneinfo (containers).
	_ "time/tzdata"
)

// exitError carries a process exit code through the command functions.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the server (HTTP API, boards) on the configured event store", runServe},
		{"token", "issue a signed bearer token (token issue --agency … --subject … --role …)", runToken},
		{"verify", "walk every stream's hash chain and signed checkpoint, or an evidence bundle (--bundle), and name the first broken link", runVerify},
		{"export", "write an operation's evidence bundle (export --operation … --out DIR --token FILE --purpose …)", runExport},
		{"replay", "print an operation's board as of a past position or time, as one agency saw it (replay --operation … --as-of … --as-agency … --token FILE --purpose …)", runReplay},
		{"projections", "rebuild the read models from the log at the next start (projections rebuild [--name …])", runProjections},
		{"loadgen", "load a server (its own on a temporary store by default) with field units and live boards, and report", runLoadgen},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "jointops:", err)
		}
		os.Exit(code)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return &exitError{code: 2, err: errUsage}
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return &exitError{code: 2, err: fmt.Errorf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: jointops <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'jointops <command> -h' for the flags of a command. Every flag also has a JOINTOPS_* environment variable (see README).")
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	_, err := fmt.Fprintln(stdout, "jointops", version)
	return err
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"
