package boardws

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/jointops/jointops/domain/marking"
	"github.com/jointops/jointops/infra/boards"
)

// reasons records the reasons OnDisconnect is told.
type reasons struct {
	mu  sync.Mutex
	got []string
}

func (r *reasons) add(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, reason)
}

func (r *reasons) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func TestHubTellsWhyEachConnectionEnded(t *testing.T) {
	tests := []struct {
		name string
		end  func(t *testing.T, f *hubFixture, c *websocket.Conn, s *fakeStream)
		want string
	}{
		{"slow consumer", func(t *testing.T, _ *hubFixture, c *websocket.Conn, s *fakeStream) {
			s.end(&boards.SlowError{})
			readUntilClose(t, c)
		}, DisconnectSlow},
		{"feed ended", func(t *testing.T, _ *hubFixture, c *websocket.Conn, s *fakeStream) {
			s.end(boards.ErrReset)
			readUntilClose(t, c)
		}, DisconnectUnavailable},
		{"client closed", func(t *testing.T, _ *hubFixture, c *websocket.Conn, _ *fakeStream) {
			msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye")
			if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			readUntilClose(t, c)
		}, DisconnectClientClosed},
		{"link broke", func(_ *testing.T, _ *hubFixture, c *websocket.Conn, _ *fakeStream) {
			_ = c.NetConn().Close()
		}, DisconnectError},
		{"hub shut down", func(t *testing.T, f *hubFixture, c *websocket.Conn, _ *fakeStream) {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				_ = f.hub.Shutdown(ctx)
			}()
			readUntilClose(t, c)
		}, DisconnectGoingAway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r reasons
			f := newHubFixture(t, Config{OnDisconnect: r.add})
			c, s := f.dial(t, "")
			eventually(t, "the hub counts the connection", func() bool { return f.hub.Len() == 1 })
			tt.end(t, f, c, s)
			eventually(t, "the disconnect is reported", func() bool { return len(r.list()) > 0 })
			if got := r.list(); !slices.Equal(got, []string{tt.want}) {
				t.Fatalf("reasons %v, want [%s]", got, tt.want)
			}
		})
	}
}

func TestHubCountsConnectionsPerAgency(t *testing.T) {
	f := newHubFixture(t, Config{})
	if got := f.hub.ConnectedByAgency(); len(got) != 0 {
		t.Fatalf("before any connection: %v", got)
	}
	c1, _ := f.dial(t, "")
	f.dial(t, "")
	eventually(t, "two connections", func() bool { return f.hub.Len() == 2 })
	// The fixture serves every board as the zero viewer.
	agency := marking.Viewer{}.Agency.String()
	if got := f.hub.ConnectedByAgency(); len(got) != 1 || got[agency] != 2 {
		t.Fatalf("connected %v, want %s: 2", got, agency)
	}
	c1.Close()
	eventually(t, "one connection left", func() bool {
		got := f.hub.ConnectedByAgency()
		return len(got) == 1 && got[agency] == 1
	})
}
