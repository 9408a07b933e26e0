package loadgen

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Kinds of report the units file, by their route's last segment.
const (
	kindPosition    = "position"
	kindObservation = "observation"
	kindSituation   = "situation"
	kindCrossing    = "border-crossing"
)

// Kinds are the kinds of report the units file, in the order of a Mix.
var Kinds = []string{kindPosition, kindObservation, kindSituation, kindCrossing}

// Mix is the share of each kind of report (position, observation,
// situation, border-crossing), by kind; the shares need not add up to 1.
type Mix map[string]float64

// DefaultMix is mostly positions, as a patrol's devices send them, with
// sightings, situation reports and border crossings.
func DefaultMix() Mix {
	return Mix{kindPosition: 0.75, kindObservation: 0.12, kindSituation: 0.08, kindCrossing: 0.05}
}

// ParseMix reads a mix written as kind=share,kind=share (for example
// "position=1" or "position=3,observation=1").
func ParseMix(s string) (Mix, error) {
	m := Mix{}
	for part := range strings.SplitSeq(s, ",") {
		kind, share, ok := strings.Cut(strings.TrimSpace(part), "=")
		v, err := strconv.ParseFloat(share, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("mix %q: want kind=share,… (kinds: %s)", s, strings.Join(Kinds, ", "))
		}
		m[kind] = v
	}
	return m, nil
}

// validate reports every problem of the mix.
func (m Mix) validate() error {
	var errs []error
	total := 0.0
	for kind, v := range m {
		if !slices.Contains(Kinds, kind) {
			errs = append(errs, fmt.Errorf("mix: unknown kind %q (kinds: %s)", kind, strings.Join(Kinds, ", ")))
		}
		if v < 0 {
			errs = append(errs, fmt.Errorf("mix: %s share %g must not be negative", kind, v))
		}
		total += v
	}
	if total <= 0 {
		errs = append(errs, errors.New("mix: the shares must add up to more than 0"))
	}
	return errors.Join(errs...)
}

// pick chooses a kind with probability proportional to its share, r
// drawn uniformly from [0, 1).
func (m Mix) pick(r float64) string {
	total := 0.0
	for _, k := range Kinds {
		total += m[k]
	}
	r *= total
	for _, k := range Kinds {
		if r < m[k] {
			return k
		}
		r -= m[k]
	}
	return kindPosition
}

// everyone is the agency mask of a report every participant may see.
const everyone = 1<<agencies - 1

// report is one command to send.
type report struct {
	kind string
	unit *unit
	path string
	body []byte
	late bool
	// visible is the mask of the agencies whose boards must receive the
	// report's delta.
	visible uint8
}

// mixer builds the reports of the run. It is not safe for concurrent use:
// the scheduler alone calls it.
type mixer struct {
	w         *world
	rng       *rand.Rand
	mix       Mix
	lateShare float64
}

type markingJSON struct {
	Originator uuid.UUID `json:"originator"`
	TLP        string    `json:"tlp"`
	Evaluation string    `json:"evaluation"`
}

type pointJSON struct {
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Accuracy float64 `json:"accuracy_m"`
}

// entryJSON are the fields of every report.
type entryJSON struct {
	CommandID  uuid.UUID   `json:"command_id"`
	OccurredAt string      `json:"occurred_at"`
	ReportID   uuid.UUID   `json:"report_id"`
	Marking    markingJSON `json:"marking"`
}

type positionJSON struct {
	entryJSON
	Point  pointJSON `json:"point"`
	Source string    `json:"source"`
}

type observationJSON struct {
	entryJSON
	Text  string    `json:"text"`
	Point pointJSON `json:"point"`
}

type situationJSON struct {
	entryJSON
	Summary string `json:"summary"`
}

type crossingJSON struct {
	entryJSON
	From  string    `json:"from"`
	To    string    `json:"to"`
	Point pointJSON `json:"point"`
	Mode  string    `json:"mode"`
}

// next is u's next report, made at now.
func (m *mixer) next(u *unit, now time.Time) (report, error) {
	kind := m.mix.pick(m.rng.Float64())
	m.move(u)
	e := entryJSON{CommandID: uuid.New(), ReportID: uuid.New(), OccurredAt: now.UTC().Format(time.RFC3339Nano),
		Marking: markingJSON{Originator: m.w.agencies[u.agency], TLP: "AMBER", Evaluation: "B2"}}
	rep := report{kind: kind, unit: u, visible: everyone,
		path: m.w.ops[u.op].path + "/units/" + u.id.String() + "/reports/" + kind}
	here := pointJSON{Lat: round(u.lat, 5), Lon: round(u.lon, 5), Accuracy: 5 + float64(m.rng.IntN(10))}
	var body any
	switch kind {
	case kindPosition:
		e.Marking.Evaluation = "A1"
		body = positionJSON{entryJSON: e, Point: here, Source: "gps"}
	case kindObservation:
		m.maybeLate(&e, &rep, now)
		if m.rng.IntN(3) == 0 {
			// For the originator's own boards only.
			e.Marking.TLP = "AMBER+STRICT"
			rep.visible = 1 << u.agency
		}
		body = observationJSON{entryJSON: e, Point: here,
			Text: fmt.Sprintf("Vehicle %s seen heading %s", plates[m.rng.IntN(len(plates))], headings[m.rng.IntN(len(headings))])}
	case kindSituation:
		m.maybeLate(&e, &rep, now)
		body = situationJSON{entryJSON: e, Summary: fmt.Sprintf("Checkpoint quiet; %d vehicles and %d persons checked since the last report",
			m.rng.IntN(25), m.rng.IntN(12))}
	case kindCrossing:
		from, to := "AT", "DE"
		if u.inDE {
			from, to = to, from
		}
		u.inDE = !u.inDE
		body = crossingJSON{entryJSON: e, From: from, To: to, Point: here, Mode: "land"}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return report{}, fmt.Errorf("encode a %s report: %w", kind, err)
	}
	rep.body = raw
	return rep, nil
}

// maybeLate dates a report minutes back, as a unit back in coverage sends
// what it saw.
func (m *mixer) maybeLate(e *entryJSON, rep *report, now time.Time) {
	if m.rng.Float64() >= m.lateShare {
		return
	}
	late := time.Duration(6+m.rng.IntN(20)) * time.Minute
	e.OccurredAt = now.Add(-late).UTC().Format(time.RFC3339Nano)
	rep.late = true
}

// move walks u a few metres, kept inside the area.
func (m *mixer) move(u *unit) {
	u.lat = clamp(u.lat+(m.rng.Float64()*2-1)*0.0003, 47.61, 47.89)
	u.lon = clamp(u.lon+(m.rng.Float64()*2-1)*0.0004, 12.81, 13.19)
}

func clamp(v, lo, hi float64) float64 { return math.Min(math.Max(v, lo), hi) }

func round(v float64, digits int) float64 {
	p := math.Pow10(digits)
	return math.Round(v*p) / p
}

var (
	plates   = []string{"BGL-K 214", "S 482 TZ", "M-RT 7731", "SL 19 KX", "TS-H 88", "BR 550 AB"}
	headings = []string{"north on the B20", "towards the bridge", "east to the border", "into the village", "south on the A8"}
)
