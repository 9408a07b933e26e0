package boards

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/projections/board"
)

// Kinds of Frame: the "type" of the protocol message it carries.
const (
	KindSnapshot = "snapshot"
	KindDelta    = "delta"
)

// Frame is one protocol message for subscribers: encoded once per agency
// view (or once for the views that see the same changes) and shared by all
// of their subscribers, so it is read-only.
type Frame struct {
	// Kind is KindSnapshot or KindDelta.
	Kind string
	// Position is the log position the message leaves the client at: a
	// delta's event, or the last event the snapshot's board folded.
	Position string
	// Data is the JSON message (see the package documentation).
	Data []byte
	// Prepared is Data as a WebSocket text message, prepared once for
	// every connection that sends it.
	Prepared *websocket.PreparedMessage
	// View is the snapshot's board as typed values (nil for a delta), for
	// in-process consumers; treat it as read-only.
	View *board.View
	// Delta is the delta as typed values (nil for a snapshot), ready for
	// board.View.Apply; it shares values with the board: read-only.
	Delta *board.AgencyDelta
}

// snapshotMessage and deltaMessage are the JSON of the protocol.
type snapshotMessage struct {
	Type      string             `json:"type"`
	Operation domain.OperationID `json:"operation_id"`
	Position  string             `json:"position"`
	Board     *board.View        `json:"board"`
}

type deltaMessage struct {
	Type     string         `json:"type"`
	Position string         `json:"position"`
	At       time.Time      `json:"at"`
	Changes  []board.Change `json:"changes"`
}

// EncodeSnapshot is the JSON message of a snapshot of operation op's board
// v at position — of live boards and of replays alike, so one client shows
// both.
func EncodeSnapshot(op domain.OperationID, position string, v *board.View) ([]byte, error) {
	data, err := json.Marshal(snapshotMessage{Type: KindSnapshot, Operation: op, Position: position, Board: v})
	if err != nil {
		return nil, fmt.Errorf("encode snapshot at %s: %w", position, err)
	}
	return data, nil
}

// EncodeDelta is the JSON message of one view's delta (see EncodeSnapshot).
func EncodeDelta(d *board.AgencyDelta) ([]byte, error) {
	data, err := json.Marshal(deltaMessage{Type: KindDelta, Position: d.Position, At: d.At, Changes: d.Changes})
	if err != nil {
		return nil, fmt.Errorf("encode delta at %s: %w", d.Position, err)
	}
	return data, nil
}

// snapshotFrame encodes a snapshot of operation op at position.
func snapshotFrame(op domain.OperationID, position string, v *board.View) (*Frame, error) {
	data, err := EncodeSnapshot(op, position, v)
	if err != nil {
		return nil, err
	}
	return prepare(&Frame{Kind: KindSnapshot, Position: position, Data: data, View: v})
}

// deltaFrame encodes one view's delta.
func deltaFrame(d *board.AgencyDelta) (*Frame, error) {
	data, err := EncodeDelta(d)
	if err != nil {
		return nil, err
	}
	return prepare(&Frame{Kind: KindDelta, Position: d.Position, Data: data, Delta: d})
}

func prepare(f *Frame) (*Frame, error) {
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, f.Data)
	if err != nil {
		return nil, fmt.Errorf("prepare %s at %s: %w", f.Kind, f.Position, err)
	}
	f.Prepared = pm
	return f, nil
}
