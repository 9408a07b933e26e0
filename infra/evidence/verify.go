package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/integrity"
)

// BundleReport is the outcome of VerifyBundle.
type BundleReport struct {
	Operation string
	// Scope is "full" or "as seen by <agency>", with ", judicial" when so.
	Scope    string
	Position string
	Events   int
	Links    int
	Streams  int
	Withheld int
	// Pinned is false when no key was given and the bundle's own was used:
	// that proves the bundle is intact, not who signed it.
	Pinned bool
	// Problem is the first problem found, empty when the bundle verifies;
	// the counts are those of a bundle that verified.
	Problem string
}

// OK reports whether the bundle verified.
func (r BundleReport) OK() bool { return r.Problem == "" }

// bundleCheck carries one verification.
type bundleCheck struct {
	dir  string
	pub  ed25519.PublicKey
	m    Manifest
	rep  BundleReport
	link map[streamRev]int // index into links by stream and revision
	lns  []linkLine
	hash []eventstore.Hash // parsed link of each line
	prev []eventstore.Hash
	// split is the size of events.jsonl from which it is checked in halves.
	split int
}

type streamRev struct {
	stream string
	rev    uint64
}

// problem is a verification failure, as opposed to an I/O error.
type problem struct{ msg string }

func (p *problem) Error() string { return p.msg }

func fail(format string, args ...any) error { return &problem{msg: fmt.Sprintf(format, args...)} }

// VerifyBundle checks the bundle in dir offline: the manifest's signature
// with pub (or, if pub is nil, with the bundle's own key, and the report
// says it was not pinned), every file's hash, every exported event's link
// recomputed from its content and chained through links.jsonl, the chains
// ending at the heads signed at export time, positions increasing, and the
// counts. The first problem is in the report; an error means the bundle
// could not be read at all.
func VerifyBundle(dir string, pub ed25519.PublicKey) (BundleReport, error) {
	return verifyBundle(dir, pub, splitEvents)
}

func verifyBundle(dir string, pub ed25519.PublicKey, split int) (BundleReport, error) {
	if st, err := os.Stat(dir); err != nil {
		return BundleReport{}, fmt.Errorf("bundle: %w", err)
	} else if !st.IsDir() {
		return BundleReport{}, fmt.Errorf("bundle %s: not a directory", dir)
	}
	c := &bundleCheck{dir: dir, pub: pub, rep: BundleReport{Pinned: pub != nil}, split: split}
	err := c.run()
	var p *problem
	switch {
	case errors.As(err, &p):
		c.rep.Problem = p.msg
	case err != nil:
		return c.rep, err
	}
	return c.rep, nil
}

func (c *bundleCheck) run() error {
	if err := c.manifest(); err != nil {
		return err
	}
	if err := c.listing(); err != nil {
		return err
	}
	// The two large files are hashed on another core while they are
	// parsed; a hash that does not match is the first problem to name.
	links, err := c.read(LinksFile)
	if err != nil {
		return err
	}
	events, err := c.read(EventsFile)
	if err != nil {
		return err
	}
	hashed := make(chan error, 1)
	go func() {
		err := c.checkHash(LinksFile, links)
		if err == nil {
			err = c.checkHash(EventsFile, events)
		}
		hashed <- err
	}()
	perr := c.links(links)
	if perr == nil {
		perr = c.events(events)
	}
	if err := <-hashed; err != nil {
		return err
	}
	if perr != nil {
		return perr
	}
	if err := c.checkpoint(); err != nil {
		return err
	}
	for name := range c.m.Files {
		if name != LinksFile && name != EventsFile && name != CheckpointFile {
			if _, err := c.file(name); err != nil {
				return err
			}
		}
	}
	return c.counts()
}

// manifest reads and authenticates manifest.json.
func (c *bundleCheck) manifest() error {
	b, err := os.ReadFile(filepath.Join(c.dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return fail("%s is missing", ManifestFile)
	}
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c.m); err != nil {
		return fail("%s: %v", ManifestFile, err)
	}
	if c.m.Format != Format {
		return fail("%s: format %q, want %q", ManifestFile, c.m.Format, Format)
	}
	if c.pub == nil {
		if c.pub, err = integrity.ParsePublicKey([]byte(c.m.PublicKey)); err != nil {
			return fail("%s: %v", ManifestFile, err)
		}
	}
	if err := c.m.checkSignature(c.pub); err != nil {
		return fail("%s: %v", ManifestFile, err)
	}
	c.rep.Operation, c.rep.Position = c.m.Operation, c.m.Position
	c.rep.Scope = ScopeFull
	if c.m.AsSeenBy != ScopeFull {
		c.rep.Scope = "as seen by " + c.m.AsSeenBy
	}
	if c.m.Judicial {
		c.rep.Scope += ", judicial"
	}
	for _, name := range []string{EventsFile, LinksFile, CheckpointFile} {
		if _, ok := c.m.Files[name]; !ok {
			return fail("%s does not list %s", ManifestFile, name)
		}
	}
	return nil
}

// listing checks that the directory holds only the listed files: a file
// slipped into a bundle would otherwise pass as part of it.
func (c *bundleCheck) listing() error {
	return filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(c.dir, p)
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		rel = filepath.ToSlash(rel)
		if _, ok := c.m.Files[rel]; !ok && rel != ManifestFile {
			return fail("%s is not listed in %s", rel, ManifestFile)
		}
		return nil
	})
}

// file reads a listed file and checks its hash.
func (c *bundleCheck) file(name string) ([]byte, error) {
	b, err := c.read(name)
	if err != nil {
		return nil, err
	}
	return b, c.checkHash(name, b)
}

// read reads a listed file.
func (c *bundleCheck) read(name string) ([]byte, error) {
	if !fs.ValidPath(name) || path.Clean(name) != name {
		return nil, fail("%s lists the path %q", ManifestFile, name)
	}
	b, err := os.ReadFile(filepath.Join(c.dir, filepath.FromSlash(name)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fail("%s is missing", name)
	}
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	return b, nil
}

// checkHash compares a file's SHA-256 with the manifest's.
func (c *bundleCheck) checkHash(name string, b []byte) error {
	sum := sha256.Sum256(b)
	if got, want := hex.EncodeToString(sum[:]), c.m.Files[name]; got != want {
		return fail("%s: SHA-256 %s, the manifest says %s (file altered)", name, got, want)
	}
	return nil
}

// lines calls fn with each line (without its newline) and its number,
// counting from first.
func lines(name string, b []byte, first int, fn func(n int, line []byte) error) error {
	for n := first; len(b) > 0; n++ {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return fail("%s line %d: no final newline (file truncated)", name, n)
		}
		if err := fn(n, b[:i]); err != nil {
			return err
		}
		b = b[i+1:]
	}
	return nil
}

func strict(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// links parses links.jsonl and checks that every stream's chain runs from
// revision 0 without gap and that positions increase.
func (c *bundleCheck) links(b []byte) error {
	c.link = map[streamRev]int{}
	heads := map[string]int{} // index of each stream's last line
	var last eventstore.Position
	err := lines(LinksFile, b, 1, func(n int, line []byte) error {
		l, err := parseLinkLine(line)
		if err != nil {
			return fail("%s line %d: %v", LinksFile, n, err)
		}
		where := func() string {
			return fmt.Sprintf("%s line %d (event %s, stream %s revision %d)", LinksFile, n, l.ID, l.Stream, l.Revision)
		}
		pos, err := eventstore.ParsePosition(l.Position)
		if err != nil {
			return fail("%s: %v", where(), err)
		}
		if n > 1 && !last.Less(pos) {
			return fail("%s: position %s does not follow %s (lines reordered)", where(), pos, last)
		}
		last = pos
		link, err1 := eventstore.ParseHash(l.Link)
		prev, err2 := eventstore.ParseHash(l.Prev)
		if err := errors.Join(err1, err2); err != nil {
			return fail("%s: %v", where(), err)
		}
		i, seen := heads[l.Stream]
		switch {
		case !seen && (l.Revision != 0 || !prev.IsZero()):
			return fail("%s: the stream starts at revision %d, want 0 (links removed)", where(), l.Revision)
		case seen && l.Revision != c.lns[i].Revision+1:
			return fail("%s: revision %d follows %d (links removed or reordered)", where(), l.Revision, c.lns[i].Revision)
		case seen && prev != c.hash[i]:
			return fail("%s: prev %s is not the link of revision %d", where(), prev, c.lns[i].Revision)
		}
		heads[l.Stream] = len(c.lns)
		c.link[streamRev{l.Stream, l.Revision}] = len(c.lns)
		c.lns, c.hash, c.prev = append(c.lns, l), append(c.hash, link), append(c.prev, prev)
		return nil
	})
	c.rep.Links, c.rep.Streams = len(c.lns), len(heads)
	return err
}

// events parses events.jsonl and recomputes every event's link, the two
// halves of a large file at once; the first problem in file order wins.
func (c *bundleCheck) events(b []byte) error {
	split := len(b)
	if len(b) >= c.split {
		split = len(b) / 2
		split += bytes.IndexByte(b[split:], '\n') + 1 // 0 if none: one part
	}
	var second eventsPart
	done := make(chan struct{})
	if split > 0 && split < len(b) {
		go func() {
			defer close(done)
			second = c.checkEvents(b[split:], bytes.Count(b[:split], []byte("\n"))+1, unknownPrior)
		}()
	} else {
		split = len(b)
		close(done)
	}
	first := c.checkEvents(b[:split], 1, -1)
	<-done
	c.rep.Events = first.events + second.events
	if first.err != nil {
		return first.err
	}
	last := first.last
	if second.events > 0 || second.err != nil {
		if second.first >= 0 {
			if second.first <= last {
				return fail("%s: out of log order (lines reordered)", second.firstWhere)
			}
			if err := c.gap(last, second.first); err != nil {
				return err
			}
		}
		if second.err != nil {
			return second.err
		}
		last = second.last
	}
	return c.gap(last, len(c.lns))
}

// splitEvents is the size from which events.jsonl is checked in two halves.
const splitEvents = 1 << 20

// unknownPrior: the link index of the event before a part is not known
// yet; the gap before its first event is checked by the caller.
const unknownPrior = -2

// eventsPart is the outcome of checking a run of lines of events.jsonl.
type eventsPart struct {
	first, last int // link indexes of its first and last event, -1 if none
	firstWhere  string
	events      int
	err         error
}

// gap fails if a link line strictly between after and before is not
// withheld: its event should be in events.jsonl there.
func (c *bundleCheck) gap(after, before int) error {
	for j := after + 1; j < before; j++ {
		if c.lns[j].Withheld == "" {
			return fail("%s line %d (event %s, stream %s revision %d): missing from %s at its place (line removed or reordered)", LinksFile, j+1, c.lns[j].ID, c.lns[j].Stream, c.lns[j].Revision, EventsFile)
		}
	}
	return nil
}

// checkEvents checks lines numbered from firstLine, the event before them
// being at link index prior (-1: none; unknownPrior: not known).
func (c *bundleCheck) checkEvents(b []byte, firstLine, prior int) eventsPart {
	p := eventsPart{first: -1, last: prior}
	p.err = lines(EventsFile, b, firstLine, func(n int, line []byte) error {
		e, err := parseEventLine(line)
		if err != nil {
			return fail("%s line %d: %v", EventsFile, n, err)
		}
		where := func() string {
			return fmt.Sprintf("%s line %d (event %s, stream %s revision %d, position %s)", EventsFile, n, e.ID, e.Stream, e.Revision, e.Position)
		}
		i, ok := c.link[streamRev{e.Stream, e.Revision}]
		if !ok {
			return fail("%s: not in %s", where(), LinksFile)
		}
		l := c.lns[i]
		switch {
		case l.Withheld != "":
			return fail("%s: %s says it was withheld", where(), LinksFile)
		case l.ID != e.ID || l.Position != e.Position:
			return fail("%s: %s has event %s at %s there", where(), LinksFile, l.ID, l.Position)
		case p.last != unknownPrior && i <= p.last:
			return fail("%s: out of log order (lines reordered)", where())
		}
		if p.last != unknownPrior {
			if err := c.gap(p.last, i); err != nil {
				return err
			}
		}
		if p.first < 0 {
			p.first, p.firstWhere = i, where()
		}
		p.last = i
		data, err := e.eventData()
		if err != nil {
			return fail("%s: %v", where(), err)
		}
		if eventstore.ChainLink(c.prev[i], e.Stream, e.Revision, data) != c.hash[i] {
			return fail("%s: chain link mismatch: content altered", where())
		}
		p.events++
		return nil
	})
	if p.last == unknownPrior {
		p.last = -1
	}
	return p
}

// eventData returns the stored part of the event the link covers.
func (e eventLine) eventData() (eventstore.EventData, error) {
	id, err := uuid.Parse(e.ID)
	if err != nil {
		return eventstore.EventData{}, err
	}
	d := eventstore.EventData{ID: id, Type: e.Type, SchemaVersion: e.SchemaVersion}
	switch {
	case e.Data != nil && e.DataB64 == nil:
		d.Data = e.Data
	case e.Data == nil && e.DataB64 != nil:
		d.Data = *e.DataB64
	default:
		return d, errors.New("want exactly one of data and data_b64")
	}
	switch {
	case e.Metadata != nil && e.MetadataB64 == nil:
		d.Metadata = e.Metadata
	case e.Metadata == nil && e.MetadataB64 != nil:
		d.Metadata = *e.MetadataB64
	default:
		return d, errors.New("want exactly one of metadata and metadata_b64")
	}
	return d, nil
}

// checkpoint checks that the chains end at the heads signed at export time.
func (c *bundleCheck) checkpoint() error {
	b, err := c.file(CheckpointFile)
	if err != nil {
		return err
	}
	var doc CheckpointDoc
	if err := strict(b, &doc); err != nil {
		return fail("%s: %v", CheckpointFile, err)
	}
	cp := doc.Export
	if err := cp.CheckSignature(c.pub); err != nil {
		return fail("%s: export checkpoint: %v", CheckpointFile, err)
	}
	if cp.Covers != c.m.Position {
		return fail("%s: export checkpoint covers %s, the manifest says %s", CheckpointFile, cp.Covers, c.m.Position)
	}
	ends := integrity.Heads{}
	for i, l := range c.lns {
		ends[l.Stream] = integrity.Head{Revision: l.Revision, Link: c.hash[i]}
	}
	if len(cp.Changed) != len(ends) || cp.Streams != len(ends) {
		return fail("%s: %d streams signed, %s has %d (a stream added or removed)", CheckpointFile, len(cp.Changed), LinksFile, len(ends))
	}
	for _, h := range cp.Changed {
		end, ok := ends[h.Stream]
		switch {
		case !ok:
			return fail("%s: stream %s is signed but not in %s", CheckpointFile, h.Stream, LinksFile)
		case end.Revision != h.Revision || end.Link.String() != h.Link:
			return fail("%s: stream %s signed up to revision %d, %s ends at revision %d (links removed from its end, or altered)", CheckpointFile, h.Stream, h.Revision, LinksFile, end.Revision)
		}
	}
	if ends.Digest().String() != cp.Digest {
		return fail("%s: digest of the signed heads does not match", CheckpointFile)
	}
	if doc.Server != nil {
		if err := doc.Server.CheckSignature(c.pub); err != nil {
			return fail("%s: server checkpoint: %v", CheckpointFile, err)
		}
	}
	return nil
}

// counts checks the manifest's counts and withheld list against the files.
func (c *bundleCheck) counts() error {
	var withheld []WithheldItem
	for _, l := range c.lns {
		if l.Withheld != "" {
			withheld = append(withheld, WithheldItem{EventID: l.ID, Reason: l.Withheld})
		}
	}
	c.rep.Withheld = len(withheld)
	got := Counts{Events: c.rep.Events, Links: c.rep.Links, Streams: c.rep.Streams, Tracks: c.m.Counts.Tracks}
	if got != c.m.Counts {
		return fail("%s: counts %+v, the files hold %+v", ManifestFile, c.m.Counts, got)
	}
	if c.m.Withheld.Count != len(withheld) || len(c.m.Withheld.Events) != len(withheld) {
		return fail("%s: %d withheld, %s marks %d", ManifestFile, c.m.Withheld.Count, LinksFile, len(withheld))
	}
	for i, w := range withheld {
		if c.m.Withheld.Events[i] != w {
			return fail("%s: withheld event %d is %+v, %s says %+v", ManifestFile, i, c.m.Withheld.Events[i], LinksFile, w)
		}
	}
	tracks := 0
	for name := range c.m.Files {
		if strings.HasPrefix(name, TracksDir+"/") {
			tracks++
		}
	}
	if tracks != c.m.Counts.Tracks {
		return fail("%s: %d tracks counted, %d listed", ManifestFile, c.m.Counts.Tracks, tracks)
	}
	return nil
}
