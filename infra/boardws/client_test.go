package boardws

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/geo"
	"github.com/jointops/jointops/domain/operation"
	"github.com/jointops/jointops/projections/board"
)

// deltaJSON is a delta with a change of every field and collection, as the
// server encodes it.
const deltaJSON = `{"type":"delta","position":"42/42","at":"2026-11-28T10:00:00Z","changes":[
{"op":"set","field":"operation_id","value":"0e000000-0000-4000-8000-000000000001"},
{"op":"set","field":"status","value":"active"},
{"op":"set","field":"purpose","value":"Joint patrol"},
{"op":"set","field":"lead","value":"11111111-1111-4111-8111-111111111111"},
{"op":"set","field":"arrangement_version","value":2},
{"op":"set","field":"host_states","value":["DE","AT"]},
{"op":"set","field":"legal_basis","value":[{"instrument":"CISA","provision":"Art. 40"}]},
{"op":"set","field":"area","value":{"type":"Polygon","coordinates":[[[12.8,47.6],[13.2,47.6],[13.2,47.9],[12.8,47.6]]]}},
{"op":"set","field":"period","value":{"start":"2026-11-28T06:00:00Z","end":"2026-12-05T18:00:00Z"}},
{"op":"put","collection":"participants","key":"22222222-2222-4222-8222-222222222222","value":{"agency":"22222222-2222-4222-8222-222222222222","agreed":true}},
{"op":"put","collection":"operational_periods","key":"1","value":{"number":1,"period":{"start":"2026-11-28T06:00:00Z","end":"2026-11-28T18:00:00Z"},"objectives":["Patrol"]}},
{"op":"put","collection":"org_units","key":"0a000000-0000-4000-8000-000000000001","value":{"id":"0a000000-0000-4000-8000-000000000001","kind":"unified_command","name":"UC"}},
{"op":"put","collection":"positions","key":"0b000000-0000-4000-8000-000000000001","value":{"id":"0b000000-0000-4000-8000-000000000001","title":"Incident commander","tenures":[{"holder":{"person":"1c000000-0000-4000-8000-000000000001","agency":"11111111-1111-4111-8111-111111111111"},"start":"2026-11-28T09:00:00Z"}]}},
{"op":"put","collection":"units","key":"2a000000-0000-4000-8000-000000000007","value":{"unit_id":"2a000000-0000-4000-8000-000000000007","agency":"22222222-2222-4222-8222-222222222222","kind":"patrol_car","call_sign":"AT-7","personnel":2,"status":"available"}},
{"op":"put","collection":"tasks","key":"7a000000-0000-4000-8000-000000000001","value":{"task_id":"7a000000-0000-4000-8000-000000000001","unit_id":"2a000000-0000-4000-8000-000000000007","issued_by":"11111111-1111-4111-8111-111111111111","objective":"Observe","window":{"start":"2026-11-28T10:00:00Z","end":"2026-11-28T18:00:00Z"},"revision":1,"status":"issued","awaiting_acknowledgement":true}},
{"op":"put","collection":"reports","key":"90000000-0000-4000-8000-000000000002","value":{"report_id":"90000000-0000-4000-8000-000000000002","unit_id":"2a000000-0000-4000-8000-000000000007","type":"observation","occurred_at":"2026-11-28T09:59:00Z","recorded_at":"2026-11-28T10:00:00Z","marking":{"originator":"22222222-2222-4222-8222-222222222222","tlp":"AMBER","evaluation":"B2"},"body":{"text":"two vehicles"}}},
{"op":"put","collection":"track","key":"90000000-0000-4000-8000-000000000001","value":{"report_id":"90000000-0000-4000-8000-000000000001","unit_id":"2a000000-0000-4000-8000-000000000007","occurred_at":"2026-11-28T09:59:00Z","recorded_at":"2026-11-28T10:00:00Z","point":{"lat":47.75,"lon":13.05},"source":"gps","marking":{"originator":"22222222-2222-4222-8222-222222222222","tlp":"AMBER","evaluation":"B2"}}},
{"op":"put","collection":"significant","key":"90000000-0000-4000-8000-000000000002","value":{"key":"90000000-0000-4000-8000-000000000002","type":"observation","occurred_at":"2026-11-28T09:59:00Z","recorded_at":"2026-11-28T10:00:00Z","summary":"Observation"}},
{"op":"put","collection":"flags","key":"fl-1","value":{"id":"fl-1","rule":"operation.outside_area","severity":"medium","unit_id":"2a000000-0000-4000-8000-000000000007","agency":"22222222-2222-4222-8222-222222222222","evidence":[{"report_id":"90000000-0000-4000-8000-000000000002"}],"explanation":"Outside the area","language":"en","occurred_at":"2026-11-28T09:59:00Z","recorded_at":"2026-11-28T10:00:00Z","state":"open"}},
{"op":"delete","collection":"tasks","key":"7a000000-0000-4000-8000-000000000002"},
{"op":"put","collection":"compliance_flags","key":"f1","value":{"rule":"from a newer server"}}
]}`

func TestDecodeMessageTypesEveryChange(t *testing.T) {
	m, err := DecodeMessage([]byte(deltaJSON))
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != TypeDelta || m.Position != "42/42" || m.Delta == nil || m.Delta.Position != "42/42" || m.Delta.At.IsZero() {
		t.Fatalf("message %+v", m)
	}
	want := []any{
		domain.OperationID{}, operation.Status(""), "", domain.AgencyID{}, 0, []domain.StateCode(nil),
		[]domain.LegalRef(nil), geo.Polygon{}, domain.Period{},
		board.Participant{}, board.OperationalPeriod{}, board.OrgUnit{}, board.Position{}, board.Unit{},
		board.Task{}, board.Report{}, board.TrackPoint{}, board.Entry{}, board.Flag{}, nil, json.RawMessage(nil),
	}
	if len(m.Delta.Changes) != len(want) {
		t.Fatalf("%d changes, want %d", len(m.Delta.Changes), len(want))
	}
	for i, c := range m.Delta.Changes {
		if got, w := reflect.TypeOf(c.Value), reflect.TypeOf(want[i]); got != w {
			t.Errorf("change %d (%s %s%s): value of type %v, want %v", i, c.Op, c.Field, c.Collection, got, w)
		}
	}
	// Nothing is lost: the typed delta encodes back to the same JSON.
	again, err := json.Marshal(struct {
		Type     string         `json:"type"`
		Position string         `json:"position"`
		At       any            `json:"at"`
		Changes  []board.Change `json:"changes"`
	}{TypeDelta, m.Delta.Position, m.Delta.At, m.Delta.Changes})
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, again, []byte(deltaJSON)) {
		t.Errorf("re-encoded\n%s\nwant\n%s", again, deltaJSON)
	}
}

func TestDecodeMessageAppliesToAView(t *testing.T) {
	m, err := DecodeMessage([]byte(deltaJSON))
	if err != nil {
		t.Fatal(err)
	}
	v := board.View{Limits: board.Limits{TrackLength: 20, SignificantLength: 100}}
	v.Apply(m.Delta)
	if v.Status != operation.StatusActive || len(v.Participants) != 1 || len(v.Tasks) != 1 || len(v.Tracks) != 1 ||
		v.Tracks[0].Last == nil || len(v.Reports) != 1 || len(v.Significant) != 1 || len(v.Positions) != 1 {
		t.Fatalf("view after the delta: %+v", v)
	}
}

func TestDecodeMessageOtherTypes(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		check   func(Message) bool
		wantErr bool
	}{
		{"snapshot", `{"type":"snapshot","operation_id":"0e000000-0000-4000-8000-000000000001","position":"7/7","board":{"status":"active","limits":{"track_length":20,"significant_length":100}}}`,
			func(m Message) bool {
				return m.Board != nil && m.Board.Status == operation.StatusActive && m.Position == "7/7" && m.Operation.String() == "0e000000-0000-4000-8000-000000000001"
			}, false},
		{"heartbeat", `{"type":"heartbeat","position":"7/7","head":"9/9","behind":2}`,
			func(m Message) bool {
				return m.Type == TypeHeartbeat && m.Position == "7/7" && m.Head == "9/9" && m.Behind == 2
			}, false},
		{"unknown type", `{"type":"flags","position":"8/8"}`, func(m Message) bool { return m.Type == "flags" }, false},
		{"snapshot without board", `{"type":"snapshot","position":"7/7"}`, nil, true},
		{"not JSON", `{"type":`, nil, true},
		{"bad value", `{"type":"delta","position":"1/1","changes":[{"op":"set","field":"lead","value":"not-a-uuid"}]}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := DecodeMessage([]byte(tt.data))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("DecodeMessage = %+v, want an error", m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(m) {
				t.Errorf("DecodeMessage = %+v", m)
			}
		})
	}
}

func TestResumeAfter(t *testing.T) {
	tests := []struct {
		reason string
		pos    string
		ok     bool
	}{
		{resumeReason(reasonSlow, "42/42"), "42/42", true},
		{resumeReason(reasonUnavailable, "C:1/P:2"), "C:1/P:2", true},
		{resumeReason(reasonSlow, ""), "", false},
		{reasonGoingAway, "", false},
	}
	for _, tt := range tests {
		pos, ok := ResumeAfter(tt.reason)
		if pos != tt.pos || ok != tt.ok {
			t.Errorf("ResumeAfter(%q) = %q, %v; want %q, %v", tt.reason, pos, ok, tt.pos, tt.ok)
		}
	}
}

// sameJSON compares two JSON documents by value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(x, y)
}
