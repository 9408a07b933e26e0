// The live board connection (docs/API.md, "Live boards"): a WebSocket that
// authenticates with the subprotocols "jointops.v1" and
// "jointops.bearer.<token>" (browsers cannot set an Authorization header),
// receives a snapshot then deltas, and heartbeats that say how far the
// boards are behind the event log. When the connection drops it comes
// back with ?after=<last position>, so the server sends exactly the deltas
// missed (or a fresh snapshot when it no longer holds them), waiting
// longer after each failure (exponential backoff with jitter).

import { applyDelta } from "./apply.js";
import { request, ProblemError, path } from "./api.js";

/** The protocol's subprotocol and the prefix of the token subprotocol. */
export const SUBPROTOCOL = "jointops.v1";
export const BEARER_PREFIX = "jointops.bearer.";

/** Reconnection delays: the first, the cap, and the no-message limit. */
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 10000;
const STALE_MS = 30000;

/**
 * LiveBoard follows one operation's board as one principal. onView(view,
 * position) is called after each snapshot or delta; onState(state) when
 * the connection state changes: {kind: "connecting" | "live" | "behind" |
 * "reconnecting" | "offline" | "refused", behind, retryInMs, message}.
 */
export class LiveBoard {
  constructor({ operation, token, onView, onState, backoffFirstMs, backoffMaxMs, staleMs }) {
    this.operation = operation;
    this.token = token;
    this.onView = onView;
    this.onState = onState;
    this.backoffFirst = backoffFirstMs ?? BACKOFF_FIRST_MS;
    this.backoffMax = backoffMaxMs ?? BACKOFF_MAX_MS;
    this.staleMs = staleMs ?? STALE_MS;
    this.view = null;
    this.position = "";
    this.snapshots = 0; // how many snapshots replaced the view
    this.failures = 0;
    this.ws = null;
    this.retryTimer = 0;
    this.staleTimer = 0;
    this.stopped = false;
    this.onOnline = () => {
      if (this.retryTimer) this.reconnectNow();
    };
  }

  /** start opens the connection. */
  start() {
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    this.connect();
  }

  /** stop closes the connection for good. */
  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    clearTimeout(this.retryTimer);
    clearTimeout(this.staleTimer);
    this.retryTimer = 0;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onmessage = ws.onclose = ws.onerror = null;
      if (ws.readyState === WebSocket.CONNECTING) {
        // Closing a connection still being opened makes the browser warn;
        // close it as soon as it opens instead.
        ws.onopen = () => ws.close(1000, "board closed");
      } else {
        ws.onopen = null;
        ws.close(1000, "board closed");
      }
    }
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    let u = `${scheme}//${window.location.host}${path`/v1/operations/${this.operation}/board/live`}`;
    if (this.position) u += `?after=${encodeURIComponent(this.position)}`;
    return u;
  }

  connect() {
    this.retryTimer = 0;
    this.state({ kind: this.failures === 0 && !this.view ? "connecting" : "reconnecting" });
    let ws;
    try {
      ws = new WebSocket(this.url(), [SUBPROTOCOL, BEARER_PREFIX + this.token]);
    } catch (err) {
      // A token that is not a valid subprotocol token (spaces, commas …).
      this.state({ kind: "refused", message: `cannot open the board: ${err.message}` });
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.watch();
    };
    ws.onmessage = (ev) => {
      this.watch();
      this.receive(ev.data);
    };
    ws.onerror = () => {
      // Followed by close, where the decision is taken.
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearTimeout(this.staleTimer);
      if (this.stopped) return;
      this.closed(ev, opened);
    };
  }

  /** watch restarts the no-message timer: a silent connection is dead. */
  watch() {
    clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      if (this.ws) this.ws.close(4000, "no heartbeat");
    }, this.staleMs);
  }

  receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return; // not a message of this protocol
    }
    switch (msg.type) {
      case "snapshot":
        this.view = msg.board ?? {};
        this.position = msg.position ?? "";
        this.snapshots++;
        this.failures = 0;
        this.state({ kind: "live", behind: 0 });
        this.onView(this.view, this.position);
        break;
      case "delta":
        if (!this.view) return; // deltas always follow a snapshot
        applyDelta(this.view, msg);
        this.position = msg.position ?? this.position;
        this.failures = 0;
        this.onView(this.view, this.position);
        break;
      case "heartbeat": {
        const behind = Number(msg.behind) || 0;
        this.state(behind > 0 ? { kind: "behind", behind } : { kind: "live", behind: 0 });
        break;
      }
      default:
      // A message type of a newer server: ignored.
    }
  }

  async closed(ev, opened) {
    if (!opened) {
      // The upgrade failed: the server is down, or it refused us (401,
      // 403, 404), which a browser's WebSocket cannot tell apart. Ask.
      const refusal = await this.probe();
      if (this.stopped) return;
      if (refusal) {
        this.state({ kind: "refused", message: refusal });
        return;
      }
    }
    this.failures++;
    const cap = Math.min(this.backoffMax, this.backoffFirst * 2 ** (this.failures - 1));
    let delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
    // A slow consumer resumes at once (docs/API.md), unless it keeps failing.
    if (ev.code === 4008 && this.failures === 1) delay = 0;
    const offline = navigator.onLine === false;
    this.state({ kind: offline ? "offline" : "reconnecting", retryInMs: delay, code: ev.code });
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** reconnectNow skips the rest of the wait. */
  reconnectNow() {
    clearTimeout(this.retryTimer);
    this.connect();
  }

  /**
   * probe asks the REST read of the same board why the upgrade failed; it
   * returns the refusal to show, or "" when the server is unreachable or
   * answers fine (then the board is retried).
   */
  async probe() {
    try {
      await request("GET", path`/v1/operations/${this.operation}/board/significant`, this.token);
      return "";
    } catch (err) {
      if (err instanceof ProblemError && [401, 403, 404].includes(err.status)) {
        return err.status === 401 ? "the token was not accepted (expired or not of this server)" : err.message;
      }
      return "";
    }
  }

  state(s) {
    this.onState?.(s);
  }
}
