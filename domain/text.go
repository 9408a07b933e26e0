package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of free text in payloads. Field devices send short texts; reports
// and orders may be long, but never unbounded.
const (
	// MaxName bounds names, titles, call signs and references.
	MaxName = 200
	// MaxText bounds narrative text: objectives, observations, summaries.
	MaxText = 20000
)

// RequireText records a problem unless s is non-blank, valid UTF-8 without
// control characters other than newline and tab, and at most max runes.
func (p *Problems) RequireText(field, s string, max int) {
	if strings.TrimSpace(s) == "" {
		p.Add(field, "required")
		return
	}
	p.OptionalText(field, s, max)
}

// OptionalText is RequireText for a field that may be empty.
func (p *Problems) OptionalText(field, s string, max int) {
	switch {
	case !utf8.ValidString(s):
		p.Add(field, "not valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		p.Addf(field, "longer than %d characters", max)
	case strings.IndexFunc(s, badControl) >= 0:
		p.Add(field, "contains control characters")
	}
}

func badControl(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }
