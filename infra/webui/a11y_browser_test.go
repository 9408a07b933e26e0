package webui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// structureJS lists what keeps the page from being used without a mouse
// or a screen: landmarks, names of sections and controls, one h1.
const structureJS = `(() => {
  const bad = [];
  const count = (sel) => document.querySelectorAll(sel).length;
  if (count("body > header") !== 1) bad.push("one banner header");
  if (count("main") !== 1) bad.push("one main");
  if (count("body > footer") !== 1) bad.push("one contentinfo footer");
  if (count("nav[aria-label]") < 1) bad.push("a named nav");
  if (count("h1") !== 1) bad.push("one h1");
  if (document.documentElement.lang === "") bad.push("the page's language");
  for (const s of document.querySelectorAll("section")) {
    const id = s.getAttribute("aria-labelledby");
    if (!id || !document.getElementById(id)?.textContent.trim()) bad.push("name of section " + (s.id || s.className));
  }
  for (const c of document.querySelectorAll("input, select, textarea")) {
    if (c.type === "hidden") continue;
    if (c.labels.length === 0 && !c.getAttribute("aria-label")) bad.push("label of " + (c.id || c.name));
  }
  for (const b of document.querySelectorAll("button")) {
    if (!b.textContent.trim() && !b.getAttribute("aria-label")) bad.push("text of a button");
  }
  for (const svg of document.querySelectorAll("svg[role=img]")) {
    const ids = (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
    if (!ids.length || ids.some((id) => !document.getElementById(id))) bad.push("name of the map");
  }
  if (!document.querySelector("[role=status]#conn")) bad.push("the connection state as a status");
  return bad;
})()`

// contrastJS lists the visible text (outside the map's drawing) whose
// contrast with its background is below WCAG AA: 4.5:1, 3:1 for large
// text.
const contrastJS = `(() => {
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (const l of layers.reverse()) bg = over(l, bg);
    return bg;
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const bad = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest("svg, option, [hidden]") || el.getClientRects().length === 0) continue;
    const st = getComputedStyle(el);
    if (st.visibility !== "visible" || Number(st.opacity) === 0) continue;
    const bg = background(el);
    const fg = over(parse(st.color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(st.fontSize);
    const large = size >= 24 || (Number(st.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) bad.push(n.textContent.trim().slice(0, 40) + ": " + ratio.toFixed(2) + ":1");
  }
  return bad;
})()`

// TestBoardPageIsAccessible checks what a machine can check of the page's
// accessibility, for each role's page: landmarks and names, labels of every
// control, contrast of every visible text, and that the keyboard reaches
// the board and the switcher from the top of the page.
func TestBoardPageIsAccessible(t *testing.T) {
	e := newEnv(t)
	populate(t, e.api, e.world)
	tb := newTab(t, 1280, 900)
	commander, unit := e.world.commander[agencyAT], e.world.units["AT-7"]
	e.open(t, tb, commander, unit)
	for _, p := range []principal{commander, unit} {
		switchPrincipal(t, tb, p)
		nextFrame(t, tb)
		if bad := eval[[]string](t, tb, 10*time.Second, structureJS); len(bad) > 0 {
			t.Errorf("%s's page lacks: %s", p.role, strings.Join(bad, "; "))
		}
		if bad := eval[[]string](t, tb, 10*time.Second, contrastJS); len(bad) > 0 {
			t.Errorf("%s's page has text of too little contrast: %s", p.role, strings.Join(bad, "; "))
		}
	}

	// From the top: the skip link first, then the switcher; the skip link
	// takes the focus to the board.
	top := chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.scrollTo(0, 0)`)
	tb.do(t, 10*time.Second, top, chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, tb, 5*time.Second, `document.activeElement.className`); got != "skip" {
		t.Errorf("the first Tab focuses %q, want the skip link", got)
	}
	tb.do(t, 10*time.Second, chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, tb, 5*time.Second, `document.activeElement.id`); got != "principal" {
		t.Errorf("the second Tab focuses %q, want the agency switcher", got)
	}
	tb.do(t, 10*time.Second, chromedp.Reload()) // the focus starts from the top again
	waitFor(t, tb, 10*time.Second, "the board again", `document.querySelector("#conn").dataset.state === "live"`)
	tb.do(t, 10*time.Second, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter))
	waitFor(t, tb, 5*time.Second, "the focus on the board", `document.activeElement.id === "board"`)
	tb.console.check(t, false)
}
