// The tokens this browser tab may act with: those given in the page's
// fragment (#token=…&token=…&op=…), those the demo server lists, and
// those pasted in; kept in sessionStorage, so they live as long as the tab
// and never reach another tab or the disk beyond the browser's session.

const STORE = "jointops.board.tokens";
const CURRENT = "jointops.board.current";
const OPERATION = "jointops.board.operation";

/**
 * claims reads a Jointops token's claims ("jo1.<payload>.<signature>")
 * for display only: the server verifies tokens, the page never trusts
 * them. null when the token is not of that form.
 */
export function claims(token) {
  if (typeof token !== "string" || !token.startsWith("jo1.")) return null;
  const dot = token.lastIndexOf(".");
  if (dot <= 4) return null;
  try {
    const b64 = token.slice(4, dot).replaceAll("-", "+").replaceAll("_", "/");
    const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    const json = new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    const c = JSON.parse(json);
    if (typeof c.agency !== "string" || typeof c.role !== "string") return null;
    return c;
  } catch {
    return null;
  }
}

/** Principal is one token with what the page shows about it. */
function principal(token, extra = {}) {
  const c = claims(token) ?? {};
  return {
    token,
    agency: extra.agency ?? c.agency ?? "",
    agencyName: extra.agency_name ?? "",
    role: extra.role ?? c.role ?? "",
    subject: extra.subject ?? c.sub ?? "",
    label: extra.label ?? "",
    expires: c.exp ?? "",
  };
}

/** expired reports whether a principal's token is past its expiry. */
function expired(p) {
  const t = Date.parse(p.expires ?? "");
  return Number.isFinite(t) && t <= Date.now();
}

/** Session holds the tab's principals and which one is in use. */
export class Session {
  constructor(storage = window.sessionStorage) {
    this.storage = storage;
    this.principals = [];
    this.operation = "";
    try {
      const saved = JSON.parse(storage.getItem(STORE) ?? "[]");
      if (Array.isArray(saved)) this.principals = saved.filter((p) => p && typeof p.token === "string" && !expired(p));
    } catch {
      this.principals = [];
    }
    this.current = storage.getItem(CURRENT) ?? "";
    this.operation = storage.getItem(OPERATION) ?? "";
  }

  /**
   * takeFragment adds the tokens of the page's fragment, remembers its
   * operation, and removes both from the address bar so a token is not
   * left on screen or in the history.
   */
  takeFragment(loc = window.location, history = window.history) {
    const params = new URLSearchParams(loc.hash.replace(/^#/, ""));
    const tokens = params.getAll("token").filter(Boolean);
    for (const t of tokens) this.add(t);
    if (tokens.length) this.use(tokens[0]);
    const op = params.get("op");
    if (op) this.setOperation(op);
    if (tokens.length || op) history.replaceState(null, "", loc.pathname + loc.search);
  }

  /** add keeps a token (with what the demo list says about it). */
  add(token, extra) {
    const p = principal(token.trim(), extra);
    if (!p.token || expired(p)) return null;
    const i = this.principals.findIndex((q) => q.token === p.token);
    if (i >= 0) this.principals[i] = { ...this.principals[i], ...Object.fromEntries(Object.entries(p).filter(([, v]) => v)) };
    else this.principals.push(p);
    this.save();
    return p;
  }

  /** use makes the principal with this token current. */
  use(token) {
    this.current = token;
    this.storage.setItem(CURRENT, token);
  }

  /** active is the current principal, or the first one, or null. */
  active() {
    return this.principals.find((p) => p.token === this.current) ?? this.principals[0] ?? null;
  }

  setOperation(op) {
    this.operation = op;
    this.storage.setItem(OPERATION, op);
  }

  /** forget drops every token of the tab. */
  forget() {
    this.principals = [];
    this.current = "";
    this.storage.removeItem(STORE);
    this.storage.removeItem(CURRENT);
  }

  save() {
    this.storage.setItem(STORE, JSON.stringify(this.principals));
  }
}
