package esdb_test

import (
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/jointops/jointops/infra/eventstore"
	"github.com/jointops/jointops/infra/eventstore/esdb"
	"github.com/jointops/jointops/infra/eventstore/esdbtest"
	"github.com/jointops/jointops/infra/eventstore/storetest"
)

// largeAppends is the server's MaxAppendSize for the contract suite, which
// appends a 1 MiB event with metadata and neighbours: more than a server's
// default limit of 1 MiB per append. A real server needs the same setting.
const largeAppends = 4 << 20

// TestContract runs the port's contract suite on the esdbtest server, a
// fresh one per test, in both position layouts a server uses.
func TestContract(t *testing.T) {
	for _, layout := range []struct {
		name     string
		implicit bool
	}{
		{"ExplicitCommits", false},
		{"ImplicitCommits", true},
	} {
		t.Run(layout.name, func(t *testing.T) {
			t.Parallel()
			servers := serverRegistry{byStore: make(map[eventstore.Store]*esdbtest.Server)}
			storetest.Run(t, storetest.Harness{
				New: func(t *testing.T) eventstore.Store {
					srv := startServer(t, esdbtest.Config{ImplicitCommits: layout.implicit, MaxAppendSize: largeAppends})
					s := openStore(t, esdb.Config{ConnectionString: srv.URL()})
					servers.add(s, srv)
					return s
				},
				Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
					srv := servers.of(t, s)
					if err := s.Close(); err != nil {
						t.Fatalf("Close before reopening: %v", err)
					}
					r := openStore(t, esdb.Config{ConnectionString: srv.URL()})
					servers.add(r, srv)
					return r
				},
				Tamper: func(t *testing.T, s eventstore.Store, kind storetest.TamperKind, stream string, revision uint64) {
					t.Helper()
					srv := servers.of(t, s)
					var err error
					switch kind {
					case storetest.TamperPayload:
						err = srv.TamperFlipDataByte(stream, revision, 0)
					case storetest.TamperDelete:
						err = srv.TamperDelete(stream, revision)
					case storetest.TamperSwap:
						err = srv.TamperSwap(stream, revision, revision+1)
					default:
						t.Fatalf("unknown tamper kind %v", kind)
					}
					if err != nil {
						t.Fatalf("tamper %v %s/%d: %v", kind, stream, revision, err)
					}
				},
				// The test server runs in this process, over gRPC on
				// loopback: shrink the heavy tests to keep the package fast
				// (at Scale 1 one layout takes about 30 s with -race, and passes).
				Scale: 0.2,
			})
		})
	}
}

// TestContractRealServer runs the contract suite against the EventStoreDB
// (or KurrentDB) server at JOINTOPS_ESDB_URL. A real server cannot be
// emptied per test, so each test's store gets a namespace of its own.
func TestContractRealServer(t *testing.T) {
	url := os.Getenv("JOINTOPS_ESDB_URL")
	if url == "" {
		t.Skip("JOINTOPS_ESDB_URL not set: no EventStoreDB server to run the contract suite against (e.g. JOINTOPS_ESDB_URL='esdb://localhost:2113?tls=false')")
	}
	namespaces := sync.Map{} // eventstore.Store → namespace
	open := func(t *testing.T, ns string) eventstore.Store {
		s := openStore(t, esdb.Config{ConnectionString: url, Namespace: ns})
		namespaces.Store(s, ns)
		return s
	}
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) eventstore.Store { return open(t, "contract-"+uuid.NewString()) },
		Reopen: func(t *testing.T, s eventstore.Store) eventstore.Store {
			ns, ok := namespaces.Load(s)
			if !ok {
				t.Fatal("reopen: store not opened by the harness")
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close before reopening: %v", err)
			}
			return open(t, ns.(string))
		},
		Scale: 0.2,
	})
}

// serverRegistry remembers which test server backs which store.
type serverRegistry struct {
	mu      sync.Mutex
	byStore map[eventstore.Store]*esdbtest.Server
}

func (r *serverRegistry) add(s eventstore.Store, srv *esdbtest.Server) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byStore[s] = srv
}

func (r *serverRegistry) of(t *testing.T, s eventstore.Store) *esdbtest.Server {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	srv, ok := r.byStore[s]
	if !ok {
		t.Fatal("store not opened by the harness")
	}
	return srv
}

// startServer starts an esdbtest server that stops when the test ends.
func startServer(t testing.TB, cfg esdbtest.Config) *esdbtest.Server {
	t.Helper()
	srv, err := esdbtest.Start(t.Context(), cfg)
	if err != nil {
		t.Fatalf("start test server: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// openStore opens a Store with a logger that discards its output unless
// the test fails, and closes it when the test ends.
func openStore(t testing.TB, cfg esdb.Config) *esdb.Store {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(testHandler{t: t})
	}
	s, err := esdb.Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
