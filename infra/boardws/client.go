package boardws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections/board"
)

// Message is one message of the live board protocol as a Go client reads
// it, with the values of a delta's changes typed as board.View.Apply
// expects them.
type Message struct {
	// Type is TypeSnapshot, TypeDelta or TypeHeartbeat (or a type a newer
	// server added; ignore those).
	Type string
	// Operation is the snapshot's operation.
	Operation domain.OperationID
	// Position is where the message leaves the client: resume after it.
	Position string
	// Board is the snapshot's view.
	Board *board.View
	// Delta is the delta, ready for Board.Apply.
	Delta *board.AgencyDelta
	// Head and Behind are the heartbeat's: the log's head and how many
	// events the boards are behind it.
	Head   string
	Behind int64
}

// wireMessage is every message type's JSON in one struct.
type wireMessage struct {
	Type      string             `json:"type"`
	Operation domain.OperationID `json:"operation_id"`
	Position  string             `json:"position"`
	Board     *board.View        `json:"board"`
	At        time.Time          `json:"at"`
	Changes   []wireChange       `json:"changes"`
	Head      string             `json:"head"`
	Behind    int64              `json:"behind"`
}

type wireChange struct {
	Op         board.Op        `json:"op"`
	Field      string          `json:"field"`
	Collection string          `json:"collection"`
	Key        string          `json:"key"`
	Value      json.RawMessage `json:"value"`
}

// DecodeMessage decodes one text message of the server. A change whose
// field or collection it does not know keeps its raw JSON value, which
// board.View.Apply ignores: an older client still follows a newer server.
func DecodeMessage(data []byte) (Message, error) {
	var w wireMessage
	if err := json.Unmarshal(data, &w); err != nil {
		return Message{}, fmt.Errorf("board message: %w", err)
	}
	m := Message{Type: w.Type, Operation: w.Operation, Position: w.Position, Board: w.Board, Head: w.Head, Behind: w.Behind}
	switch w.Type {
	case TypeSnapshot:
		if w.Board == nil {
			return Message{}, errors.New("board message: a snapshot without a board")
		}
	case TypeDelta:
		d := &board.AgencyDelta{Position: w.Position, At: w.At, Changes: make([]board.Change, len(w.Changes))}
		for i, c := range w.Changes {
			v, err := decodeValue(c)
			if err != nil {
				return Message{}, fmt.Errorf("board message: change %d (%s %s%s): %w", i, c.Op, c.Field, c.Collection, err)
			}
			d.Changes[i] = board.Change{Op: c.Op, Field: c.Field, Collection: c.Collection, Key: c.Key, Value: v}
		}
		m.Delta = d
	}
	return m, nil
}

// decodeValue types a change's value by its field or collection.
func decodeValue(c wireChange) (any, error) {
	switch c.Op {
	case board.OpSet:
		switch c.Field {
		case board.FieldOperation:
			return decodeAs[domain.OperationID](c.Value)
		case board.FieldStatus:
			return decodeAs[operation.Status](c.Value)
		case board.FieldPurpose:
			return decodeAs[string](c.Value)
		case board.FieldLead:
			return decodeAs[domain.AgencyID](c.Value)
		case board.FieldArrangementVersion:
			return decodeAs[int](c.Value)
		case board.FieldHostStates:
			return decodeAs[[]domain.StateCode](c.Value)
		case board.FieldLegalBasis:
			return decodeAs[[]domain.LegalRef](c.Value)
		case board.FieldArea:
			return decodeAs[geo.Polygon](c.Value)
		case board.FieldPeriod:
			return decodeAs[domain.Period](c.Value)
		}
	case board.OpPut:
		switch c.Collection {
		case board.CollParticipants:
			return decodeAs[board.Participant](c.Value)
		case board.CollOperationalPeriods:
			return decodeAs[board.OperationalPeriod](c.Value)
		case board.CollOrgUnits:
			return decodeAs[board.OrgUnit](c.Value)
		case board.CollPositions:
			return decodeAs[board.Position](c.Value)
		case board.CollUnits:
			return decodeAs[board.Unit](c.Value)
		case board.CollTasks:
			return decodeAs[board.Task](c.Value)
		case board.CollReports:
			return decodeAs[board.Report](c.Value)
		case board.CollTrack:
			return decodeAs[board.TrackPoint](c.Value)
		case board.CollSignificant:
			return decodeAs[board.Entry](c.Value)
		case board.CollFlags:
			return decodeAs[board.Flag](c.Value)
		}
	case board.OpDelete:
		return nil, nil
	}
	return c.Value, nil
}

func decodeAs[T any](raw json.RawMessage) (any, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// Dial opens a live board as a program does: url is
// ws://host/v1/operations/<id>/board/live, with ?after=<position> to
// resume; the token goes in the Authorization header and the subprotocol
// offered is Subprotocol. A nil dialer is websocket.DefaultDialer. On a
// refused upgrade, the response (its body unread) comes with the error.
func Dial(ctx context.Context, d *websocket.Dialer, url, token string) (*websocket.Conn, *http.Response, error) {
	if d == nil {
		d = websocket.DefaultDialer
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	h.Set("Sec-WebSocket-Protocol", Subprotocol)
	return d.DialContext(ctx, url, h)
}

// ReadMessage reads and decodes the next message of a board connection.
func ReadMessage(c *websocket.Conn) (Message, error) {
	typ, data, err := c.ReadMessage()
	if err != nil {
		return Message{}, err
	}
	if typ != websocket.TextMessage {
		return Message{}, fmt.Errorf("board message: frame type %d, want text", typ)
	}
	return DecodeMessage(data)
}

// ResumeAfter returns the position a close reason of the server tells the
// client to resume after ("slow consumer: resume after 42/42"); ok is
// false when the reason names none.
func ResumeAfter(reason string) (position string, ok bool) {
	const marker = ": resume after "
	i := strings.Index(reason, marker)
	if i < 0 {
		return "", false
	}
	return reason[i+len(marker):], true
}
