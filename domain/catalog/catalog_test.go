package catalog_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/catalog"
	dt "github.com/jointops/jointops/domain/domaintest"
)

var typeName = regexp.MustCompile(`^jointops\.[a-z]+\.[a-z_]+$`)

// TestRegistrations checks what RegisterEvents announces: unique, well-formed
// names, versions ≥ 1, and constructors returning empty pointers of the
// announced type and version.
func TestRegistrations(t *testing.T) {
	var reg dt.Registry
	catalog.RegisterEvents(&reg)
	// state 3, agency 3, operation 22, task 5, fieldlog 19, agreement 10, compliance 5, audit 1:
	// a new event type is added here on purpose.
	if got := len(reg.Registrations); got != 68 {
		t.Fatalf("%d event types registered, want 68", got)
	}
	seen := map[string]bool{}
	for _, r := range reg.Registrations {
		if seen[r.Type] {
			t.Errorf("%s registered twice", r.Type)
		}
		seen[r.Type] = true
		if !typeName.MatchString(r.Type) {
			t.Errorf("%q is not a stable type name like jointops.operation.activated", r.Type)
		}
		if r.SchemaVersion < 1 {
			t.Errorf("%s: schema version %d", r.Type, r.SchemaVersion)
		}
		p := r.New()
		if reflect.TypeOf(p).Kind() != reflect.Pointer {
			t.Errorf("%s: constructor returns %T, want a pointer", r.Type, p)
		}
		if p.EventType() != r.Type || p.SchemaVersion() != r.SchemaVersion {
			t.Errorf("%s v%d: constructor returns %s v%d", r.Type, r.SchemaVersion, p.EventType(), p.SchemaVersion())
		}
		if p2 := r.New(); p2 == p {
			t.Errorf("%s: constructor returns a shared payload", r.Type)
		}
	}
}

// TestEveryEventTypeIsRaisedAndRoundTrips runs the tour (every aggregate
// method that raises something) and checks that every registered type was
// raised by some decision, and that every raised payload survives JSON
// through its registered constructor, with snake_case keys.
func TestEveryEventTypeIsRaisedAndRoundTrips(t *testing.T) {
	var reg dt.Registry
	catalog.RegisterEvents(&reg)
	constructors := map[string]func() domain.Payload{}
	for _, r := range reg.Registrations {
		constructors[r.Type] = r.New
	}

	raised := map[string]int{}
	for _, e := range tour(t) {
		raised[e.Type]++
		newPayload, ok := constructors[e.Type]
		if !ok {
			t.Errorf("%s was raised but is not registered", e.Type)
			continue
		}
		b, err := json.Marshal(e.Payload)
		if err != nil {
			t.Errorf("%s: marshal: %v", e.Type, err)
			continue
		}
		back := newPayload()
		if err := json.Unmarshal(b, back); err != nil {
			t.Errorf("%s: unmarshal %s: %v", e.Type, b, err)
			continue
		}
		if !reflect.DeepEqual(back, e.Payload) {
			t.Errorf("%s: JSON round trip changed the payload\n  json: %s\n  was:  %+v\n  now:  %+v", e.Type, b, e.Payload, back)
		}
		var generic any
		if err := json.Unmarshal(b, &generic); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, e.Type, "", generic)
	}
	for _, r := range reg.Registrations {
		if raised[r.Type] == 0 {
			t.Errorf("no decision of the tour raised %s", r.Type)
		}
	}
}

var snake = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func checkKeys(t *testing.T, eventType, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if !snake.MatchString(k) {
				t.Errorf("%s: key %q at %s is not snake_case", eventType, k, path)
			}
			checkKeys(t, eventType, path+"."+k, child)
		}
	case []any:
		for _, child := range v {
			checkKeys(t, eventType, path+"[]", child)
		}
	}
}
