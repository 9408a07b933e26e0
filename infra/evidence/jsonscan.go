package evidence

// A validating scanner of one JSON value, for the hot paths of export and
// verification: it accepts exactly what encoding/json accepts (fuzzed
// against json.Valid) at a few times its speed.

// strSafe marks the bytes that may stand for themselves inside a string.
var strSafe = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// validJSON reports whether b is one JSON value, with optional white space
// around it.
func validJSON(b []byte) bool {
	i := skipSpace(b, 0)
	end, ok := scanValue(b, i, 0)
	return ok && skipSpace(b, end) == len(b)
}

// maxDepth bounds nesting as encoding/json does.
const maxDepth = 10000

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanValue returns the end of the JSON value starting at b[i].
func scanValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == '{':
		return scanJSONObject(b, i, depth+1)
	case c == '[':
		return scanJSONArray(b, i, depth+1)
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b, i)
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == 'n':
		return scanLiteral(b, i, "null")
	}
	return i, false
}

func scanLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

// scanString returns the end of the string starting at b[i] (a quote).
func scanString(b []byte, i int) (int, bool) {
	j := i + 1
	for {
		for j < len(b) && strSafe[b[j]] {
			j++
		}
		if j >= len(b) {
			return i, false
		}
		switch b[j] {
		case '"':
			return j + 1, true
		case '\\':
			if j+1 >= len(b) {
				return i, false
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(b) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) || !isHex(b[j+5]) {
					return i, false
				}
				j += 6
			default:
				return i, false
			}
		default: // a control character
			return i, false
		}
	}
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber returns the end of the number starting at b[i].
func scanNumber(b []byte, i int) (int, bool) {
	j := i
	if b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		for j < len(b) && isDigit(b[j]) {
			j++
		}
	default:
		return i, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if j >= len(b) || !isDigit(b[j]) {
			return i, false
		}
		for j < len(b) && isDigit(b[j]) {
			j++
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j >= len(b) || !isDigit(b[j]) {
			return i, false
		}
		for j < len(b) && isDigit(b[j]) {
			j++
		}
	}
	return j, true
}

func scanJSONObject(b []byte, i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	j := skipSpace(b, i+1)
	if j < len(b) && b[j] == '}' {
		return j + 1, true
	}
	for {
		if j >= len(b) || b[j] != '"' {
			return i, false
		}
		k, ok := scanString(b, j)
		if !ok {
			return i, false
		}
		j = skipSpace(b, k)
		if j >= len(b) || b[j] != ':' {
			return i, false
		}
		if j, ok = scanValue(b, skipSpace(b, j+1), depth); !ok {
			return i, false
		}
		var end bool
		if j, end, ok = nextItem(b, j, '}'); !ok {
			return i, false
		}
		if end {
			return j, true
		}
	}
}

func scanJSONArray(b []byte, i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	j := skipSpace(b, i+1)
	if j < len(b) && b[j] == ']' {
		return j + 1, true
	}
	for {
		var ok bool
		if j, ok = scanValue(b, j, depth); !ok {
			return i, false
		}
		var end bool
		if j, end, ok = nextItem(b, j, ']'); !ok {
			return i, false
		}
		if end {
			return j, true
		}
	}
}

// nextItem reads what follows an item of an object or an array at j: a
// comma (next is the following item, past spaces) or the closing byte
// (end, next is past it); ok is false for anything else.
func nextItem(b []byte, j int, closing byte) (next int, end, ok bool) {
	j = skipSpace(b, j)
	if j >= len(b) {
		return j, false, false
	}
	switch b[j] {
	case ',':
		return skipSpace(b, j+1), false, true
	case closing:
		return j + 1, true, true
	}
	return j, false, false
}
