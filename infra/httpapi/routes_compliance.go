package httpapi

import (
	"net/http"
	"time"

	"github.com/jointops/jointops/commands"
	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/compliance"
	"github.com/jointops/jointops/projections/board"
)

// Compliance flags: the compliance policy raises and clears them; a
// commander of an agency taking part in the operation acknowledges or
// disputes one for that agency, once. The flags themselves are read on
// the board (…/board/flags), as each agency may see them. A commander of
// a host state's agency asks foreign units to stop (host-stop); the policy
// flags any further action of theirs on that state's territory.

func (a *api) complianceRoutes() []route {
	const f = "/v1/operations/{operation}/flags/{flag}"
	return []route{
		{"POST", f + "/acknowledge", command[flagAnswerIn](a, (*flagAnswerIn).build, a.cmds.AcknowledgeFlag)},
		{"POST", f + "/dispute", command[flagAnswerIn](a, (*flagAnswerIn).build, a.cmds.DisputeFlag)},
		{"POST", "/v1/operations/{operation}/host-stop", command[hostStopIn](a, (*hostStopIn).build, a.cmds.RequestHostStop)},
	}
}

// hostStopIn is the body of a host's stop request: the units asked to
// stop (none: every foreign unit) and why.
type hostStopIn struct {
	commandIn
	Units  []string `json:"units,omitempty"`
	Reason string   `json:"reason"`
}

func (b *hostStopIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.HostStop {
	return commands.HostStop{
		Operation:  pathID[domain.OperationID](r, p, "operation"),
		OccurredAt: at,
		Units:      parseIDs[domain.UnitID](p, "units", b.Units),
		Reason:     b.Reason,
	}
}

// flagAnswerIn is the body of an acknowledgement or a dispute; a dispute
// requires its note.
type flagAnswerIn struct {
	commandIn
	Note string `json:"note"`
}

func (b *flagAnswerIn) build(r *http.Request, at time.Time, p *domain.Problems) commands.FlagAnswer {
	return commands.FlagAnswer{
		Operation:  pathID[domain.OperationID](r, p, "operation"),
		OccurredAt: at,
		Flag:       pathFlag(r, p),
		Note:       b.Note,
	}
}

// pathFlag parses the flag ID in the path.
func pathFlag(r *http.Request, p *domain.Problems) compliance.FlagID {
	id := compliance.FlagID(r.PathValue("flag"))
	if !id.Valid() {
		p.Add("flag", "must be a flag ID: 32 lowercase hexadecimal digits")
	}
	return id
}

// flagsOut is the JSON of GET …/board/flags: the compliance flags the
// caller's agency may see, in the order they were raised, optionally only
// those in one state (?state=open or ?state=cleared).
type flagsOut struct {
	partHead
	Flags []board.Flag `json:"flags"`
}

func flagsBoard(v board.View, pos string, r *http.Request, probs *domain.Problems) any {
	state := board.FlagState(r.URL.Query().Get("state"))
	switch state {
	case "", board.FlagOpen, board.FlagCleared:
	default:
		probs.Addf("state", "must be %q or %q", board.FlagOpen, board.FlagCleared)
		return nil
	}
	out := []board.Flag{}
	for _, f := range v.Flags {
		if state == "" || f.State == state {
			out = append(out, f)
		}
	}
	return flagsOut{partHead: headOf(v, pos), Flags: out}
}
