package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/replayws"
)

// Replays plays operations' histories over WebSocket
// (infra/replayws.Server is one). Serve checks the handshake and origin,
// records the start through req.Record and upgrades; before the upgrade
// it answers nothing itself and returns an error of the domain's kinds
// (or of history's) for the caller to answer. Once upgraded it returns nil
// and owns the connection.
type Replays interface {
	Serve(w http.ResponseWriter, r *http.Request, req replayws.Request) error
}

// readReplay is the kind of history read a replay is recorded as.
const readReplay = "replay"

// replayRoutes is the replay of an operation's history over WebSocket,
// served when Config.Replay is set. Who may replay is who may read the
// history (see historyRoutes); the token may come as a subprotocol, as for
// the live board. The start and every seek are recorded, with the purpose.
func (a *api) replayRoutes() []route {
	if a.cfg.Replay == nil {
		return nil
	}
	return []route{{"GET", "/v1/operations/{operation}/replay", a.replay}}
}

func (a *api) replay(w http.ResponseWriter, r *http.Request, p commands.Principal) error {
	var probs domain.Problems
	q := r.URL.Query()
	in := parseHistoryRead(r, p, &probs)
	op, asAgency, purpose := in.op, in.asAgency, in.purpose
	from := parseReplayFrom(q.Get("from"), q.Get("from_time"), &probs)
	speed := replayws.MinSpeed
	if s := q.Get("speed"); s != "" {
		v, err := replayws.ParseSpeed(s)
		if err != nil {
			probs.Add("speed", `want a whole number from 1 to 1000, or "max"`)
		}
		speed = v
	}
	if err := probs.Err(); err != nil {
		return err
	}
	if err := a.mayReadHistory(p, in); err != nil {
		return err
	}
	params := map[string]string{}
	for k, v := range q {
		if k != "purpose" && len(params) < 30 {
			params[k] = strings.Join(v, ",")
		}
	}
	params["as_agency"], params["speed"] = asAgency.String(), speed.String()
	record := func(ctx context.Context, acc replayws.Access) error {
		read := HistoryRead{Operation: op, What: readReplay, Purpose: purpose, Parameters: params, OccurredAt: a.cfg.Now()}
		if acc.Seek {
			read.Parameters = map[string]string{"as_agency": asAgency.String(), "seek": acc.From.String(), "speed": acc.Speed.String()}
		}
		return a.cfg.HistoryRecorder.RecordHistoryRead(ctx, p, read)
	}
	err := a.cfg.Replay.Serve(hijackable(w), r, replayws.Request{Operation: op, Agency: asAgency, From: from, Speed: speed, Record: record})
	if err != nil {
		return historyError(op, err)
	}
	return nil
}

// parseReplayFrom reads where a replay starts: from (a position), or
// from_time (a server time), or neither (the start of the history).
func parseReplayFrom(pos, at string, probs *domain.Problems) replayws.Point {
	switch {
	case pos != "" && at != "":
		probs.Add("from", "give from (a position) or from_time (a time), not both")
	case pos != "":
		p, err := eventstore.ParsePosition(pos)
		if err != nil || len(pos) > maxPositionLen {
			probs.Add("from", "want a log position commit/prepare, as the board reads give")
		}
		return replayws.Point{Position: p}
	case at != "":
		t, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			probs.Add("from_time", "want an RFC 3339 time")
		}
		return replayws.Point{Time: t, ByTime: true}
	}
	return replayws.Point{}
}
