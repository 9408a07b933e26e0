package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
)

// commandIn is what every command body carries: the client-chosen command
// ID that makes a retry safe, and when the fact occurred on the field clock.
type commandIn struct {
	CommandID  string `json:"command_id"`
	OccurredAt string `json:"occurred_at"`
}

func (c *commandIn) base() *commandIn { return c }

// commandBody is a request body type: a struct embedding commandIn.
type commandBody[B any] interface {
	*B
	base() *commandIn
}

// handler is a use case of commands.Handlers.
type handler[In any] func(ctx context.Context, p commands.Principal, id commands.CommandID, in In) (commands.Accepted, error)

// builder makes a use case's input from the request path and body; it
// records every problem in p and returns a value only meant to be used when
// p stays empty.
type builder[B, In any] func(b *B, r *http.Request, at time.Time, p *domain.Problems) In

// decodeCommand reads and checks a command request: the body, then the
// command ID, the occurred_at and what build makes of the rest. Every
// problem of the input is reported at once, as one *domain.ValidationError.
func decodeCommand[B any, PB commandBody[B], In any](w http.ResponseWriter, r *http.Request, limit int64, build builder[B, In]) (commands.CommandID, In, error) {
	var (
		body B
		in   In
		p    domain.Problems
	)
	if err := decodeJSON(w, r, limit, &body); err != nil {
		return commands.CommandID{}, in, err
	}
	c := PB(&body).base()
	var id commands.CommandID
	if c.CommandID == "" {
		p.Add("command_id", "required")
	} else if len(c.CommandID) != 36 {
		p.Add("command_id", "must be a UUID in canonical form, not the nil UUID")
	} else if parsed, err := commands.ParseCommandID(c.CommandID); err != nil {
		p.Add("command_id", "must be a UUID in canonical form, not the nil UUID")
	} else {
		id = parsed
	}
	at := requireTime(&p, "occurred_at", c.OccurredAt)
	in = build(&body, r, at, &p)
	if err := p.Err(); err != nil {
		return commands.CommandID{}, in, err
	}
	return id, in, nil
}

// command is the endpoint of a use case that changes an existing resource:
// 202 with the outcome.
func command[B any, PB commandBody[B], In any](a *api, build builder[B, In], run handler[In]) serveFunc {
	return commandWith[B, PB](a, build, run, nil)
}

// create is the endpoint of a use case that creates a resource: 201 with
// the outcome and the resource's path in Location.
func create[B any, PB commandBody[B], In any](a *api, build builder[B, In], run handler[In], location func(In) string) serveFunc {
	return commandWith[B, PB](a, build, run, location)
}

func commandWith[B any, PB commandBody[B], In any](a *api, build builder[B, In], run handler[In], location func(In) string) serveFunc {
	return func(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
		id, in, err := decodeCommand[B, PB](w, r, a.cfg.MaxBodyBytes, build)
		if err != nil {
			return err
		}
		acc, err := run(r.Context(), p, id, in)
		if err != nil {
			return err
		}
		status := http.StatusAccepted
		if location != nil {
			w.Header().Set("Location", location(in))
			status = http.StatusCreated
		}
		writeJSON(w, status, acc)
		return nil
	}
}

// pathID parses the typed ID in the path segment named name.
func pathID[T any, PT textID[T]](r *http.Request, p *domain.Problems, name string) T {
	return requireID[T, PT](p, name, r.PathValue(name))
}
