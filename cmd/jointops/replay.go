package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	app "github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/config"
	"github.com/jointops/jointops/infra/eventlog"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/history"
	"github.com/jointops/jointops/infra/httpapi"
	"github.com/jointops/jointops/infra/projector"
	"github.com/jointops/jointops/projections/board"
)

// replayRecorderFunc opens what records a replay as the principal (Seam
// 1); close releases it.
type replayRecorderFunc func(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec,
	log *slog.Logger) (rec httpapi.HistoryRecorder, close func() error, err error)

// runReplay prints an operation's board as of a past position or time, as
// one agency saw it.
func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return replayCommand{recorder: openHistoryRecorder, stdin: os.Stdin, now: time.Now}.run(ctx, args, stdout, stderr)
}

// replayCommand is `jointops replay` with what tests replace.
type replayCommand struct {
	recorder replayRecorderFunc
	stdin    io.Reader
	now      func() time.Time
}

type replayFlags struct {
	accessFlags
	asOf, asOfTime, clock, format string
}

// replayRequest is the replay asked, validated.
type replayRequest struct {
	op       domain.OperationID
	asAgency domain.AgencyID // zero: the token's agency
	position eventstore.Position
	at       time.Time
	kind     string // "position", "recorded_at" or "occurred_at"
	given    string
	purpose  string
	format   string
}

func (c replayCommand) run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f replayFlags
	cfg, err := loadConfig("replay", args, stderr, func(fs *flag.FlagSet) {
		f.register(fs, "the agency whose view to show (default: the token's; another agency only for an admin)")
		fs.StringVar(&f.asOf, "as-of", "", "the log position to replay to (commit/prepare, as the board reads give)")
		fs.StringVar(&f.asOfTime, "as-of-time", "", "the time to replay to (RFC 3339), on the clock --time names")
		fs.StringVar(&f.clock, "time", "recorded", "with --as-of-time: recorded (server clock) or occurred (field clock; includes late reports)")
		fs.StringVar(&f.format, "format", "text", "text (a readable summary) or json (the board view)")
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
	if req.asAgency.IsZero() {
		req.asAgency = principal.Agency
	}
	if err := mayReplay(principal, req.asAgency); err != nil {
		return &exitError{code: 1, err: err}
	}
	log := newLogger(stderr, cfg)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer store.Close()
	codec, err := eventlog.NewCodec()
	if err != nil {
		return err
	}
	h, err := loadHistory(ctx, cfg, store, codec, log)
	if err != nil {
		return err
	}
	if err := tookPart(h, req.op, principal.Agency, req.asAgency); err != nil {
		return &exitError{code: 1, err: err}
	}
	rec, closeRec, err := c.recorder(ctx, cfg, store, codec, log)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	defer closeRec()
	err = rec.RecordHistoryRead(ctx, principal, httpapi.HistoryRead{
		Operation: req.op, What: "board_as_of", Purpose: req.purpose, OccurredAt: c.now(),
		Parameters: map[string]string{"as_of": req.given, "as_of_kind": req.kind, "as_agency": req.asAgency.String(), "via": "cli"},
	})
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("record the access (no unrecorded history read): %w", err)}
	}
	f2, err := frameOf(ctx, h, req)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	out := replayOut{Operation: req.op, AsOf: req.given, AsOfKind: req.kind, AsAgency: req.asAgency, Board: f2.View(req.asAgency)}
	if f2.Events() > 0 {
		out.Position = f2.Position().String()
	}
	if req.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return writeReplayText(stdout, out)
}

// replayOut is the JSON of a replay: the same as GET …/history/board.
type replayOut struct {
	Operation domain.OperationID `json:"operation_id"`
	Position  string             `json:"position"`
	AsOf      string             `json:"as_of"`
	AsOfKind  string             `json:"as_of_kind"`
	AsAgency  domain.AgencyID    `json:"as_agency"`
	Board     board.View         `json:"board"`
}

// request validates the flags.
func (f replayFlags) request() (replayRequest, error) {
	req := replayRequest{purpose: strings.TrimSpace(f.purpose), format: f.format}
	var errs []error
	req.op, req.asAgency, errs = f.ids()
	var err error
	switch {
	case (f.asOf == "") == (f.asOfTime == ""):
		errs = append(errs, errors.New("give one of --as-of (a position) and --as-of-time (a time)"))
	case f.asOf != "":
		req.kind, req.given = "position", f.asOf
		if req.position, err = eventstore.ParsePosition(f.asOf); err != nil {
			errs = append(errs, fmt.Errorf("--as-of: %w", err))
		}
		if f.clock != "recorded" {
			errs = append(errs, errors.New("--time applies to --as-of-time only"))
		}
	default:
		req.given = f.asOfTime
		if req.at, err = time.Parse(time.RFC3339Nano, f.asOfTime); err != nil {
			errs = append(errs, fmt.Errorf("--as-of-time %q: want an RFC 3339 time", f.asOfTime))
		}
		switch f.clock {
		case "recorded":
			req.kind = "recorded_at"
		case "occurred":
			req.kind = "occurred_at"
		default:
			errs = append(errs, fmt.Errorf("--time %q: want recorded or occurred", f.clock))
		}
	}
	errs = append(errs, f.required()...)
	if f.format != "text" && f.format != "json" {
		errs = append(errs, fmt.Errorf("--format %q: want text or json", f.format))
	}
	return req, errors.Join(errs...)
}

// mayReplay applies the rules of the history reads (as GET …/history/board
// does): investigators, admins and commanders read history; only an admin
// reads it as another agency.
func mayReplay(p app.Principal, asAgency domain.AgencyID) error {
	if !slices.Contains([]app.Role{app.RoleInvestigator, app.RoleAdmin, app.RoleCommander}, p.Role) {
		return fmt.Errorf("refused: role %s may not read history (investigators, admins and commanders may)", p.Role)
	}
	if asAgency != p.Agency && p.Role != app.RoleAdmin {
		return errors.New("refused: only an admin may read history as another agency")
	}
	return nil
}

// tookPart refuses an operation the principal's agency, or the agency
// viewed as, did not take part in, alike one that does not exist.
func tookPart(h *history.History, op domain.OperationID, agencies ...domain.AgencyID) error {
	for _, a := range agencies {
		ok, err := h.TookPart(op, a)
		if err != nil && !errors.Is(err, history.ErrUnknownOperation) {
			return err
		}
		if !ok {
			return fmt.Errorf("refused: no history of operation %s for agency %s", op, a)
		}
	}
	return nil
}

// loadHistory builds the history index: the server's saved index, if the
// projections file has one, then the log's tail; else the whole log.
func loadHistory(ctx context.Context, cfg config.Config, store eventstore.Store, codec *eventlog.Codec, log *slog.Logger) (*history.History, error) {
	h, err := history.New(history.Config{Reader: store, Decoder: codec, Logger: log})
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.ProjectionsPath()); err == nil {
		restoreHistory(ctx, cfg, h, log)
	}
	start := time.Now()
	n, err := h.CatchUp(ctx)
	if err != nil {
		return nil, err
	}
	log.Debug("history index caught up", slog.Int("events", n), slog.Duration("took", time.Since(start)))
	return h, nil
}

// restoreHistory restores the index the server saved; on any problem the
// index stays empty and is folded from the log.
func restoreHistory(ctx context.Context, cfg config.Config, h *history.History, log *slog.Logger) {
	cps, err := projector.OpenCheckpointStore(ctx, cfg.ProjectionsPath(), log)
	if err != nil {
		log.Warn("saved history index unreadable; folding the log", slog.Any("error", err))
		return
	}
	defer cps.Close()
	saved, err := cps.LoadCheckpoint(ctx, history.Name)
	if err != nil || saved.Position == "" {
		return
	}
	if err := h.Projection().Restore(saved.Position, saved.Parts); err != nil {
		log.Warn("saved history index unusable; folding the log", slog.Any("error", err))
		h.Projection().Reset()
	}
}

// frameOf folds the frame the request asks for.
func frameOf(ctx context.Context, h *history.History, req replayRequest) (*history.Frame, error) {
	switch req.kind {
	case "position":
		return h.FrameAt(ctx, req.op, eventstore.After(req.position))
	case "occurred_at":
		return h.FrameOccurredAt(ctx, req.op, req.at)
	}
	pos, err := h.PositionAt(ctx, req.op, req.at)
	if errors.Is(err, history.ErrBeforeFirstEvent) {
		return h.FrameAt(ctx, req.op, eventstore.Start)
	}
	if err != nil {
		return nil, err
	}
	return h.FrameAt(ctx, req.op, eventstore.After(pos))
}
