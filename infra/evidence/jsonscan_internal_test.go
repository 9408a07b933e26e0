package evidence

import (
	"encoding/json"
	"strings"
	"testing"
)

var jsonSeed = []string{
	`{}`, `[]`, `{"a":1,"b":[true,false,null],"c":{"d":"e\"\\\/\b\f\n\r\t\u00e9"}}`, ` [1, -0.5e+10 ,"x"] `,
	`{"a":}`, `{"a" 1}`, `[1,]`, `01`, `-`, `1.`, `1e`, `"\x"`, `"\u12"`, "\"a\x01\"", `tru`, `{"a":1}x`,
	`"é"`, "\"\xff\"", `nul`, `[` + strings.Repeat("[", 20) + strings.Repeat("]", 21), `{"a":{"b":[{"c":-12.5E-3}]}}`,
}

func TestValidJSONAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonSeed {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Errorf("validJSON(%q) = %v, json.Valid says %v", s, got, want)
		}
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, s := range jsonSeed {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validJSON([]byte(s)), json.Valid([]byte(s)); got != want {
			t.Fatalf("validJSON(%q) = %v, json.Valid says %v", s, got, want)
		}
	})
}
