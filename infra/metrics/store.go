package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/jointops/jointops/infra/eventstore"
)

// InstrumentStore returns store with its appends counted and timed; reads
// and subscriptions pass through untouched.
func (m *Metrics) InstrumentStore(store eventstore.Store) eventstore.Store {
	return &instrumentedStore{Store: store, m: m}
}

type instrumentedStore struct {
	eventstore.Store
	m *Metrics
}

func (s *instrumentedStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedRevision, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	start := time.Now()
	res, err := s.Store.Append(ctx, stream, expected, events...)
	s.m.appendLatency.Observe(time.Since(start).Seconds())
	switch {
	case err == nil:
		s.m.appends.WithLabelValues("ok").Inc()
		s.m.appendedEvents.Add(float64(len(events)))
	case errors.Is(err, eventstore.ErrWrongExpectedRevision):
		s.m.appends.WithLabelValues("conflict").Inc()
	default:
		s.m.appends.WithLabelValues("error").Inc()
	}
	return res, err
}
