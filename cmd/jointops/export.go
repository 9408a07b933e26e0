package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/evidence"
	"github.com/jointops/jointops/infra/integrity"
)

// exportRecorder opens what records an export as the principal (Seam 1);
// close releases it.
type exportRecorder func(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec,
	log *slog.Logger, p app.Principal) (rec evidence.AccessRecorder, close func() error, err error)

// runExport writes an evidence bundle of one operation.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return exportCommand{recorder: commandsRecorder, stdin: os.Stdin, now: time.Now}.run(ctx, args, stdout, stderr)
}

// exportCommand is `jointops export` with what tests replace.
type exportCommand struct {
	recorder exportRecorder
	stdin    io.Reader
	now      func() time.Time
}

type exportFlags struct {
	accessFlags
	out              string
	judicial, tracks bool
}

func (c exportCommand) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f exportFlags
	cfg, err := loadConfig("export", args, stderr, func(fs *flag.FlagSet) {
		f.register(fs, "export only what this agency may see at the export position")
		fs.StringVar(&f.out, "out", "", "directory to create for the bundle (required, must not exist)")
		fs.BoolVar(&f.judicial, "judicial", false, "leave out H1-marked reports without a judicial-use permission")
		fs.BoolVar(&f.tracks, "tracks", false, "add tracks/<unit>.geojson of the exported position reports")
	})
	if err != nil {
		return err
	}
	req, err := f.request()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	principal, err := tokenPrincipal(cfg, f.token, c.stdin, c.now())
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	log := newLogger(stderr, cfg)
	key, created, err := integrity.LoadOrCreateKey(cfg.CheckpointKeyPath(), cfg.CheckpointPublicKeyPath())
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if created {
		fmt.Fprintf(stderr, "generated a new checkpoint signing key at %s\n", cfg.CheckpointKeyPath())
	}
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer store.Close()
	codec, err := eventlog.NewCodec()
	if err != nil {
		return err
	}
	rec, closeRec, err := c.recorder(ctx, cfg, store, codec, log, principal)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer closeRec()
	x, err := evidence.New(evidence.Config{Reader: store, Decoder: codec, Key: key, Recorder: rec, Now: c.now, Logger: log})
	if err != nil {
		return err
	}
	start := time.Now()
	s, err := x.Export(ctx, req)
	if err != nil {
		code := 1
		if errors.Is(err, evidence.ErrInvalidRequest) {
			code = 2
		}
		return &exitError{code: code, err: err}
	}
	m := s.Manifest
	fmt.Fprintf(stdout, "exported operation %s (%s%s) at position %s to %s in %s: %d events, %d links in %d streams, %d withheld, %d tracks; key %s\n",
		m.Operation, m.AsSeenBy, map[bool]string{true: ", judicial"}[m.Judicial], m.Position, s.Dir,
		time.Since(start).Round(time.Millisecond), m.Counts.Events, m.Counts.Links, m.Counts.Streams, m.Withheld.Count, m.Counts.Tracks,
		integrity.KeyID(key.Public().(ed25519.PublicKey)))
	return nil
}

// request validates the flags.
func (f exportFlags) request() (evidence.Request, error) {
	req := evidence.Request{Judicial: f.judicial, Tracks: f.tracks, Purpose: f.purpose, Dir: f.out}
	var errs []error
	req.Operation, req.AsAgency, errs = f.ids()
	if f.out == "" {
		errs = append(errs, errors.New("--out: required"))
	}
	errs = append(errs, f.required()...)
	return req, errors.Join(errs...)
}
