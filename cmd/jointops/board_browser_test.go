package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDemoBoardInBrowser opens the board link `make run` prints, in a real
// headless Chromium, against the wired server: the page connects, goes
// live, and shows the demo operation's units and significant events. The
// screenshot is the README's (docs/demo-board.png, rewritten when
// JOINTOPS_UPDATE_SCREENSHOT=1). It skips without a browser unless
// JOINTOPS_REQUIRE_BROWSER=1 (CI), like the page's own tests in
// infra/webui.
func TestDemoBoardInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	exe := chromiumPath(t)
	t.Setenv("JOINTOPS_STORE", "")
	t.Setenv("JOINTOPS_TOKEN_KEY", "")
	_, stdout, log := startServeOut(t, "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--demo")
	link := regexp.MustCompile(`(http://\S+/#op=\S+&token=\S+)`)
	deadline := time.Now().Add(20 * time.Second)
	var url string
	for url == "" {
		if m := link.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no board link printed:\n%s\n%s", stdout.String(), log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.DisableGPU, chromedp.NoSandbox,
		chromedp.WindowSize(1600, 1000), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("hide-scrollbars", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()

	run := func(what string, a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatalf("board page: %s: %v\nserver log:\n%s", what, err, log.String())
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("`+sel+`").textContent`))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	run("open", chromedp.Navigate(url))
	// Live, with the simulator's first reports on the board.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#conn").dataset.state === "live" &&
		document.querySelectorAll("#units tr, #units li").length > 3 &&
		document.querySelector("#significant").textContent.length > 40`, chromedp.WithPollingTimeout(40*time.Second))); err != nil {
		t.Fatalf("board never went live with units: %v (state %q)\nserver log:\n%s", err, text("#conn"), log.String())
	}
	time.Sleep(3 * time.Second) // let the tracks grow for the picture
	state, units := text("#conn"), text("#units")
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(state, "live") {
		t.Errorf("connection state %q, want live", state)
	}
	if !strings.Contains(units, "Wegscheid") && !strings.Contains(units, "BPOL") {
		t.Errorf("units panel does not show the demo's units:\n%s", units)
	}
	dir := os.Getenv("TMPDIR")
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(filepath.Join(dir, "artifacts"), 0o755); err == nil {
		os.WriteFile(filepath.Join(dir, "artifacts", "demo-board.png"), shot, 0o644)
	}
	if os.Getenv("JOINTOPS_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "demo-board.png"), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// chromiumPath returns the browser to drive, or skips (fails under
// JOINTOPS_REQUIRE_BROWSER=1) when there is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("JOINTOPS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found: the demo board browser test is not run"
	if os.Getenv("JOINTOPS_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg + ", but JOINTOPS_REQUIRE_BROWSER=1 requires it")
	}
	t.Skip(msg)
	return ""
}
