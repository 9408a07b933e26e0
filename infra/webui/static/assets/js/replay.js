// Replay mode of the board page (docs/API.md, "Replay"): the page opened
// with ?replay=1 plays an operation's history instead of following its
// live board. The server sends the live board's frames — a snapshot, then
// deltas — so the page renders them with the same code (apply.js and the
// panels); this module adds the connection, the controls (play/pause,
// step, speed, seek by time or position) and a banner that says, always,
// that this is a replay and as of when.
//
// URL: /?replay=1&operation=<id>&purpose=<why>[&from=<position> |
// &from_time=<RFC 3339>][&speed=1..1000|max][&as_agency=<id>]; the token
// comes as on the live page (the fragment or the sign-in form).

import { applyDelta } from "./apply.js";
import { path } from "./api.js";
import { byId, h, replace } from "./dom.js";
import { SUBPROTOCOL, BEARER_PREFIX } from "./live.js";

/** The speeds offered; "max" streams as fast as the page reads. */
export const SPEEDS = ["1", "2", "5", "10", "50", "100", "500", "1000", "max"];

/**
 * replayMode reads the replay settings of the page's address, or returns
 * null when the page is not in replay mode.
 */
export function replayMode(search = window.location.search) {
  const q = new URLSearchParams(search);
  if (q.get("replay") !== "1") return null;
  return {
    operation: q.get("operation") ?? "",
    purpose: q.get("purpose") || "replay from the board page",
    from: q.get("from") ?? "",
    fromTime: q.get("from_time") ?? "",
    speed: SPEEDS.includes(q.get("speed")) ? q.get("speed") : "1",
    asAgency: q.get("as_agency") ?? "",
  };
}

/**
 * ReplayBoard plays one operation's history as one principal. It has the
 * shape of LiveBoard (start, stop, snapshots; onView(view, position) and
 * onState(state)), so the page swaps one for the other, and adds the
 * controls: play, pause, step, setSpeed, seekPosition, seekTime.
 */
export class ReplayBoard {
  constructor({ operation, token, onView, onState, replay }) {
    this.operation = operation;
    this.token = token;
    this.onView = onView;
    this.onState = onState;
    this.settings = replay;
    this.view = null;
    this.position = "";
    this.snapshots = 0;
    this.status = { state: "connecting", speed: replay.speed, clock: "" };
    this.lastError = "";
    this.ws = null;
    this.controls = null;
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const q = new URLSearchParams({ purpose: this.settings.purpose, speed: this.settings.speed });
    if (this.settings.from) q.set("from", this.settings.from);
    else if (this.settings.fromTime) q.set("from_time", this.settings.fromTime);
    if (this.settings.asAgency) q.set("as_agency", this.settings.asAgency);
    return `${scheme}//${window.location.host}${path`/v1/operations/${this.operation}/replay`}?${q}`;
  }

  /** start opens the replay and shows its banner and controls. */
  start() {
    document.body.dataset.mode = "replay";
    this.controls = mountControls(this);
    this.state({ kind: "connecting" });
    let ws;
    try {
      ws = new WebSocket(this.url(), [SUBPROTOCOL, BEARER_PREFIX + this.token]);
    } catch (err) {
      this.state({ kind: "refused", message: `cannot open the replay: ${err.message}` });
      return;
    }
    this.ws = ws;
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      // A replay is not resumed by itself: the investigator reopens it
      // (and the reopening is recorded like any other read of history).
      const why = ev.code === 1006 ? "refused or unreachable (check the token, role and purpose)" : ev.reason || `closed (${ev.code})`;
      this.state({ kind: "refused", message: `replay ended: ${why}` });
    };
  }

  /** stop closes the replay for good. */
  stop() {
    const ws = this.ws;
    this.ws = null;
    this.controls?.remove();
    this.controls = null;
    delete document.body.dataset.mode;
    if (!ws) return;
    ws.onmessage = ws.onclose = null;
    if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000, "replay closed");
    else ws.close(1000, "replay closed");
  }

  receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    switch (msg.type) {
      case "snapshot":
        this.view = msg.board ?? {};
        this.position = msg.position ?? "";
        this.snapshots++;
        this.onView(this.view, this.position);
        break;
      case "delta":
        if (!this.view) return;
        applyDelta(this.view, msg);
        this.position = msg.position ?? this.position;
        if (msg.at) this.status.clock = msg.at;
        this.onView(this.view, this.position);
        break;
      case "replay":
        this.status = { state: msg.state, speed: String(msg.speed), clock: msg.clock ?? "", events: msg.events ?? 0 };
        this.lastError = "";
        this.state({ kind: "replay" });
        break;
      case "error":
        this.lastError = msg.detail || msg.code;
        this.state({ kind: "replay" });
        break;
      default:
    }
    this.controls?.update();
  }

  send(control) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(control));
  }

  play() {
    this.send({ type: "play" });
  }

  pause() {
    this.send({ type: "pause" });
  }

  step() {
    this.send({ type: "step" });
  }

  setSpeed(speed) {
    this.send({ type: "speed", speed: speed === "max" ? "max" : Number(speed) });
  }

  seekPosition(position) {
    this.send({ type: "seek", position });
  }

  seekTime(date) {
    this.send({ type: "seek", time: date.toISOString() });
  }

  state(s) {
    this.onState?.(s);
    this.controls?.update();
  }
}

/** loadStyle adds the replay's stylesheet once. */
function loadStyle() {
  if (document.getElementById("replay-css")) return;
  document.head.append(h("link", { id: "replay-css", rel: "stylesheet", href: "assets/replay.css" }));
}

/**
 * mountControls puts the banner and the controls above the board and
 * returns {update, remove}.
 */
function mountControls(rb) {
  loadStyle();
  const banner = h("p", { id: "replay-banner", class: "replay-banner", role: "status", "aria-live": "polite" }, "REPLAY");
  const playPause = h("button", { id: "replay-play", type: "button" }, "Pause");
  const step = h("button", { id: "replay-step", type: "button" }, "Step");
  const speed = h(
    "select",
    { id: "replay-speed", "aria-label": "Speed" },
    SPEEDS.map((s) => h("option", { value: s, selected: s === rb.settings.speed }, s === "max" ? "max" : `${s}×`)),
  );
  const slider = h("input", { id: "replay-time", type: "range", min: "0", max: "1000", value: "0", "aria-label": "Seek to a time" });
  const position = h("input", { id: "replay-position", type: "text", placeholder: "position", "aria-label": "Seek to a position", size: "12" });
  const go = h("button", { id: "replay-seek", type: "submit" }, "Go");
  const message = h("span", { id: "replay-message", class: "replay-message" });
  const form = h("form", { class: "replay-seek" }, position, go);
  const bar = h(
    "section",
    { id: "replay-bar", class: "replay-bar", "aria-label": "Replay controls" },
    banner,
    h("div", { class: "replay-controls" }, playPause, step, h("label", { for: "replay-speed" }, "Speed"), speed, slider, form, message),
  );
  playPause.addEventListener("click", () => (rb.status.state === "playing" ? rb.pause() : rb.play()));
  step.addEventListener("click", () => rb.step());
  speed.addEventListener("change", () => rb.setSpeed(speed.value));
  slider.addEventListener("change", () => {
    const range = periodOf(rb.view);
    if (range) rb.seekTime(new Date(range.start + ((range.end - range.start) * Number(slider.value)) / 1000));
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (position.value.trim()) rb.seekPosition(position.value.trim());
  });
  const main = byId("board");
  main.parentNode.insertBefore(bar, main);
  return {
    remove: () => bar.remove(),
    update: () => {
      const st = rb.status;
      const asOf = st.clock ? new Date(st.clock).toISOString().replace(".000Z", "Z") : "the start of the history";
      replace(banner, `REPLAY — as of ${asOf}`, h("span", { class: "replay-state" }, ` · ${st.state}`));
      banner.dataset.state = st.state;
      playPause.textContent = st.state === "playing" ? "Pause" : "Play";
      step.disabled = st.state !== "paused";
      if (document.activeElement !== speed) speed.value = st.speed;
      const range = periodOf(rb.view);
      if (range && st.clock && document.activeElement !== slider) {
        const t = Date.parse(st.clock);
        slider.value = String(Math.round(Math.min(1, Math.max(0, (t - range.start) / (range.end - range.start || 1))) * 1000));
      }
      message.textContent = rb.lastError;
    },
  };
}

/** periodOf is the operation's period in milliseconds, the slider's range. */
function periodOf(view) {
  const start = Date.parse(view?.period?.start ?? "");
  const end = Date.parse(view?.period?.end ?? "");
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return null;
  // Up to now for an operation still under way.
  const until = Math.min(end, Date.now());
  return { start, end: until > start ? until : end };
}
