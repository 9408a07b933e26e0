package marking

import "fmt"

// TLP is a Traffic Light Protocol 2.0 label. The order of the constants is
// the order of restriction: CLEAR is the least restrictive, RED the most.
type TLP uint8

// TLP labels; the zero TLP is unset and invalid.
const (
	TLPClear       TLP = iota + 1 // no limit on disclosure
	TLPGreen                      // all agencies taking part in the operation
	TLPAmber                      // participating agencies on need-to-know
	TLPAmberStrict                // the originator's agency only
	TLPRed                        // named recipients only
)

func (t TLP) name() string {
	switch t {
	case TLPClear:
		return "CLEAR"
	case TLPGreen:
		return "GREEN"
	case TLPAmber:
		return "AMBER"
	case TLPAmberStrict:
		return "AMBER+STRICT"
	case TLPRed:
		return "RED"
	}
	return ""
}

// ParseTLP parses a label as written in TLP 2.0 ("AMBER+STRICT").
func ParseTLP(s string) (TLP, error) {
	for t := TLPClear; t <= TLPRed; t++ {
		if t.name() == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("TLP label %q: want CLEAR, GREEN, AMBER, AMBER+STRICT or RED", s)
}

// Valid reports whether t is one of the five labels.
func (t TLP) Valid() bool { return t >= TLPClear && t <= TLPRed }

// String returns the label as written in TLP 2.0.
func (t TLP) String() string {
	if !t.Valid() {
		return fmt.Sprintf("TLP(%d)", uint8(t))
	}
	return t.name()
}

// MarshalText writes the label; an invalid TLP fails.
func (t TLP) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("marshal %s: not a TLP label", t)
	}
	return []byte(t.name()), nil
}

// UnmarshalText parses a label.
func (t *TLP) UnmarshalText(b []byte) error {
	v, err := ParseTLP(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// HandlingCode restricts how information may be used.
type HandlingCode uint8

// Handling codes; the zero HandlingCode is invalid.
const (
	H0 HandlingCode = iota + 1 // for crime-prevention use only
	H1                         // not for judicial use without the originator's permission
	H2                         // no onward transmission without the originator's permission
	H3                         // other restriction, stated in free text
)

// ParseHandlingCode parses "H0" … "H3".
func ParseHandlingCode(s string) (HandlingCode, error) {
	if len(s) == 2 && s[0] == 'H' && s[1] >= '0' && s[1] <= '3' {
		return HandlingCode(s[1]-'0') + H0, nil
	}
	return 0, fmt.Errorf("handling code %q: want H0, H1, H2 or H3", s)
}

// Valid reports whether c is H0 … H3.
func (c HandlingCode) Valid() bool { return c >= H0 && c <= H3 }

// String returns "H0" … "H3".
func (c HandlingCode) String() string {
	if !c.Valid() {
		return fmt.Sprintf("HandlingCode(%d)", uint8(c))
	}
	return "H" + string(rune('0'+c-H0))
}

// MarshalText writes "H0" … "H3"; an invalid code fails.
func (c HandlingCode) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("marshal %s: not a handling code", c)
	}
	return []byte(c.String()), nil
}

// UnmarshalText parses a handling code.
func (c *HandlingCode) UnmarshalText(b []byte) error {
	v, err := ParseHandlingCode(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Reliability grades the source: A completely reliable, B mostly reliable,
// C not reliable, X cannot be judged.
type Reliability byte

// Source reliability grades.
const (
	ReliabilityA Reliability = 'A'
	ReliabilityB Reliability = 'B'
	ReliabilityC Reliability = 'C'
	ReliabilityX Reliability = 'X'
)

// Valid reports whether r is A, B, C or X.
func (r Reliability) Valid() bool {
	return r == ReliabilityA || r == ReliabilityB || r == ReliabilityC || r == ReliabilityX
}

// Accuracy grades the information: 1 known to be true without reservation,
// 2 known personally to the source but not to the officer passing it on,
// 3 not known personally to the source but corroborated, 4 cannot be judged.
type Accuracy uint8

// Valid reports whether a is 1 … 4.
func (a Accuracy) Valid() bool { return a >= 1 && a <= 4 }

// Evaluation is the 4×4 grading of a piece of information, written "B2".
type Evaluation struct {
	reliability Reliability
	accuracy    Accuracy
}

// NewEvaluation validates and builds an evaluation.
func NewEvaluation(r Reliability, a Accuracy) (Evaluation, error) {
	if !r.Valid() || !a.Valid() {
		return Evaluation{}, fmt.Errorf("evaluation %c%d: want reliability A, B, C or X and accuracy 1 to 4", r, a)
	}
	return Evaluation{reliability: r, accuracy: a}, nil
}

// ParseEvaluation parses the two-character form, such as "B2" or "X4".
func ParseEvaluation(s string) (Evaluation, error) {
	if len(s) != 2 || s[1] < '0' || s[1] > '9' {
		return Evaluation{}, fmt.Errorf("evaluation %q: want a grade such as B2", s)
	}
	return NewEvaluation(Reliability(s[0]), Accuracy(s[1]-'0'))
}

// Reliability returns the source grade.
func (e Evaluation) Reliability() Reliability { return e.reliability }

// Accuracy returns the information grade.
func (e Evaluation) Accuracy() Accuracy { return e.accuracy }

// IsZero reports whether e is unset.
func (e Evaluation) IsZero() bool { return e == Evaluation{} }

// String returns the two-character grade, such as "B2".
func (e Evaluation) String() string {
	if e.IsZero() {
		return "unevaluated"
	}
	return string(rune(e.reliability)) + string(rune('0'+e.accuracy))
}

// MarshalText writes the two-character form; the zero evaluation fails.
func (e Evaluation) MarshalText() ([]byte, error) {
	if e.IsZero() {
		return nil, fmt.Errorf("marshal evaluation: unset")
	}
	return []byte(e.String()), nil
}

// UnmarshalText parses the two-character form.
func (e *Evaluation) UnmarshalText(b []byte) error {
	v, err := ParseEvaluation(string(b))
	if err != nil {
		return err
	}
	*e = v
	return nil
}
