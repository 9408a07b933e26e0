package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// data holds the demo data: geography.geojson (territories, borders, the
// area of operations and roads, a GeoJSON FeatureCollection any GIS tool
// opens) and world.json (agencies, people, the operation, units).
//
//go:embed data/geography.geojson data/world.json
var data embed.FS

// Load reads and checks the embedded demo world: every geometry is
// validated as the domain validates it, and every reference by key must
// name something that exists.
func Load() (*World, error) {
	geoRaw, err := data.ReadFile("data/geography.geojson")
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	worldRaw, err := data.ReadFile("data/world.json")
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	w := &World{}
	if err := loadGeography(w, geoRaw); err != nil {
		return nil, fmt.Errorf("demo data geography.geojson: %w", err)
	}
	if err := loadWorld(w, worldRaw); err != nil {
		return nil, fmt.Errorf("demo data world.json: %w", err)
	}
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	return w, nil
}

// featureJSON is one feature of geography.geojson; its geometry is decoded
// by the domain's validating GeoJSON types according to kind.
type featureJSON struct {
	Type       string `json:"type"`
	Properties struct {
		Kind   string   `json:"kind"`
		Code   string   `json:"code"`
		Key    string   `json:"key"`
		Name   string   `json:"name"`
		States []string `json:"states"`
	} `json:"properties"`
	Geometry json.RawMessage `json:"geometry"`
}

func loadGeography(w *World, raw []byte) error {
	var fc struct {
		Type     string        `json:"type"`
		Notice   string        `json:"notice"`
		Features []featureJSON `json:"features"`
	}
	if err := decodeStrict(raw, &fc); err != nil {
		return err
	}
	var errs []error
	if fc.Type != "FeatureCollection" || !strings.HasPrefix(fc.Notice, "DEMO DATA") {
		errs = append(errs, errors.New("want a FeatureCollection marked as demo data (notice)"))
	}
	areas := 0
	for i, f := range fc.Features {
		p := f.Properties
		var err error
		switch p.Kind {
		case "state":
			s := State{Code: p.Code, Name: p.Name}
			err = json.Unmarshal(f.Geometry, &s.Territory)
			w.States = append(w.States, s)
		case "border":
			var b Border
			if len(p.States) != 2 {
				err = errors.New("a border names two states")
			} else {
				b.States = [2]string{p.States[0], p.States[1]}
				err = json.Unmarshal(f.Geometry, &b.Line)
			}
			w.Borders = append(w.Borders, b)
		case "area":
			areas++
			err = json.Unmarshal(f.Geometry, &w.Operation.Area)
		case "road":
			r := Road{Key: p.Key, Name: p.Name}
			err = json.Unmarshal(f.Geometry, &r.Line)
			w.Roads = append(w.Roads, r)
		default:
			err = fmt.Errorf("unknown kind %q", p.Kind)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("feature %d (%s %s%s): %w", i, p.Kind, p.Code, p.Key, err))
		}
	}
	if areas != 1 {
		errs = append(errs, fmt.Errorf("want one area of operations, have %d", areas))
	}
	return errors.Join(errs...)
}

// worldJSON is the shape of world.json.
type worldJSON struct {
	Notice   string `json:"notice"`
	Agencies []struct {
		Key           string `json:"key"`
		State         string `json:"state"`
		Kind          string `json:"kind"`
		Name          string `json:"name"`
		Short         string `json:"short"`
		ContactPoints []struct {
			Key     string `json:"key"`
			Purpose string `json:"purpose"`
			Name    string `json:"name"`
			Channel string `json:"channel"`
			Address string `json:"address"`
		} `json:"contact_points"`
	} `json:"agencies"`
	HostAuthorities map[string]string `json:"host_authorities"`
	People          []struct {
		Key    string `json:"key"`
		Agency string `json:"agency"`
		Role   string `json:"role"`
		Name   string `json:"name"`
	} `json:"people"`
	Operation struct {
		Key                string     `json:"key"`
		Purpose            string     `json:"purpose"`
		Lead               string     `json:"lead"`
		Participants       []string   `json:"participants"`
		HostStates         []string   `json:"host_states"`
		LegalBasis         []LegalRef `json:"legal_basis"`
		Period             spanJSON   `json:"period"`
		OperationalPeriods []struct {
			spanJSON
			Objectives     []string `json:"objectives"`
			AddedObjective string   `json:"added_objective"`
		} `json:"operational_periods"`
		OrgUnits []struct {
			Key    string `json:"key"`
			Parent string `json:"parent"`
			Kind   string `json:"kind"`
			Name   string `json:"name"`
		} `json:"org_units"`
		Positions []struct {
			Key     string `json:"key"`
			OrgUnit string `json:"org_unit"`
			Title   string `json:"title"`
			SeatOf  string `json:"seat_of"`
			Holder  string `json:"holder"`
		} `json:"positions"`
	} `json:"operation"`
	Units []struct {
		Key       string  `json:"key"`
		Agency    string  `json:"agency"`
		CallSign  string  `json:"call_sign"`
		Kind      string  `json:"kind"`
		Personnel int     `json:"personnel"`
		OrgUnit   string  `json:"org_unit"`
		Road      string  `json:"road"`
		StartKm   float64 `json:"start_km"`
		Heading   int     `json:"heading"`
		SpeedKmh  float64 `json:"speed_kmh"`
		TLP       string  `json:"tlp"`
	} `json:"units"`
	Scenario struct {
		Pursuit struct {
			Unit     string  `json:"unit"`
			SpeedKmh float64 `json:"speed_kmh"`
		} `json:"pursuit"`
		Surveillance struct {
			Unit       string `json:"unit"`
			HandoverTo string `json:"handover_to"`
		} `json:"surveillance"`
	} `json:"scenario"`
}

// spanJSON is a period as Go durations from the anchor ("-2h", "336h").
type spanJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (s spanJSON) span() (Span, error) {
	from, err1 := time.ParseDuration(s.From)
	to, err2 := time.ParseDuration(s.To)
	if err := errors.Join(err1, err2); err != nil {
		return Span{}, err
	}
	if to <= from {
		return Span{}, fmt.Errorf("span %s..%s ends before it starts", s.From, s.To)
	}
	return Span{From: from, To: to}, nil
}

func loadWorld(w *World, raw []byte) error {
	var in worldJSON
	if err := decodeStrict(raw, &in); err != nil {
		return err
	}
	var errs []error
	if !strings.HasPrefix(in.Notice, "DEMO DATA") {
		errs = append(errs, errors.New("the notice must mark the file as DEMO DATA"))
	}
	w.Notice = in.Notice
	w.HostAuthorities = in.HostAuthorities
	for _, a := range in.Agencies {
		ag := Agency{Key: a.Key, ID: id("agency", a.Key), State: a.State, Name: a.Name, Short: a.Short, Kind: a.Kind}
		for _, c := range a.ContactPoints {
			ag.ContactPoints = append(ag.ContactPoints, ContactPoint{
				Key: c.Key, ID: id("contact-point", a.Key+"/"+c.Key),
				Purpose: c.Purpose, Name: c.Name, Channel: c.Channel, Address: c.Address,
			})
		}
		w.Agencies = append(w.Agencies, ag)
	}
	for _, p := range in.People {
		w.People = append(w.People, Person{Key: p.Key, ID: id("person", p.Key), Agency: p.Agency, Role: p.Role, Name: p.Name})
	}

	op, o := in.Operation, &w.Operation
	o.Key, o.ID, o.Purpose, o.Lead = op.Key, id("operation", op.Key), op.Purpose, op.Lead
	o.Participants, o.HostStates, o.LegalBasis = op.Participants, op.HostStates, op.LegalBasis
	var err error
	if o.Period, err = op.Period.span(); err != nil {
		errs = append(errs, fmt.Errorf("operation period: %w", err))
	}
	for i, p := range op.OperationalPeriods {
		s, err := p.span()
		if err != nil {
			errs = append(errs, fmt.Errorf("operational period %d: %w", i+1, err))
		}
		o.OperationalPeriods = append(o.OperationalPeriods,
			OperationalPeriod{Span: s, Objectives: p.Objectives, AddedObjective: p.AddedObjective})
	}
	for _, u := range op.OrgUnits {
		o.OrgUnits = append(o.OrgUnits, OrgUnit{Key: u.Key, ID: id("org-unit", op.Key+"/"+u.Key), Parent: u.Parent, Kind: u.Kind, Name: u.Name})
	}
	for _, p := range op.Positions {
		o.Positions = append(o.Positions, Position{
			Key: p.Key, ID: id("position", op.Key+"/"+p.Key), OrgUnit: p.OrgUnit, Title: p.Title, SeatOf: p.SeatOf, Holder: p.Holder,
		})
	}
	for _, u := range in.Units {
		w.Units = append(w.Units, Unit{
			Key: u.Key, ID: id("unit", u.Key), Agency: u.Agency, CallSign: u.CallSign, Kind: u.Kind,
			Personnel: u.Personnel, OrgUnit: u.OrgUnit, Road: u.Road, StartKm: u.StartKm, Heading: u.Heading,
			SpeedKmh: u.SpeedKmh, TLP: u.TLP,
		})
	}
	sc := in.Scenario
	w.Scenario = Scenario{
		PursuitUnit: sc.Pursuit.Unit, PursuitSpeedKmh: sc.Pursuit.SpeedKmh,
		SurveillanceUnit: sc.Surveillance.Unit, HandoverUnit: sc.Surveillance.HandoverTo,
	}
	return errors.Join(errs...)
}

// decodeStrict decodes one JSON value, refusing unknown fields, so that a
// typo in the data is an error rather than a silently missing item.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
