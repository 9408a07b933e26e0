package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/jointops/jointops/infra/projector"
)

// runProjections is `jointops projections rebuild [--name N]`: it deletes
// the checkpoint of one projection (every projection without --name), so the
// next start of the server folds it again from the start of the log. Run it
// with the server stopped; a running server would be fenced out of that
// checkpoint and stop. (A running server rebuilds online through
// POST /v1/admin/projections/{name}/rebuild.)
func runProjections(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "rebuild" {
		fmt.Fprintln(stderr, "usage: jointops projections rebuild [--name boards] [--data-dir …]")
		return &exitError{code: 2, err: errUsage}
	}
	var name string
	cfg, err := loadConfig("projections rebuild", args[1:], stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the projection to rebuild (default: all)")
	})
	if err != nil {
		return err
	}
	if err := projector.ResetCheckpoint(ctx, cfg.ProjectionsPath(), name); err != nil {
		return err
	}
	what := "every projection"
	if name != "" {
		what = "projection " + name
	}
	fmt.Fprintf(stdout, "%s will be rebuilt from the start of the log at the next start (%s)\n", what, cfg.ProjectionsPath())
	return nil
}
