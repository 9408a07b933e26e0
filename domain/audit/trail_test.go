package audit_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/domain/audit"
	dt "github.com/jointops/jointops/domain/domaintest"
)

func TestTrail(t *testing.T) {
	op := dt.Operation(1)
	investigator := dt.Meta(t, domain.Actor{Agency: dt.Agency(1), Person: dt.Person(21)}, dt.At(60))
	params := map[string]string{"as_of": "42", "as_agency": dt.Agency(1).String()}
	read := &audit.HistoryAccessed{OperationID: op, What: audit.KindBoardAsOf, Role: "investigator", Purpose: "Case 2025/117, oversight request", Parameters: params}
	bare := &audit.HistoryAccessed{OperationID: op, What: audit.KindAudit, Role: "investigator", Purpose: "quarterly review"}

	tooMany := map[string]string{}
	for i := range audit.MaxParameters + 1 {
		tooMany[fmt.Sprintf("p%d", i)] = "x"
	}
	record := func(what audit.Kind, purpose string, params map[string]string) func(*audit.Trail) error {
		return func(tr *audit.Trail) error {
			return tr.RecordAccess(investigator, audit.Access{What: what, Role: "investigator", Purpose: purpose, Parameters: params})
		}
	}

	dt.Run(t, func() *audit.Trail { return audit.New(op) }, []dt.Case[*audit.Trail]{
		{Name: "an access is recorded with its parameters",
			When: record(audit.KindBoardAsOf, "Case 2025/117, oversight request", params), Then: []domain.Payload{read}},
		{Name: "an access without parameters", When: record(audit.KindAudit, "quarterly review", nil), Then: []domain.Payload{bare}},
		{Name: "the same access again is recorded again: every read counts", Given: []domain.Payload{bare},
			When: record(audit.KindAudit, "quarterly review", nil), Then: []domain.Payload{bare}},
		{Name: "purpose is required", When: record(audit.KindTimeline, " \n", nil), Invalid: []string{"purpose"}},
		{Name: "purpose is bounded", When: record(audit.KindTimeline, strings.Repeat("é", audit.MaxPurpose+1), nil),
			Invalid: []string{"purpose"}},
		{Name: "purpose of exactly the bound", When: record(audit.KindReplay, strings.Repeat("é", audit.MaxPurpose), nil),
			Then: []domain.Payload{&audit.HistoryAccessed{OperationID: op, What: audit.KindReplay, Role: "investigator", Purpose: strings.Repeat("é", audit.MaxPurpose)}}},
		{Name: "purpose must be UTF-8", When: record(audit.KindTimeline, "case \xff", nil), Invalid: []string{"purpose"}},
		{Name: "what must be a kind", When: record("peek", "curiosity", nil), Invalid: []string{"what"}},
		{Name: "at most 32 parameters", When: record(audit.KindExport, "case", tooMany), Invalid: []string{"parameters"}},
		{Name: "a parameter needs a name", When: record(audit.KindExport, "case", map[string]string{"": "x"}),
			Invalid: []string{"parameters"}},
		{Name: "a parameter name is bounded", When: record(audit.KindExport, "case",
			map[string]string{strings.Repeat("k", audit.MaxParameterKey+1): "x"}), Invalid: []string{"parameters"}},
		{Name: "a parameter name is plain text", When: record(audit.KindExport, "case", map[string]string{"as\nof": "x"}),
			Invalid: []string{"parameters"}},
		{Name: "a parameter name is UTF-8", When: record(audit.KindExport, "case", map[string]string{"\xff": "x"}),
			Invalid: []string{"parameters"}},
		{Name: "a parameter value is bounded", When: record(audit.KindVerify, "case",
			map[string]string{"filter": strings.Repeat("v", audit.MaxParameterValue+1)}), Invalid: []string{`parameters["filter"]`}},
		{Name: "a parameter value must be plain text", When: record(audit.KindVerify, "case",
			map[string]string{"filter": "a\x00b"}), Invalid: []string{`parameters["filter"]`}},
		{Name: "the role is required", When: func(tr *audit.Trail) error {
			return tr.RecordAccess(investigator, audit.Access{What: audit.KindAudit, Purpose: "x"})
		}, Invalid: []string{"role"}},
		{Name: "zero meta", When: func(tr *audit.Trail) error {
			return tr.RecordAccess(domain.Meta{}, audit.Access{What: audit.KindAudit, Role: "admin", Purpose: "x"})
		}, Invalid: []string{"meta"}},
	})
}

// TestRecordAccessKeepsNoAlias checks that the recorded parameters are the
// trail's own: the caller changing its map afterwards changes nothing.
func TestRecordAccessKeepsNoAlias(t *testing.T) {
	tr := audit.New(dt.Operation(1))
	params := map[string]string{"as_of": "1"}
	m := dt.Meta(t, domain.Actor{Agency: dt.Agency(1), Person: dt.Person(1)}, dt.At(0))
	if err := tr.RecordAccess(m, audit.Access{What: audit.KindTimeline, Role: "admin", Purpose: "case", Parameters: params}); err != nil {
		t.Fatal(err)
	}
	params["as_of"] = "2"
	got := tr.Changes()[0].Payload.(*audit.HistoryAccessed).Parameters["as_of"]
	if got != "1" {
		t.Errorf("recorded as_of = %q after the caller changed its map, want 1", got)
	}
}

func TestKindValid(t *testing.T) {
	tests := []struct {
		kind audit.Kind
		want bool
	}{
		{audit.KindBoardAsOf, true}, {audit.KindTimeline, true}, {audit.KindReplay, true},
		{audit.KindExport, true}, {audit.KindAudit, true}, {audit.KindVerify, true},
		{"", false}, {"Timeline", false}, {"board", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			if got := tt.kind.Valid(); got != tt.want {
				t.Errorf("Kind(%q).Valid() = %v, want %v", tt.kind, got, tt.want)
			}
		})
	}
}

func TestSnapshots(t *testing.T) {
	op := dt.Operation(1)
	read := &audit.HistoryAccessed{OperationID: op, What: audit.KindTimeline, Role: "admin", Purpose: "case"}
	m := dt.Meta(t, domain.Actor{Agency: dt.Agency(1), Person: dt.Person(1)}, dt.At(0))
	dt.CheckSnapshots(t, func() *audit.Trail { return audit.New(op) }, []domain.Payload{read, read, read},
		[]func(*audit.Trail) error{func(tr *audit.Trail) error {
			return tr.RecordAccess(m, audit.Access{What: audit.KindAudit, Role: "admin", Purpose: "review"})
		}})

	tr := dt.Given(t, audit.New(op), read).Aggregate()
	snap, err := tr.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.New(dt.Operation(2)).RestoreSnapshot(1, snap); !errors.Is(err, domain.ErrSnapshotUnusable) {
		t.Errorf("restoring another operation's snapshot: %v, want ErrSnapshotUnusable", err)
	}
}

func TestStream(t *testing.T) {
	op := dt.Operation(7)
	if got, want := audit.Stream(op), "audit-"+op.String(); got != want {
		t.Errorf("Stream = %q, want %q", got, want)
	}
	if got := audit.New(op).Stream(); got != audit.Stream(op) {
		t.Errorf("New(op).Stream() = %q", got)
	}
}
