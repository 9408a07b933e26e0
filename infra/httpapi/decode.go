package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/jointops/jointops/domain"
)

// decodeJSON reads the request body into v. It accepts only a body declared
// as application/json (UTF-8), of at most limit bytes, holding exactly one
// JSON object of known fields in valid UTF-8. Its errors are errUnsupportedMedia,
// *http.MaxBytesError, errMalformed or a *domain.ValidationError naming the
// field of a wrongly typed value.
func decodeJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if err := checkJSONContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fmt.Errorf("request body: %w", err)
		}
		return malformed("reading the body: %v", err)
	}
	return decodeBody(body, v)
}

func checkJSONContentType(header string) error {
	if header == "" {
		return fmt.Errorf("%w: Content-Type is missing; send application/json", errUnsupportedMedia)
	}
	mt, params, err := mime.ParseMediaType(header)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("%w: Content-Type %q; send application/json", errUnsupportedMedia, header)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fmt.Errorf("%w: charset %q; send UTF-8", errUnsupportedMedia, cs)
	}
	return nil
}

// decodeBody is the transport-free part of decodeJSON: the target of the
// fuzz test.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return malformed("empty body: want a JSON object")
	}
	// encoding/json silently replaces invalid UTF-8 with U+FFFD; a field
	// report must reach the log exactly as sent or not at all.
	if !utf8.Valid(body) {
		return malformed("body is not valid UTF-8")
	}
	if body = bytes.TrimLeft(body, " \t\r\n"); body[0] != '{' {
		return malformed("want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, reflect.TypeOf(v))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return malformed("unexpected data after the JSON object")
	}
	return nil
}

// decodeError turns what encoding/json reports into an edge error kind;
// target is the type decoded into.
func decodeError(err error, target reflect.Type) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		invalid  *domain.ValidationError
		badInput = domain.ErrInvalid
	)
	switch {
	case errors.As(err, &syntax):
		return malformed("invalid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("truncated JSON")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return malformed("want a JSON object")
		}
		return &domain.ValidationError{Problems: []domain.FieldProblem{{
			Field: jsonPath(target, typeErr.Field), Problem: "must be " + jsonKind(typeErr.Type),
		}}}
	case errors.As(err, &invalid), errors.Is(err, badInput):
		return err
	}
	// Unknown fields and the errors of the values' own parsers (a UUID, a
	// timestamp) carry no typed form; their message names the problem.
	return malformed("%s", strings.TrimPrefix(err.Error(), "json: "))
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// jsonKind names the JSON form a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer in range"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// jsonPath turns the path encoding/json reports for a wrongly typed value
// into the path the client sent: encoding/json names an embedded struct by
// its Go type ("positionIn.point.lat"), which is no part of the JSON.
func jsonPath(target reflect.Type, path string) string {
	embedded := map[string]bool{}
	collectEmbedded(target, embedded, map[reflect.Type]bool{})
	parts := strings.Split(path, ".")
	kept := parts[:0]
	for _, part := range parts {
		if !embedded[part] {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, ".")
}

// collectEmbedded records the names of the embedded struct fields of t and
// of every struct reachable from it.
func collectEmbedded(t reflect.Type, names map[string]bool, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] {
		return
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			names[f.Name] = true
		}
		collectEmbedded(f.Type, names, seen)
	}
}
