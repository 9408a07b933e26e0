package eventlog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/catalog"
	dt "github.com/jointops/jointops/domain/domaintest"
	"github.com/jointops/jointops/domain/fieldlog"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/domain/task"
	"github.com/jointops/jointops/infra/eventstore"
)

// payloads generates payloads of the types the fast path knows, in every
// shape Encode writes: corrections or not; every TLP, handling codes,
// H3 text, releasable-to lists of agencies and states; points with and
// without altitude and accuracy, with coordinates of every magnitude;
// known and unknown sources and statuses; free text with non-ASCII
// letters and characters JSON escapes.
type payloads struct{ r *rand.Rand }

// fastTypes are the types the fast path knows, with a generator each.
func (g payloads) fastTypes() map[string]func() domain.Payload {
	return map[string]func() domain.Payload{
		fieldlog.PositionReportedType: func() domain.Payload {
			return &fieldlog.PositionReported{Header: g.header(),
				Position: fieldlog.Position{Point: g.point(), Source: pick[fieldlog.Source](g.r, fieldlog.SourceGPS, fieldlog.SourceManual, fieldlog.SourceRelayed, fieldlog.SourceFused, "radar", "")}}
		},
		fieldlog.ObservationReportedType: func() domain.Payload {
			e := &fieldlog.ObservationReported{Header: g.header(), Observation: fieldlog.Observation{Text: g.text()}}
			if g.r.IntN(2) == 0 {
				pt := g.point()
				e.Point = &pt
			}
			return e
		},
		fieldlog.SituationReportedType: func() domain.Payload {
			return &fieldlog.SituationReported{Header: g.header(), Situation: fieldlog.Situation{Summary: g.text()}}
		},
		task.AcknowledgedType: func() domain.Payload {
			return &task.Acknowledged{TaskID: dt.Task(g.n()), UnitID: dt.Unit(g.n()), Revision: pick[int](g.r, 0, 1, 2, 17, -1, math.MaxInt32, math.MaxInt64)}
		},
		operation.ResourceStatusChangedType: func() domain.Payload {
			return &operation.ResourceStatusChanged{OperationID: dt.Operation(g.n()), UnitID: dt.Unit(g.n()),
				Status: pick[operation.ResourceStatus](g.r, operation.StatusAvailable, operation.StatusAssigned, operation.StatusOutOfService, "lost"),
				Reason: pick(g.r, "", "shift change", g.text())}
		},
	}
}

func (g payloads) n() uint64 { return g.r.Uint64N(1<<20) + 1 }

func pick[T any](r *rand.Rand, vs ...T) T { return vs[r.IntN(len(vs))] }

func (g payloads) text() string {
	return pick(g.r, "vehicle sighted heading north", "Fahrzeug Richtung Straßburg, Kennzeichen unleserlich",
		"véhicule signalé près du pont de l'Europe", "quote \" backslash \\ tab \t newline \n <html> & \u2028",
		"", "emoji 🚓 and CJK 警察")
}

func (g payloads) header() fieldlog.Header {
	h := fieldlog.Header{ReportID: dt.Report(g.n()), OperationID: dt.Operation(g.n()), UnitID: dt.Unit(g.n()), Marking: g.marking()}
	if g.r.IntN(4) == 0 {
		h.Corrects = dt.Report(g.n())
	}
	return h
}

func (g payloads) marking() marking.Marking {
	s := marking.Spec{Originator: dt.Agency(g.n()), TLP: marking.TLP(g.r.IntN(5) + 1),
		Evaluation: dt.Must(marking.NewEvaluation(pick[marking.Reliability](g.r, marking.ReliabilityA, marking.ReliabilityB, marking.ReliabilityC, marking.ReliabilityX), marking.Accuracy(g.r.IntN(4)+1)))}
	for _, c := range []marking.HandlingCode{marking.H3, marking.H0, marking.H2, marking.H1} {
		if g.r.IntN(3) == 0 {
			s.Handling = append(s.Handling, c)
		}
	}
	if slices.Contains(s.Handling, marking.H3) {
		s.H3Text = pick(g.r, "not for the press", "nur für den Dienstgebrauch")
	}
	if s.TLP == marking.TLPRed || s.TLP == marking.TLPAmber && g.r.IntN(2) == 0 {
		var agencies []domain.AgencyID
		var states []domain.StateCode
		for range g.r.IntN(3) {
			agencies = append(agencies, dt.Agency(g.n()))
		}
		for range g.r.IntN(3) {
			states = append(states, dt.State(pick(g.r, "DE", "FR", "NL", "BE", "LU")))
		}
		s.ReleasableTo = dt.Must(marking.NewRecipients(agencies, states))
	}
	return dt.Must(marking.New(s))
}

func (g payloads) point() geo.Point {
	coord := func(limit float64) float64 {
		switch g.r.IntN(5) {
		case 0:
			return float64(g.r.IntN(int(2*limit)+1)) - limit // integral, bounds included
		case 1:
			return (g.r.Float64()*2 - 1) * 1e-9 // written with an exponent
		default:
			return (g.r.Float64()*2 - 1) * limit
		}
	}
	var opts []geo.PointOption
	if g.r.IntN(2) == 0 {
		opts = append(opts, geo.Altitude(pick[float64](g.r, 0.0, -35.5, 1234.25, geo.MinAltitude, geo.MaxAltitude)))
	}
	if g.r.IntN(2) == 0 {
		opts = append(opts, geo.Accuracy(pick[float64](g.r, 0.0, 5.0, 12.5, 3e-3, geo.MaxAccuracy)))
	}
	return dt.Must(geo.NewPoint(coord(90), coord(180), opts...))
}

// viaJSON decodes data of eventType the way encoding/json does.
func viaJSON(c *Codec, eventType string, data []byte) (domain.Payload, error) {
	p := c.types[eventType].newPayload()
	return p, json.Unmarshal(data, p)
}

func newCodec(t testing.TB) *Codec {
	t.Helper()
	c, err := NewCodec()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFastPayloadDecodingAgreesWithEncodingJSON(t *testing.T) {
	codec := newCodec(t)
	g := payloads{r: rand.New(rand.NewPCG(1, 2))}
	for eventType, gen := range g.fastTypes() {
		t.Run(eventType, func(t *testing.T) {
			fast := 0
			for range 1000 {
				data, err := json.Marshal(gen())
				if err != nil {
					t.Fatal(err)
				}
				got, ok := scanPayload(eventType, 1, data)
				if !ok {
					// Only strings with escapes are left to encoding/json.
					if !bytes.Contains(data, []byte(`\`)) {
						t.Fatalf("fast path refused what Encode writes: %s", data)
					}
					continue
				}
				fast++
				want, err := viaJSON(codec, eventType, data)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s\nfast %+v\njson %+v", data, got, want)
				}
			}
			if fast < 500 {
				t.Fatalf("fast path took %d of 1000 payloads", fast)
			}
		})
	}
}

// TestEveryCatalogTypeDecodesAsEncodingJSON decodes stored events of
// every type of the catalog through the codec and checks the payload is
// the one encoding/json gives: the fast path is only ever a shortcut. Types
// the fast path knows get generated payloads of every shape; the others
// must be declined by it whatever they hold.
func TestEveryCatalogTypeDecodesAsEncodingJSON(t *testing.T) {
	var reg dt.Registry
	catalog.RegisterEvents(&reg)
	codec := newCodec(t)
	g := payloads{r: rand.New(rand.NewPCG(3, 4))}
	fast := g.fastTypes()
	for _, r := range reg.Registrations {
		t.Run(r.Type, func(t *testing.T) {
			gen, known := fast[r.Type]
			if !known {
				for _, data := range []string{`{}`, `null`, `{"report_id":"` + dt.Report(1).String() + `"}`} {
					if _, ok := scanPayload(r.Type, r.SchemaVersion, []byte(data)); ok {
						t.Fatalf("fast path decoded %s as %s, which it does not know", data, r.Type)
					}
				}
				return
			}
			if reflect.TypeOf(gen()) != reflect.TypeOf(r.New()) {
				t.Fatalf("generator makes %T, the catalog registers %T", gen(), r.New())
			}
			for range 200 {
				p := gen()
				data, err := json.Marshal(p)
				if err != nil {
					t.Fatal(err)
				}
				ev, ok, err := codec.Decode(storedAs(r, data))
				if err != nil || !ok {
					t.Fatalf("decode %s: known %v, %v", data, ok, err)
				}
				want, err := viaJSON(codec, r.Type, data)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ev.Payload, want) || !reflect.DeepEqual(ev.Payload, p) {
					t.Fatalf("%s\ncodec %+v\njson  %+v\nsent  %+v", data, ev.Payload, want, p)
				}
			}
		})
	}
}

// TestFastPathKeepsToTheSchemaVersionItReads: a scanner written for
// version 1 leaves any other version to encoding/json.
func TestFastPathKeepsToTheSchemaVersionItReads(t *testing.T) {
	g := payloads{r: rand.New(rand.NewPCG(5, 6))}
	for eventType, gen := range g.fastTypes() {
		data, err := json.Marshal(gen())
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := scanPayload(eventType, 2, data); ok {
			t.Errorf("%s: version 2 decoded by the version 1 scanner", eventType)
		}
	}
}

// storedAs is data as the store returns it for an event of r's type.
func storedAs(r dt.Registration, data []byte) (e eventstore.RecordedEvent) {
	e.Type, e.SchemaVersion, e.Data = r.Type, r.SchemaVersion, data
	e.Metadata = []byte(`{"occurred_at":"2025-03-01T08:00:00Z","recorded_at":"2025-03-01T08:00:00Z","actor":{"agency":"` +
		dt.Agency(1).String() + `"},"command_id":"` + dt.UUID(2).String() + `","correlation_id":"` + dt.UUID(3).String() + `"}`)
	return e
}

func TestOtherPayloadShapesFallBackToEncodingJSON(t *testing.T) {
	report, op, unit, agency := dt.Report(1).String(), dt.Operation(2).String(), dt.Unit(3).String(), dt.Agency(4).String()
	nilID := "00000000-0000-0000-0000-000000000000"
	header := `{"report_id":"` + report + `","operation_id":"` + op + `","unit_id":"` + unit +
		`","marking":{"originator":"` + agency + `","tlp":"AMBER","handling":["H1"],"releasable_to":{"agencies":["` + agency + `"],"states":["FR"]},"evaluation":"B2"}`
	s := header + `,"point":{"lat":48.5,"lon":7.25,"accuracy_m":5},"source":"gps"}`
	if _, ok := scanPayload(fieldlog.PositionReportedType, 1, []byte(s)); !ok {
		t.Fatalf("setup: fast path refused %s", s)
	}
	tests := []struct {
		name  string
		typ   string
		input string
		valid bool // for encoding/json
	}{
		{"spaces", fieldlog.PositionReportedType, strings.Replace(s, `":`, `": `, 1), true},
		{"newline at the end", fieldlog.PositionReportedType, s + "\n", true},
		{"another key order", fieldlog.PositionReportedType, `{"source":"gps",` + strings.TrimPrefix(strings.Replace(s, `,"source":"gps"`, ``, 1), `{`), true},
		{"an unknown key", fieldlog.PositionReportedType, strings.TrimSuffix(s, "}") + `,"speed_kmh":80}`, true},
		{"a key in other case", fieldlog.PositionReportedType, strings.Replace(s, `"source"`, `"Source"`, 1), true},
		{"a key twice", fieldlog.PositionReportedType, strings.TrimSuffix(s, "}") + `,"source":"manual"}`, true},
		{"an escape in a key", fieldlog.PositionReportedType, strings.Replace(s, `"unit_id"`, `"unit\u005fid"`, 1), true},
		{"an escape in a value", fieldlog.PositionReportedType, strings.Replace(s, `"gps"`, `"g\u0070s"`, 1), true},
		{"a UUID without hyphens", fieldlog.PositionReportedType, strings.Replace(s, report, strings.ReplaceAll(report, "-", ""), 1), true},
		{"a UUID in braces", fieldlog.PositionReportedType, strings.Replace(s, report, "{"+report+"}", 1), true},
		{"a URN", fieldlog.PositionReportedType, strings.Replace(s, report, "urn:uuid:"+report, 1), true},
		{"null handling", fieldlog.PositionReportedType, strings.Replace(s, `"handling":["H1"]`, `"handling":null`, 1), true},
		{"null corrects", fieldlog.PositionReportedType, strings.Replace(s, `,"point"`, `,"corrects":null,"point"`, 1), true},
		{"null source", fieldlog.PositionReportedType, strings.Replace(s, `"source":"gps"`, `"source":null`, 1), true},
		{"null altitude", fieldlog.PositionReportedType, strings.Replace(s, `"accuracy_m":5`, `"alt_m":null,"accuracy_m":5`, 1), true},
		{"null point", fieldlog.PositionReportedType, header + `,"point":null,"source":"gps"}`, false},
		{"null marking", fieldlog.PositionReportedType, strings.Replace(s, s[strings.Index(s, `{"originator"`):strings.Index(s, `,"point"`)], `null`, 1), false},
		{"a number with a plus", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":+48.5`, 1), false},
		{"a number with a leading zero", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":048.5`, 1), false},
		{"a number ending in a dot", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":48.`, 1), false},
		{"an exponent without digits", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":4e`, 1), false},
		{"a number too large", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":1e999`, 1), false},
		{"a number as a string", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":"48.5"`, 1), false},
		{"a latitude out of range", fieldlog.PositionReportedType, strings.Replace(s, `"lat":48.5`, `"lat":90.5`, 1), false},
		{"a negative accuracy", fieldlog.PositionReportedType, strings.Replace(s, `"accuracy_m":5`, `"accuracy_m":-5`, 1), false},
		{"a point without longitude", fieldlog.PositionReportedType, strings.Replace(s, `,"lon":7.25`, ``, 1), false},
		{"a nil report ID", fieldlog.PositionReportedType, strings.Replace(s, report, nilID, 1), false},
		{"a nil correction", fieldlog.PositionReportedType, strings.Replace(s, `,"point"`, `,"corrects":"`+nilID+`","point"`, 1), false},
		{"a UUID too short", fieldlog.PositionReportedType, strings.Replace(s, report, report[:35], 1), false},
		{"an unknown TLP", fieldlog.PositionReportedType, strings.Replace(s, `"tlp":"AMBER"`, `"tlp":"PURPLE"`, 1), false},
		{"an unknown handling code", fieldlog.PositionReportedType, strings.Replace(s, `"handling":["H1"]`, `"handling":["H9"]`, 1), false},
		{"H3 without text", fieldlog.PositionReportedType, strings.Replace(s, `"handling":["H1"]`, `"handling":["H3"]`, 1), false},
		{"releasable to with GREEN", fieldlog.PositionReportedType, strings.Replace(s, `"tlp":"AMBER"`, `"tlp":"GREEN"`, 1), false},
		{"an invalid state", fieldlog.PositionReportedType, strings.Replace(s, `["FR"]`, `["fr"]`, 1), false},
		{"no evaluation", fieldlog.PositionReportedType, strings.Replace(s, `,"evaluation":"B2"`, ``, 1), false},
		{"an invalid evaluation", fieldlog.PositionReportedType, strings.Replace(s, `"evaluation":"B2"`, `"evaluation":"Z9"`, 1), false},
		{"invalid UTF-8", fieldlog.SituationReportedType, header + ",\"summary\":\"bad \xff byte\"}", true},
		{"a surrogate in UTF-8", fieldlog.SituationReportedType, header + ",\"summary\":\"half \xed\xa0\x80 a pair\"}", true},
		{"a control character", fieldlog.SituationReportedType, header + ",\"summary\":\"tab\tinside\"}", false},
		{"a fractional revision", task.AcknowledgedType, `{"task_id":"` + dt.Task(1).String() + `","unit_id":"` + unit + `","revision":1.0}`, false},
		{"a revision too large", task.AcknowledgedType, `{"task_id":"` + dt.Task(1).String() + `","unit_id":"` + unit + `","revision":9223372036854775808}`, false},
		{"a null reason", operation.ResourceStatusChangedType, `{"operation_id":"` + op + `","unit_id":"` + unit + `","status":"available","reason":null}`, true},
		{"truncated", fieldlog.PositionReportedType, s[:len(s)-1], false},
		{"not an object", fieldlog.PositionReportedType, `[` + s + `]`, false},
	}
	codec := newCodec(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := scanPayload(tt.typ, 1, []byte(tt.input)); ok {
				t.Fatalf("fast path accepted %s", tt.input)
			}
			want, wantErr := viaJSON(codec, tt.typ, []byte(tt.input))
			if (wantErr == nil) != tt.valid {
				t.Fatalf("setup: encoding/json says %v to %s", wantErr, tt.input)
			}
			got, err := decodePayload(codec.types[tt.typ], tt.typ, 1, []byte(tt.input))
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || (err == nil && !reflect.DeepEqual(got, want)) {
				t.Fatalf("decodePayload = %+v, %v; encoding/json = %+v, %v", got, err, want, wantErr)
			}
		})
	}
}

// FuzzScanPayload: whatever the fast path accepts, encoding/json accepts
// too, with the same payload.
func FuzzScanPayload(f *testing.F) {
	codec := newCodec(f)
	g := payloads{r: rand.New(rand.NewPCG(9, 10))}
	types := []string{fieldlog.PositionReportedType, fieldlog.ObservationReportedType, fieldlog.SituationReportedType,
		task.AcknowledgedType, operation.ResourceStatusChangedType}
	for i, eventType := range types {
		for range 4 {
			b, err := json.Marshal(g.fastTypes()[eventType]())
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), b)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		eventType := types[int(which)%len(types)]
		got, ok := scanPayload(eventType, 1, b)
		if !ok {
			return
		}
		want, err := viaJSON(codec, eventType, b)
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q\nfast %+v\njson %+v", b, got, want)
		}
	})
}

// BenchmarkDecodePayload decodes the payload of a usual position report
// (GREEN, a point without altitude or accuracy) through the fast path
// and, for comparison, through encoding/json.
func BenchmarkDecodePayload(b *testing.B) {
	p := &fieldlog.PositionReported{Header: fieldlog.Header{ReportID: dt.Report(1), OperationID: dt.Operation(2), UnitID: dt.Unit(3),
		Marking: dt.Must(marking.New(marking.Spec{Originator: dt.Agency(1), TLP: marking.TLPGreen, Evaluation: dt.Must(marking.ParseEvaluation("B2"))}))},
		Position: fieldlog.Position{Point: dt.Must(geo.NewPoint(48.51234, 7.43215)), Source: fieldlog.SourceGPS}}
	data, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	reg := newCodec(b).types[fieldlog.PositionReportedType]
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodePayload(reg, fieldlog.PositionReportedType, 1, data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := json.Unmarshal(data, reg.newPayload()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
