package evidence

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"unicode/utf8"
)

// The bundle's lines are read by a scanner for the exact form this package
// writes (a flat object, no white space, keys and plain fields without
// escapes, embedded values validated by scanValue), which is several times
// faster than encoding/json; any line it does not take goes to the strict
// decoder, so both accept and reject the same lines (fuzzed).

// scanObject calls set with each member of a flat JSON object spanning all
// of line, the value raw; it returns false (take the strict decoder) for
// anything outside the written form, or when set does.
func scanObject(line []byte, set func(key string, val []byte) bool) bool {
	if len(line) < 2 || line[0] != '{' || line[len(line)-1] != '}' {
		return false
	}
	i := 1
	for {
		if i >= len(line) || line[i] != '"' {
			return false
		}
		end := bytes.IndexByte(line[i+1:], '"')
		if end < 0 {
			return false
		}
		key := line[i+1 : i+1+end]
		if bytes.IndexByte(key, '\\') >= 0 {
			return false
		}
		i += end + 2
		if i >= len(line) || line[i] != ':' {
			return false
		}
		i++
		j, ok := scanValue(line, i, 0)
		if !ok || !set(string(key), line[i:j]) {
			return false
		}
		i = j
		switch {
		case i == len(line)-1 && line[i] == '}':
			return true
		case i < len(line) && line[i] == ',':
			i++
		default:
			return false
		}
	}
}

// plainString returns the content of a JSON string without escapes.
func plainString(val []byte) (string, bool) {
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' || bytes.IndexByte(val, '\\') >= 0 {
		return "", false
	}
	body := val[1 : len(val)-1]
	for _, c := range body {
		if c < 0x20 {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false // the strict decoder replaces bad bytes
	}
	return string(body), true
}

// plainUint parses a JSON number that is a plain unsigned integer.
func plainUint(val []byte, bits int) (uint64, bool) {
	if len(val) == 0 || (val[0] == '0' && len(val) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(val), 10, bits)
	return n, err == nil
}

// plainBase64 decodes a JSON string of standard base64.
func plainBase64(val []byte) ([]byte, bool) {
	s, ok := plainString(val)
	if !ok {
		return nil, false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	return b, err == nil
}

// raw returns an embedded JSON value as stored (a slice of the line,
// validated by scanObject) and leaves null to the strict decoder.
func raw(val []byte) ([]byte, bool) {
	if len(val) == 0 || string(val) == "null" {
		return nil, false
	}
	return val, true
}

// parseLinkLine reads one line of links.jsonl.
func parseLinkLine(line []byte) (linkLine, error) {
	var l linkLine
	seen := 0
	ok := scanObject(line, func(key string, val []byte) bool {
		var ok bool
		var bit int
		switch key {
		case "position":
			l.Position, ok = plainString(val)
			bit = 1
		case "stream":
			l.Stream, ok = plainString(val)
			bit = 2
		case "revision":
			l.Revision, ok = plainUint(val, 64)
			bit = 4
		case "id":
			l.ID, ok = plainString(val)
			bit = 8
		case "link":
			l.Link, ok = plainString(val)
			bit = 16
		case "prev":
			l.Prev, ok = plainString(val)
			bit = 32
		case "withheld":
			l.Withheld, ok = plainString(val)
			bit = 64
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	if ok {
		return l, nil
	}
	l = linkLine{}
	return l, strict(line, &l)
}

// parseEventLine reads one line of events.jsonl.
func parseEventLine(line []byte) (eventLine, error) {
	var e eventLine
	seen := 0
	ok := scanObject(line, func(key string, val []byte) bool {
		var ok bool
		var bit int
		switch key {
		case "position":
			e.Position, ok = plainString(val)
			bit = 1
		case "stream":
			e.Stream, ok = plainString(val)
			bit = 2
		case "revision":
			e.Revision, ok = plainUint(val, 64)
			bit = 4
		case "id":
			e.ID, ok = plainString(val)
			bit = 8
		case "type":
			e.Type, ok = plainString(val)
			bit = 16
		case "schema_version":
			var v uint64
			v, ok = plainUint(val, 32)
			e.SchemaVersion = uint32(v)
			bit = 32
		case "recorded_at":
			e.RecordedAt, ok = plainString(val)
			bit = 64
		case "data":
			e.Data, ok = raw(val)
			bit = 128
		case "data_b64":
			var b []byte
			b, ok = plainBase64(val)
			e.DataB64 = &b
			bit = 256
		case "metadata":
			e.Metadata, ok = raw(val)
			bit = 512
		case "metadata_b64":
			var b []byte
			b, ok = plainBase64(val)
			e.MetadataB64 = &b
			bit = 1024
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	if ok {
		return e, nil
	}
	e = eventLine{}
	return e, strict(line, &e)
}
