package replayws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// Message types the replay adds to the boards' protocol (whose snapshot
// and delta it sends unchanged).
const (
	// TypeStatus is the server's status message: state, position, speed
	// and clock.
	TypeStatus = "replay"
	// TypeError answers a control the server could not follow.
	TypeError = "error"
)

// Controls: the "type" of the client's messages.
const (
	ControlPause = "pause"
	ControlPlay  = "play"
	ControlStep  = "step"
	ControlSpeed = "speed"
	ControlSeek  = "seek"
)

// States of a session, as its status messages say them.
const (
	StatePlaying = "playing"
	StatePaused  = "paused"
	StateEnded   = "ended"
)

// Codes of the error messages.
const (
	CodeInvalidControl = "replay.invalid_control"
	CodeNotPaused      = "replay.not_paused"
	CodeNotIndexed     = "replay.not_indexed"
	CodeNotRecorded    = "replay.not_recorded"
	CodeSeekFailed     = "replay.seek_failed"
)

// Speed is how many seconds of recorded history a session plays per
// second of wall time, from MinSpeed to MaxSpeed; SpeedMax (zero) streams
// as fast as the client reads.
type Speed int

// Speeds.
const (
	SpeedMax Speed = 0
	MinSpeed Speed = 1
	MaxSpeed Speed = 1000
)

// ParseSpeed reads a speed as the protocol gives it: a whole number from
// 1 to 1000, or "max".
func ParseSpeed(s string) (Speed, error) {
	if s == "max" {
		return SpeedMax, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < int(MinSpeed) || n > int(MaxSpeed) {
		return 0, fmt.Errorf("speed %.20q: want a whole number from %d to %d, or \"max\"", s, MinSpeed, MaxSpeed)
	}
	return Speed(n), nil
}

// String is the speed as the protocol gives it.
func (s Speed) String() string {
	if s == SpeedMax {
		return "max"
	}
	return strconv.Itoa(int(s))
}

// MarshalJSON writes a number, or "max".
func (s Speed) MarshalJSON() ([]byte, error) {
	if s == SpeedMax {
		return []byte(`"max"`), nil
	}
	return strconv.AppendInt(nil, int64(s), 10), nil
}

// UnmarshalJSON reads a number from 1 to 1000, or "max".
func (s *Speed) UnmarshalJSON(b []byte) error {
	var str string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
	} else {
		str = string(b)
	}
	v, err := ParseSpeed(str)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Point is where a replay starts or seeks to: the board including the
// event at Position, or, when ByTime, including every event recorded at
// or before Time. The zero Point is the start of the history (the empty
// board).
type Point struct {
	Position eventstore.Position
	Time     time.Time
	ByTime   bool
}

// String is the point as it is recorded: a position, a time, or "start".
func (p Point) String() string {
	switch {
	case p.ByTime:
		return p.Time.UTC().Format(time.RFC3339Nano)
	case p.Position == eventstore.Position{}:
		return "start"
	}
	return p.Position.String()
}

// Control is a client's message.
type Control struct {
	Type     string    `json:"type"`
	Speed    *Speed    `json:"speed,omitempty"`
	Position string    `json:"position,omitempty"`
	Time     time.Time `json:"time,omitzero"`
}

// parseControl decodes and checks one control message.
func parseControl(data []byte) (Control, Point, error) {
	var c Control
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Control{}, Point{}, fmt.Errorf("not a control message: %w", err)
	}
	if dec.More() {
		return Control{}, Point{}, errors.New("one JSON object per message")
	}
	var at Point
	switch c.Type {
	case ControlPause, ControlPlay, ControlStep:
		if c.Speed != nil || c.Position != "" || !c.Time.IsZero() {
			return Control{}, Point{}, fmt.Errorf("%s takes no arguments", c.Type)
		}
	case ControlSpeed:
		if c.Speed == nil || c.Position != "" || !c.Time.IsZero() {
			return Control{}, Point{}, errors.New(`speed takes "speed" only: 1 to 1000, or "max"`)
		}
	case ControlSeek:
		switch {
		case c.Speed != nil || (c.Position == "") == c.Time.IsZero():
			return Control{}, Point{}, errors.New(`seek takes "position" or "time", one of them`)
		case c.Position != "":
			p, err := eventstore.ParsePosition(c.Position)
			if err != nil {
				return Control{}, Point{}, errors.New("seek: position: want a position received from this server")
			}
			at = Point{Position: p}
		default:
			at = Point{Time: c.Time, ByTime: true}
		}
	default:
		return Control{}, Point{}, fmt.Errorf("unknown control type %.20q: want pause, play, step, speed or seek", c.Type)
	}
	return c, at, nil
}

// Status is the server's status message.
type Status struct {
	Type  string `json:"type"`
	State string `json:"state"`
	// Position is the position of the last snapshot or delta sent.
	Position string `json:"position"`
	Speed    Speed  `json:"speed"`
	// Clock is the recorded_at of the last event played (absent before
	// any).
	Clock time.Time `json:"clock,omitzero"`
	// Events is how many of the operation's events the board has folded.
	Events uint64 `json:"events"`
}

// ErrorMessage answers a control the server could not follow.
type ErrorMessage struct {
	Type   string `json:"type"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// sendJSON encodes and queues one message of the replay's own types.
func (s *session) sendJSON(v any) {
	data, err := json.Marshal(v)
	if err != nil {
		s.srv.cfg.Logger.Error("replay: encode message", "error", err.Error())
		return
	}
	s.queue(data)
}
