package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
)

type sample struct {
	CommandID string            `json:"command_id"`
	Count     int               `json:"count"`
	Unit      domain.UnitID     `json:"unit"`
	Tags      []string          `json:"tags"`
	Nested    struct{ N uint8 } `json:"nested"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		limit       int64
		want        error  // a kind that errors.Is matches, or nil
		wantField   string // for validation errors
		wantDetail  string
	}{
		{name: "good", body: `{"command_id":"x","count":3,"unit":"5f0c8a52-3c1e-4d55-9a8e-0c6b8f1f0a01"}`},
		{name: "charset utf-8 is fine", contentType: "application/json; charset=UTF-8", body: `{}`},
		{name: "no content type", contentType: "-", body: `{}`, want: errUnsupportedMedia},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: `a=b`, want: errUnsupportedMedia},
		{name: "latin-1", contentType: "application/json; charset=iso-8859-1", body: `{}`, want: errUnsupportedMedia},
		{name: "empty", body: ``, want: errMalformed, wantDetail: "empty body"},
		{name: "array", body: `[1,2]`, want: errMalformed, wantDetail: "want a JSON object"},
		{name: "null", body: `null`, want: errMalformed, wantDetail: "want a JSON object"},
		{name: "syntax", body: `{"count":}`, want: errMalformed, wantDetail: "invalid JSON at byte"},
		{name: "truncated", body: `{"count":1`, want: errMalformed, wantDetail: "truncated"},
		{name: "unknown field", body: `{"count":1,"admin":true}`, want: errMalformed, wantDetail: `unknown field "admin"`},
		{name: "trailing object", body: `{"count":1}{"count":2}`, want: errMalformed, wantDetail: "after the JSON object"},
		{name: "trailing garbage", body: `{"count":1} x`, want: errMalformed, wantDetail: "after the JSON object"},
		{name: "trailing space is fine", body: "{\"count\":1}\n\t "},
		{name: "invalid utf-8", body: "{\"command_id\":\"\xff\xfe\"}", want: errMalformed, wantDetail: "UTF-8"},
		{name: "wrong type", body: `{"count":"three"}`, want: domain.ErrInvalid, wantField: "count"},
		{name: "overflow", body: `{"nested":{"N":300}}`, want: domain.ErrInvalid, wantField: "nested.N"},
		{name: "number for an id", body: `{"unit":42}`, want: domain.ErrInvalid, wantField: "unit"},
		{name: "bad uuid", body: `{"unit":"not-a-uuid"}`, want: errMalformed, wantDetail: "unit id"},
		{name: "nil uuid", body: `{"unit":"00000000-0000-0000-0000-000000000000"}`, want: errMalformed, wantDetail: "nil UUID"},
		{name: "too large", body: `{"command_id":"` + strings.Repeat("x", 2048) + `"}`, limit: 1024},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := tt.limit
			if limit == 0 {
				limit = 1 << 20
			}
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			switch tt.contentType {
			case "":
				r.Header.Set("Content-Type", "application/json")
			case "-":
			default:
				r.Header.Set("Content-Type", tt.contentType)
			}
			var v sample
			err := decodeJSON(httptest.NewRecorder(), r, limit, &v)
			if tt.limit != 0 {
				var tooLarge *http.MaxBytesError
				if !errors.As(err, &tooLarge) {
					t.Fatalf("err = %v, want *http.MaxBytesError", err)
				}
				return
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want kind %v", err, tt.want)
			}
			if tt.wantDetail != "" && !strings.Contains(err.Error(), tt.wantDetail) {
				t.Fatalf("err %q does not mention %q", err, tt.wantDetail)
			}
			if tt.wantField != "" {
				var ve *domain.ValidationError
				if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != tt.wantField {
					t.Fatalf("err = %#v, want one problem with field %q", err, tt.wantField)
				}
			}
		})
	}
}
