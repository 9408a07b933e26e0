package loadgen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// world is what a run seeds and drives: four agencies taking part in
// every operation, the field units and the boards spread over them, and
// the tokens of all of them.
type world struct {
	agencies [agencies]uuid.UUID
	ops      []operation
	units    []*unit
	boards   []boardSpec
	// admin reads the server's /metrics.
	admin string
}

// operation is one seeded operation.
type operation struct {
	id   uuid.UUID
	path string // /v1/operations/{id}
}

// unit is one field unit: the operation it reports in, its agency, its
// token and where it is.
type unit struct {
	id     uuid.UUID
	op     int
	agency int
	token  string
	lat    float64
	lon    float64
	inDE   bool // the side of the border it is on, for crossings
}

// boardSpec is one board to open: the operation, the agency whose view it
// shows and the token of its observer, of that agency.
type boardSpec struct {
	op, agency int
	token      string
}

// area is the operations' area: around the DE/AT border on the Salzach.
var area = [][][]float64{{{12.8, 47.6}, {13.2, 47.6}, {13.2, 47.9}, {12.8, 47.9}, {12.8, 47.6}}}

// newWorld mints the run's principals and their tokens.
func newWorld(cfg Config, rng *rand.Rand) (*world, error) {
	w := &world{}
	for i := range w.agencies {
		w.agencies[i] = uuid.New()
	}
	var err error
	if w.admin, err = cfg.Issue(w.agencies[0], uuid.New(), "admin"); err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	for range cfg.Operations {
		id := uuid.New()
		w.ops = append(w.ops, operation{id: id, path: "/v1/operations/" + id.String()})
	}
	for i := range cfg.Units {
		u := &unit{id: uuid.New(), op: i % cfg.Operations, agency: (i / cfg.Operations) % agencies,
			lat: 47.62 + rng.Float64()*0.26, lon: 12.82 + rng.Float64()*0.36}
		u.inDE = u.lon < 13
		if u.token, err = cfg.Issue(w.agencies[u.agency], u.id, "field_unit"); err != nil {
			return nil, fmt.Errorf("unit token: %w", err)
		}
		w.units = append(w.units, u)
	}
	// One observer per board, as in a command centre: the server's rate
	// limit is per principal.
	for i := range cfg.Boards {
		b := boardSpec{op: i % cfg.Operations, agency: (i / cfg.Operations) % agencies}
		if b.token, err = cfg.Issue(w.agencies[b.agency], uuid.New(), "observer"); err != nil {
			return nil, fmt.Errorf("observer token: %w", err)
		}
		w.boards = append(w.boards, b)
	}
	return w, nil
}

// seed proposes, agrees and activates every operation through the API,
// as the agencies' commanders would.
func (w *world) seed(ctx context.Context, c *client, issue Issuer) error {
	var commanders [agencies]string
	participants := make([]string, agencies)
	for i, a := range w.agencies {
		var err error
		if commanders[i], err = issue(a, uuid.New(), "commander"); err != nil {
			return fmt.Errorf("commander token: %w", err)
		}
		participants[i] = a.String()
	}
	now := time.Now().UTC()
	at := now.Format(time.RFC3339)
	for _, op := range w.ops {
		err := c.must(ctx, commanders[0], "/v1/operations", map[string]any{
			"command_id": uuid.NewString(), "occurred_at": at, "id": op.id.String(),
			"purpose": "Load generator: joint patrol on the Salzach", "lead": participants[0],
			"participants": participants, "host_states": []string{"DE", "AT"},
			"legal_basis": []map[string]string{{"instrument": "Prüm Decision 2008/615/JHA", "provision": "Art. 17"},
				{"instrument": "CISA", "provision": "Art. 41"}},
			"area":   map[string]any{"type": "Polygon", "coordinates": area},
			"period": map[string]string{"start": now.Add(-2 * time.Hour).Format(time.RFC3339), "end": now.Add(72 * time.Hour).Format(time.RFC3339)},
		}, http.StatusCreated)
		if err != nil {
			return err
		}
		for _, tok := range commanders {
			body := map[string]any{"command_id": uuid.NewString(), "occurred_at": at, "arrangement_version": 1}
			if err := c.must(ctx, tok, op.path+"/agree", body, http.StatusAccepted); err != nil {
				return err
			}
		}
		body := map[string]any{"command_id": uuid.NewString(), "occurred_at": at}
		if err := c.must(ctx, commanders[0], op.path+"/activate", body, http.StatusAccepted); err != nil {
			return err
		}
	}
	return nil
}
