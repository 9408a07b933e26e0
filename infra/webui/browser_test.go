package webui_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium (or any Chrome) headless. They
// skip, saying so, when no browser is installed; CI sets
// JOINTOPS_REQUIRE_BROWSER=1, which turns the skip into a failure.

// requireBrowserEnv makes a missing browser fail the tests instead of
// skipping them.
const requireBrowserEnv = "JOINTOPS_REQUIRE_BROWSER"

// chromiumEnv names a browser binary to use instead of looking one up.
const chromiumEnv = "JOINTOPS_CHROMIUM"

// browserPath returns the browser to drive, or skips (fails under
// JOINTOPS_REQUIRE_BROWSER=1) when there is none.
func browserPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", chromiumEnv, p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium or Chrome found (install Debian's chromium, or set " + chromiumEnv + "): browser tests of the board page not run"
	if os.Getenv(requireBrowserEnv) == "1" {
		t.Fatalf("%s, but %s=1 requires them", msg, requireBrowserEnv)
	}
	t.Skip(msg)
	return ""
}

// console keeps what a tab wrote to its console: calls of the console API,
// uncaught exceptions and entries of the browser log.
type console struct {
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
}

func (c *console) add(m chromedp.ConsoleMessage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.messages = append(c.messages, m)
}

// problems returns the errors and warnings the page caused: console.error
// and console.warn calls, uncaught exceptions and unhandled rejections, and
// browser-log errors. allowNetwork excuses the browser's own network
// errors (a WebSocket or fetch failing while the test has the server down).
func (c *console) problems(allowNetwork bool) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.messages {
		switch {
		case m.IsException():
		case m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning:
			if allowNetwork && m.Source == "network" {
				continue
			}
		default:
			continue
		}
		out = append(out, m.String()+" ("+m.URL+")")
	}
	return out
}

// check fails the test for every console problem of the tab.
func (c *console) check(t *testing.T, allowNetwork bool) {
	t.Helper()
	for _, p := range c.problems(allowNetwork) {
		t.Errorf("browser console: %s", p)
	}
}

// tab is one headless browser tab with its console.
type tab struct {
	ctx     context.Context
	console *console
}

// newTab starts a headless browser with one tab of the given size; it and
// the browser end with the test.
func newTab(t *testing.T, width, height int) *tab {
	t.Helper()
	exe := browserPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.WindowSize(width, height),
		chromedp.Flag("hide-scrollbars", true),
	)
	// Start the browser before anything else uses the context, and with a
	// fresh context for each attempt: chromedp allocates again on the next
	// action after a failed start, and two allocations of one context
	// panic (close of a closed channel) when their browsers exit. A start
	// can fail on a loaded machine (the browser is slow to answer), so it
	// is tried three times.
	var ctx context.Context
	for attempt := 1; ; attempt++ {
		// A profile directory of its own: a browser that failed to start
		// may have left its lock in the one before.
		attemptOpts := append(opts[:len(opts):len(opts)], chromedp.UserDataDir(t.TempDir()))
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), attemptOpts...)
		tabCtx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
		t.Cleanup(func() {
			cancelCtx()
			cancelAlloc()
		})
		err := chromedp.Do(tabCtx)
		if err == nil {
			ctx = tabCtx
			break
		}
		cancelCtx()
		cancelAlloc()
		if attempt == 3 {
			t.Fatalf("start the browser: %v", err)
		}
		t.Logf("start the browser (attempt %d): %v", attempt, err)
	}
	c := &console{}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			c.add(m)
		}
	}()
	return &tab{ctx: ctx, console: c}
}

// do runs actions with a timeout, failing the test on error.
func (tb *tab) do(t *testing.T, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value.
func eval[T any](t *testing.T, tb *tab, timeout time.Duration, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browser: evaluate %.80q: %v", expr, err)
	}
	return v
}

// saveArtifact keeps a file for people to look at, in t.ArtifactDir (kept
// when go test runs with -artifacts) and in $TMPDIR/artifacts (always
// kept), and returns the latter path.
func saveArtifact(t *testing.T, name string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name), data, 0o644); err != nil {
		t.Errorf("artifact %s: %v", name, err)
	}
	dir := filepath.Join(os.TempDir(), "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts: %v", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("artifact %s: %v", name, err)
	}
	t.Logf("artifact: %s", path)
	return path
}

// jsString quotes s as a JavaScript string literal (JSON is one).
func jsString(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("quote: %v", err)
	}
	return string(b)
}
