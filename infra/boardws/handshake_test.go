package boardws

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jointops/jointops/domain"
)

func upgradeRequest(h map[string]string) *http.Request {
	r := httptest.NewRequest("GET", "http://board.test/v1/operations/x/board/live", nil)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	for k, v := range h {
		if v == "" {
			r.Header.Del(k)
			continue
		}
		r.Header.Set(k, v)
	}
	return r
}

func TestCheckHandshake(t *testing.T) {
	tests := []struct {
		name   string
		header map[string]string
		fields []string // the fields of the problems; none: valid
	}{
		{"program", nil, nil},
		{"browser", map[string]string{"Sec-WebSocket-Protocol": "jointops.v1, jointops.bearer.abc"}, nil},
		{"plain GET", map[string]string{"Connection": "", "Upgrade": ""}, []string{"Upgrade"}},
		{"old version", map[string]string{"Sec-WebSocket-Version": "8"}, []string{"Sec-WebSocket-Version"}},
		{"short key", map[string]string{"Sec-WebSocket-Key": "c2hvcnQ="}, []string{"Sec-WebSocket-Key"}},
		{"other protocol only", map[string]string{"Sec-WebSocket-Protocol": "jointops.bearer.secret-token"}, []string{"Sec-WebSocket-Protocol"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckHandshake(upgradeRequest(tt.header))
			if len(tt.fields) == 0 {
				if err != nil {
					t.Fatalf("CheckHandshake = %v, want nil", err)
				}
				return
			}
			var v *domain.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("CheckHandshake = %v, want a *domain.ValidationError", err)
			}
			var got []string
			for _, p := range v.Problems {
				got = append(got, p.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("problems of %v, want %v", got, tt.fields)
			}
			if strings.Contains(err.Error(), "secret-token") {
				t.Errorf("the error %q echoes a token", err)
			}
		})
	}
}

func TestOriginPolicy(t *testing.T) {
	tests := []struct {
		name    string
		allowed []string
		origin  string
		ok      bool
	}{
		{"no Origin: not a browser", nil, "", true},
		{"same host", nil, "http://board.test", true},
		{"same host, other case", nil, "HTTP://Board.Test", true},
		{"other host", nil, "https://evil.example", false},
		{"same host name, other port", nil, "http://board.test:8080", false},
		{"garbage", nil, "::not a url", false},
		{"allowed", []string{"https://wall.example.org"}, "https://wall.example.org", true},
		{"allowed, other case", []string{"https://Wall.example.org"}, "https://wall.EXAMPLE.org", true},
		{"allowed list excludes the own host", []string{"https://wall.example.org"}, "http://board.test", false},
		{"allowed host, other scheme", []string{"https://wall.example.org"}, "http://wall.example.org", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewOriginPolicy(tt.allowed, CodeOriginNotAllowed, "boards").Check(upgradeRequest(map[string]string{"Origin": tt.origin}))
			if tt.ok != (err == nil) {
				t.Fatalf("check(%q) = %v, want ok=%v", tt.origin, err, tt.ok)
			}
			if err != nil {
				if !errors.Is(err, domain.ErrForbidden) {
					t.Errorf("refusal %v is not ErrForbidden", err)
				}
				if code, _ := domain.CodeOf(err); code != CodeOriginNotAllowed {
					t.Errorf("code %q, want %q", code, CodeOriginNotAllowed)
				}
			}
		})
	}
}
