package evidence

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/integrity"
)

// hashedFile is a bundle file being written, hashed on the way.
type hashedFile struct {
	name string
	f    *os.File
	w    *bufio.Writer
	h    hash.Hash
}

func createHashed(dir, name string) (*hashedFile, error) {
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o750); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	h := sha256.New()
	return &hashedFile{name: name, f: f, h: h, w: bufio.NewWriterSize(multi{f, h}, 1<<14)}, nil
}

// multi writes to a file and a hash (io.MultiWriter without the interface
// conversions per call).
type multi struct {
	f *os.File
	h hash.Hash
}

func (m multi) Write(p []byte) (int, error) {
	m.h.Write(p)
	return m.f.Write(p)
}

// close flushes, syncs and closes, and records the file's hash.
func (hf *hashedFile) close(files map[string]string) error {
	// No fsync: a bundle is a copy, made again if a crash cuts it short.
	err := hf.w.Flush()
	if cerr := hf.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", hf.name, err)
	}
	files[filepath.ToSlash(hf.name)] = hex.EncodeToString(hf.h.Sum(nil))
	return nil
}

// write writes every file of the bundle into dir and returns the signed
// manifest.
func (x *Exporter) write(dir string, req Request, col *collected, pos eventstore.Position, now time.Time) (Manifest, error) {
	m := Manifest{
		Format: Format, Operation: req.Operation.String(), ExportedAt: now, Position: pos.String(),
		AsSeenBy: ScopeFull, Judicial: req.Judicial, Files: map[string]string{},
		Withheld: Withheld{ByReason: map[string]int{}, Events: []WithheldItem{}},
	}
	if !req.AsAgency.IsZero() {
		m.AsSeenBy = req.AsAgency.String()
	}
	events, err := createHashed(dir, EventsFile)
	if err != nil {
		return m, err
	}
	defer events.f.Close()
	links, err := createHashed(dir, LinksFile)
	if err != nil {
		return m, err
	}
	defer links.f.Close()
	// The formatter decides each line on one goroutine, two more render
	// the lines, and this one writes and hashes the rendered chunks in
	// order. The formatter owns f until it closes the order channel.
	f := &formatter{scope: col.scope, tracks: req.Tracks, withheld: &m.Withheld, heads: integrity.Heads{}}
	order := make(chan *job, 8)
	go f.run(col.events, order)
	for j := range order {
		// Chunks are large: past the buffer, straight to file and hash.
		c := <-j.done
		links.w.Write(c.links)
		events.w.Write(c.events)
	}
	heads, tr := f.heads, f.tr
	m.Counts.Events, m.Counts.Links = f.events, f.links
	if err := events.close(m.Files); err != nil {
		return m, err
	}
	if err := links.close(m.Files); err != nil {
		return m, err
	}
	m.Counts.Streams = len(heads)
	if req.Tracks {
		n, err := tr.write(dir, m.Files)
		if err != nil {
			return m, err
		}
		m.Counts.Tracks = n
	}
	cp, err := integrity.NewCheckpoint(x.cfg.Key, pos, now, heads, allStreams(heads), "")
	if err != nil {
		return m, err
	}
	doc := CheckpointDoc{Export: cp, Server: col.server}
	if col.server != nil {
		doc.ServerPosition = col.serverPos.String()
	}
	if err := writeJSON(dir, CheckpointFile, doc, m.Files); err != nil {
		return m, err
	}
	if err := m.sign(x.cfg.Key); err != nil {
		return m, err
	}
	return m, writeJSON(dir, ManifestFile, m, nil)
}

// chunk is a run of rendered lines of both files.
type chunk struct{ events, links []byte }

// line is one decided line: the event, its predecessor's link, and why it
// is withheld ("" if it is not).
type line struct {
	rec    *eventstore.RecordedEvent
	prev   eventstore.Hash
	reason string
}

// job is a run of decided lines to render; done receives the chunk.
type job struct {
	lines []line
	done  chan chunk
}

// jobLines is the number of lines of one job.
const jobLines = 1024

// renderers is how many goroutines render lines.
const renderers = 2

// formatter decides the lines of an export and keeps its bookkeeping.
type formatter struct {
	scope    *scope
	tracks   bool
	withheld *Withheld
	heads    integrity.Heads
	tr       tracks
	events   int
	links    int
}

// run decides every line in order, hands jobs to the renderers, and sends
// them, in order, to out, which it closes at the end.
func (f *formatter) run(evs [][]opEvent, out chan<- *job) {
	work := make(chan *job, renderers*2)
	defer close(out)
	defer close(work)
	for range renderers {
		go func() {
			for j := range work {
				j.done <- render(j.lines)
			}
		}()
	}
	j := &job{done: make(chan chunk, 1)}
	send := func() {
		work <- j
		out <- j
		j = &job{lines: make([]line, 0, jobLines), done: make(chan chunk, 1)}
	}
	for _, evChunk := range evs {
		for i := range evChunk {
			e := &evChunk[i]
			prev := f.heads[e.rec.Stream].Link
			f.heads[e.rec.Stream] = integrity.Head{Revision: e.rec.Revision, Link: e.rec.Hash}
			reason := f.scope.withheld(about(e.rec.Type, e.payload, e.rec.Data))
			if e.undecodable && f.scope.scoped() {
				reason = ReasonUndecodable
			}
			j.lines = append(j.lines, line{rec: &e.rec, prev: prev, reason: reason})
			f.links++
			if reason != "" {
				f.withheld.Count++
				f.withheld.ByReason[reason]++
				f.withheld.Events = append(f.withheld.Events, WithheldItem{EventID: e.rec.ID.String(), Reason: reason})
			} else {
				f.events++
				if f.tracks {
					f.tr.add(*e)
				}
			}
			if len(j.lines) == jobLines {
				send()
			}
		}
	}
	if len(j.lines) > 0 {
		send()
	}
}

// render renders the lines of one job.
func render(lines []line) chunk {
	c := chunk{events: make([]byte, 0, len(lines)*768), links: make([]byte, 0, len(lines)*256)}
	for _, l := range lines {
		c.links = appendLinkLine(c.links, *l.rec, l.prev, l.reason)
		if l.reason == "" {
			c.events = appendEventLine(c.events, *l.rec)
		}
	}
	return c
}

// writeJSON writes v indented into dir/name and records its hash in files
// (unless files is nil).
func writeJSON(dir, name string, v any, files map[string]string) error {
	hf, err := createHashed(dir, name)
	if err != nil {
		return err
	}
	defer hf.f.Close()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	hf.w.Write(append(b, '\n'))
	if files == nil {
		files = map[string]string{}
	}
	return hf.close(files)
}

// appendLinkLine appends the links.jsonl line of rec.
func appendLinkLine(b []byte, rec eventstore.RecordedEvent, prev eventstore.Hash, withheld string) []byte {
	b = append(b, `{"position":`...)
	b = appendString(b, rec.Position.String())
	b = append(b, `,"stream":`...)
	b = appendString(b, rec.Stream)
	b = append(b, `,"revision":`...)
	b = strconv.AppendUint(b, rec.Revision, 10)
	b = append(b, `,"id":"`...)
	b = append(b, rec.ID.String()...)
	b = append(b, `","link":"`...)
	b = hex.AppendEncode(b, rec.Hash[:])
	b = append(b, `","prev":"`...)
	b = hex.AppendEncode(b, prev[:])
	b = append(b, '"')
	if withheld != "" {
		b = append(b, `,"withheld":`...)
		b = appendString(b, withheld)
	}
	return append(b, "}\n"...)
}

// appendEventLine appends the events.jsonl line of rec.
func appendEventLine(b []byte, rec eventstore.RecordedEvent) []byte {
	b = append(b, `{"position":`...)
	b = appendString(b, rec.Position.String())
	b = append(b, `,"stream":`...)
	b = appendString(b, rec.Stream)
	b = append(b, `,"revision":`...)
	b = strconv.AppendUint(b, rec.Revision, 10)
	b = append(b, `,"id":"`...)
	b = append(b, rec.ID.String()...)
	b = append(b, `","type":`...)
	b = appendString(b, rec.Type)
	b = append(b, `,"schema_version":`...)
	b = strconv.AppendUint(b, uint64(rec.SchemaVersion), 10)
	b = append(b, `,"recorded_at":"`...)
	b = rec.RecordedAt.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = appendBytes(b, "data", rec.Data)
	b = appendBytes(b, "metadata", rec.Metadata)
	return append(b, "}\n"...)
}

// appendBytes appends stored bytes as JSON when they are JSON that
// survives a round trip through a line unchanged, and as base64 otherwise.
func appendBytes(b []byte, name string, v []byte) []byte {
	if embeddable(v) {
		b = append(b, `,"`...)
		b = append(b, name...)
		b = append(b, `":`...)
		return append(b, v...)
	}
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `_b64":"`...)
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, '"')
}

// embeddable: non-empty, valid JSON, no surrounding space and no line
// break (a raw line break would split the line; inside JSON strings they
// are escaped anyway).
func embeddable(v []byte) bool {
	return len(v) > 0 && len(bytes.TrimSpace(v)) == len(v) && !bytes.ContainsAny(v, "\r\n") && validJSON(v)
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
