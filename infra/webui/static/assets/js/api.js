// The HTTP API as the page uses it: bearer token, JSON bodies, problem+json
// errors, fresh IDs for commands.

/** ProblemError is a refusal of the API (RFC 9457 problem details). */
export class ProblemError extends Error {
  constructor(status, problem) {
    const detail = problem?.detail || problem?.title || `HTTP ${status}`;
    const fields = (problem?.errors ?? []).map((e) => `${e.field}: ${e.problem}`);
    super(fields.length ? `${detail} (${fields.join("; ")})` : detail);
    this.name = "ProblemError";
    this.status = status;
    this.problem = problem ?? {};
  }
}

/**
 * request sends one API request and returns the parsed JSON answer; it
 * throws a ProblemError for any non-2xx answer and a TypeError when the
 * server cannot be reached.
 */
export async function request(method, path, token, body) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, cache: "no-store", credentials: "omit" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) throw new ProblemError(res.status, data);
  return data;
}

/**
 * newID returns a random (version 4) UUID: crypto.randomUUID where the
 * page is a secure context, otherwise built from crypto.getRandomValues,
 * which every context has.
 */
export function newID() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** path builds an API path from literal parts and IDs, escaping the IDs. */
export function path(strings, ...ids) {
  return strings.reduce((out, s, i) => out + s + (i < ids.length ? encodeURIComponent(ids[i]) : ""), "");
}
