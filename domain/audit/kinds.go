package audit

// Kind names a kind of history read. Kinds are part of the API: never
// rename one.
type Kind string

// The kinds of history read.
const (
	KindBoardAsOf Kind = "board_as_of" // a board or read model as of a past position or time
	KindTimeline  Kind = "timeline"    // a timeline query
	KindReplay    Kind = "replay"      // a replay session starting, or seeking
	KindExport    Kind = "export"      // an evidence export
	KindAudit     Kind = "audit"       // a read of the audit timeline itself
	KindVerify    Kind = "verify"      // an integrity verification
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindBoardAsOf, KindTimeline, KindReplay, KindExport, KindAudit, KindVerify:
		return true
	}
	return false
}
