package eventlog

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jointops/jointops/domain"
	"github.com/jointops/jointops/infra/eventstore"
)

// Load reads in pages: a warm aggregate mostly asks for a short (often
// empty) tail, so the first page is small; the store sizes its buffers by
// the page asked for. A stream longer than a page is read ahead and decoded
// in parallel (see loadLong).
const (
	tailPage = 32
	loadPage = 1024
	// readAhead bounds the pages read and being decoded ahead of the fold.
	readAhead = 4
)

// Load folds the events of stream from index from on. An event of a type
// this build does not know is folded without its payload (see
// commands.EventLog).
func (l *Log) Load(ctx context.Context, stream string, from uint64, fold func(domain.Event)) (uint64, error) {
	size := loadPage
	if from > 0 {
		size = tailPage
	}
	page, err := l.read(ctx, stream, from, size)
	if err != nil {
		return 0, err
	}
	events, err := l.decode(page)
	if err != nil {
		return 0, err
	}
	for _, e := range events {
		fold(e)
	}
	version := from + uint64(len(page))
	if len(page) < size {
		return version, nil
	}
	return l.loadLong(ctx, stream, version, fold)
}

// read returns a page of stream from revision from; a stream that does not
// exist is an empty page, unless from says it had events.
func (l *Log) read(ctx context.Context, stream string, from uint64, size int) ([]eventstore.RecordedEvent, error) {
	page, err := l.store.ReadStream(ctx, stream, eventstore.Forwards, from, size)
	switch {
	case errors.Is(err, eventstore.ErrStreamNotFound) && from == 0:
		return nil, nil
	case errors.Is(err, eventstore.ErrStreamNotFound):
		return nil, fmt.Errorf("stream %s vanished after %d events: %w", stream, from, err)
	case err != nil:
		return nil, err
	}
	for i := range page {
		if page[i].Revision != from+uint64(i) {
			return nil, fmt.Errorf("read %s: revision %d at index %d from %d", stream, page[i].Revision, i, from)
		}
	}
	return page, nil
}

// decode returns the domain events of page, unknown ones without payload.
func (l *Log) decode(page []eventstore.RecordedEvent) ([]domain.Event, error) {
	events := make([]domain.Event, len(page))
	for i, r := range page {
		e, known, err := l.codec.Decode(r)
		if err != nil {
			return nil, err
		}
		if !known {
			e = domain.Event{Type: r.Type, SchemaVersion: r.SchemaVersion}
		}
		events[i] = e
	}
	return events, nil
}

// batch is one page on its way through loadLong.
type batch struct {
	n      int
	events []domain.Event
	err    error
	done   chan struct{} // closed when events or err is set
}

// loadLong folds a long stream from version on. Decoding costs about twice
// what reading does, so one goroutine reads pages ahead while each page is
// decoded on a goroutine of its own, and the caller folds the pages in
// order as they are ready: a cold load of a long stream uses every core.
func (l *Log) loadLong(ctx context.Context, stream string, version uint64, fold func(domain.Event)) (uint64, error) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()

	pages := make(chan *batch, readAhead)
	wg.Go(func() {
		defer close(pages)
		for from := version; ; {
			page, err := l.read(ctx, stream, from, loadPage)
			b := &batch{n: len(page), err: err, done: make(chan struct{})}
			if err != nil {
				close(b.done)
			} else {
				wg.Go(func() {
					defer close(b.done)
					b.events, b.err = l.decode(page)
				})
			}
			select {
			case pages <- b:
			case <-ctx.Done():
				return
			}
			if err != nil || len(page) < loadPage {
				return
			}
			from += uint64(len(page))
		}
	})

	for b := range pages {
		<-b.done
		if b.err != nil {
			return 0, b.err
		}
		for _, e := range b.events {
			fold(e)
		}
		version += uint64(b.n)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	return version, nil
}
