package demo

import (
	"context"
	"errors"
	"net/http"
)

// The commanders' side of the compliance flags: every FlagsEvery, the
// commander of each participating agency reads the open flags on its board
// and answers those about its own units that it has not answered yet — it
// disputes a pursuit flagged as having gone too far (the GPS track, it
// says, overstates the distance), and acknowledges any other flag.

// flagView is what the simulator reads of a flag on the board.
type flagView struct {
	ID      string `json:"id"`
	Rule    string `json:"rule"`
	Agency  string `json:"agency"`
	Answers []struct {
		Agency string `json:"agency"`
	} `json:"answers"`
}

// flagAnswerBody is the body of an acknowledgement or a dispute.
type flagAnswerBody struct {
	commandFields
	Note string `json:"note"`
}

// answerFlags answers, as each agency's commander, the open flags about
// the agency's units. A board that cannot be read (a server without
// boards) answers nothing.
func (s *Simulator) answerFlags(ctx context.Context) {
	w := s.cfg.Tokens.World()
	op := "/v1/operations/" + w.Operation.ID.String()
	for _, key := range w.Operation.Participants {
		agency := w.Agency(key)
		if agency == nil || w.Commander(key) == nil {
			continue
		}
		commander := w.commander(key)
		var board struct {
			Flags []flagView `json:"flags"`
		}
		if err := s.client.get(ctx, commander, op+"/board/flags?state=open", &board); err != nil {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != http.StatusNotFound {
				s.cfg.Logger.Debug("demo flags not read", "agency", key, "err", err)
			}
			continue
		}
		for _, f := range board.Flags {
			if f.Agency != agency.ID.String() || answered(f, agency.ID.String()) {
				continue
			}
			verb, note := "acknowledge", "Noted; the unit commander will brief the host authority at the joint command post"
			if f.Rule == "pursuit.beyond_distance" {
				verb, note = "dispute", "The car was stopped at the first safe place; the GPS track overstates the distance from the border"
			}
			b := &flagAnswerBody{Note: note}
			b.CommandID = id("flag-answer", s.cfg.Run+"/"+key+"/"+f.ID)
			s.send(ctx, request{kind: "flag-" + verb, by: key + " commander", who: commander, path: op + "/flags/" + f.ID + "/" + verb, body: b})
		}
	}
}

func answered(f flagView, agency string) bool {
	for _, a := range f.Answers {
		if a.Agency == agency {
			return true
		}
	}
	return false
}
