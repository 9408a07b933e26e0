package esdbtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/protos/gossip"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/serverfeatures"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// maxMessageSize matches the largest message the client accepts.
const maxMessageSize = 17 << 20

// Server is an in-process EventStoreDB test double listening on a TCP port.
// All methods are safe for concurrent use.
type Server struct {
	cfg  Config
	log  *txlog
	grpc *grpc.Server
	lis  net.Listener

	mu      sync.Mutex
	subs    map[uint64]context.CancelCauseFunc
	nextSub uint64
	closed  bool

	served chan struct{} // closed when Serve returns
}

// Start listens on cfg.Addr and serves the EventStoreDB client protocol until
// Close. ctx bounds only the start-up. The log starts with a few system
// events, as a fresh database does.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	var lc net.ListenConfig
	lis, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("esdbtest: listen on %s: %w", cfg.Addr, err)
	}
	s := &Server{
		cfg:    cfg,
		log:    newTxlog(cfg.ImplicitCommits),
		lis:    lis,
		subs:   make(map[uint64]context.CancelCauseFunc),
		served: make(chan struct{}),
	}
	s.seedSystemEvents()
	s.grpc = grpc.NewServer(
		grpc.MaxRecvMsgSize(maxMessageSize),
		grpc.MaxSendMsgSize(maxMessageSize),
		// The client pings every 10 s by default, also without calls in
		// flight; a real server accepts that.
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Millisecond, PermitWithoutStream: true}),
	)
	api.RegisterStreamsServer(s.grpc, &streamsService{srv: s})
	serverfeatures.RegisterServerFeaturesServer(s.grpc, &featuresService{version: cfg.ServerVersion})
	gossip.RegisterGossipServer(s.grpc, &gossipService{addr: lis.Addr().(*net.TCPAddr), id: uuid.New()})
	go func() {
		defer close(s.served)
		if err := s.grpc.Serve(lis); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			cfg.Logger.Error("esdbtest: serve", slog.Any("error", err))
		}
	}()
	cfg.Logger.Info("esdbtest: listening", slog.String("addr", lis.Addr().String()))
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.lis.Addr().String() }

// URL returns a connection string for esdb.ParseConnectionString that reaches
// this server without TLS.
func (s *Server) URL() string { return "esdb://" + s.Addr() + "?tls=false" }

// Close drops every open subscription (the client sees the drop as an
// error), waits up to ShutdownGrace for calls in flight and stops the server.
// It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	s.dropAll(errClosing)
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.cfg.ShutdownGrace)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		s.grpc.Stop()
		<-stopped
	}
	<-s.served
	s.cfg.Logger.Info("esdbtest: stopped", slog.String("addr", s.Addr()))
	return nil
}

// DropSubscriptions ends every live subscription the way a node going away
// does: the client's Recv returns a SubscriptionDropped event with an
// Unavailable error. A subscription blocked sending to a client that does
// not read ends once that client reads again (it first receives what was
// already sent). New subscriptions may be made afterwards.
func (s *Server) DropSubscriptions() {
	s.dropAll(errDropped)
}

func (s *Server) dropAll(cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, cancel := range s.subs {
		cancel(cause)
		delete(s.subs, id)
	}
}

// trackSubscription registers a subscription so that DropSubscriptions and
// Close can end it; the returned context carries the cause, release
// unregisters it.
func (s *Server) trackSubscription(ctx context.Context) (sctx context.Context, release func(), err error) {
	sctx, cancel := context.WithCancelCause(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		cancel(errClosing)
		return nil, nil, endedStatus(sctx)
	}
	id := s.nextSub
	s.nextSub++
	s.subs[id] = cancel
	return sctx, func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
		cancel(context.Canceled)
	}, nil
}

// now returns the server clock in .NET ticks (100 ns) since the Unix epoch,
// the unit of the "created" metadata.
func (s *Server) now() int64 { return s.cfg.Now().UnixNano() / 100 }

// seedSystemEvents writes what a fresh database holds before any client
// writes: system streams, whose names begin with "$". They show up in $all,
// so readers of $all must filter them out like they would on a real server.
func (s *Server) seedSystemEvents() {
	seed := []struct {
		stream, eventType string
		json              bool
		data              string
	}{
		{"$$$scavenges", "$metadata", true, `{"$maxAge":2592000}`},
		{"$$$stats-" + s.Addr(), "$metadata", true, `{"$maxAge":86400}`},
		{"$users", "$User", false, "admin"},
	}
	created := s.now()
	for i, e := range seed {
		s.log.append(e.stream, expectation{kind: expectAny}, []proposed{{
			id: uuid.UUID{0x5e, 0xed, 15: byte(i + 1)}, eventType: e.eventType, json: e.json, data: []byte(e.data), metadata: []byte{},
		}}, created)
	}
}
