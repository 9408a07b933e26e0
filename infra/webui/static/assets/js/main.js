// The board page: who the user is (the tokens of this tab), which
// operation, the live board, and the panels drawn from it.

import { byId, h, replace } from "./dom.js";
import { request } from "./api.js";
import { Session } from "./session.js";
import { LiveBoard } from "./live.js";
import { replayMode, ReplayBoard } from "./replay.js";
import { Names, label, shortID } from "./format.js";
import { drawMap, agencyColour } from "./map.js";
import * as panels from "./panels.js";
import { wireReportForm, wireTaskForm, fillUnits, pickPoint, acknowledge } from "./forms.js";

/** How often the page looks for operations while its agency has none. */
const OPERATIONS_POLL_MS = 3000;

const session = new Session();
// The replay settings of the address (?replay=1…), or null for the live board.
const replay = replayMode();
const names = new Names();
let states = [];
let live = null;
let view = null;
let position = "";
let operation = "";
let pollTimer = 0;
let frame = 0;

const ctx = {
  principal: () => session.active(),
  operation: () => operation,
};

/** getJSON reads a document of this page's own handler. */
async function getJSON(url) {
  const res = await fetch(url, { cache: "no-cache", credentials: "omit" });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** loadDemoTokens adds the demo server's ready-made tokens, if it has any. */
async function loadDemoTokens(config) {
  if (!config.demo_tokens) return;
  try {
    const list = await getJSON(config.demo_tokens);
    for (const t of list.tokens ?? []) {
      session.add(t.token, t);
      if (t.agency && t.agency_name) names.agencies.set(t.agency, t.agency_name);
    }
    if (list.operation_id && !session.operation) session.setOperation(list.operation_id);
  } catch {
    showNotice("The demo token list could not be read.");
  }
}

function showNotice(text) {
  replace(byId("notice"), text);
  byId("notice").hidden = !text;
}

/** setConnection shows the live connection's state. */
function setConnection(s) {
  const el = byId("conn");
  let text;
  switch (s.kind) {
    case "live":
      text = "live";
      break;
    case "behind":
      text = `${s.behind} behind`;
      break;
    case "connecting":
      text = "connecting";
      break;
    case "reconnecting":
      text = s.retryInMs ? `reconnecting (in ${Math.ceil(s.retryInMs / 1000)} s)` : "reconnecting";
      break;
    case "offline":
      text = "offline, waiting for the network";
      break;
    case "refused":
      text = `not connected: ${s.message}`;
      break;
    default:
      text = s.kind;
  }
  el.dataset.state = s.kind;
  el.textContent = text;
}

/** principalLabel names a principal in the switcher. */
function principalLabel(p) {
  const who = p.label || (p.role === "field_unit" ? `unit ${shortID(p.subject)}` : shortID(p.subject));
  return `${label(p.role)} — ${who}`;
}

/** fillPrincipals lists the tab's principals, grouped by agency. */
function fillPrincipals() {
  const select = byId("principal");
  const active = session.active();
  const groups = new Map();
  for (const p of session.principals) {
    const name = p.agencyName || names.agency(p.agency);
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(p);
  }
  replace(
    select,
    [...groups].map(([name, ps]) =>
      h(
        "optgroup",
        { label: name },
        ps.map((p) => h("option", { value: p.token, selected: p === active }, principalLabel(p))),
      ),
    ),
  );
  select.disabled = session.principals.length === 0;
  byId("signin").hidden = session.principals.length > 0;
  byId("whoami").textContent = active ? `${active.agencyName || names.agency(active.agency)}, ${principalLabel(active)}` : "nobody";
}

/** chooseOperation loads the agency's operations and opens one. */
async function chooseOperation() {
  clearTimeout(pollTimer);
  const p = session.active();
  const select = byId("operation");
  if (!p) {
    replace(select);
    select.disabled = true;
    setConnection({ kind: "refused", message: "no token; add one below" });
    return;
  }
  let ops = [];
  try {
    const res = await request("GET", "/v1/operations", p.token);
    ops = res?.operations ?? [];
  } catch (err) {
    if (session.active() !== p) return;
    setConnection({ kind: "refused", message: err.status ? err.message : "the server cannot be reached" });
    // A refused token stays refused; anything else may pass.
    if (err.status !== 401 && err.status !== 403) pollTimer = setTimeout(chooseOperation, OPERATIONS_POLL_MS);
    return;
  }
  if (session.active() !== p) return; // switched meanwhile
  replace(
    select,
    ops.map((o) => h("option", { value: o.operation_id }, `${o.purpose || shortID(o.operation_id)} (${label(o.status)})`)),
  );
  select.disabled = ops.length === 0;
  if (!ops.length) {
    showNotice("This agency takes part in no operation yet; the page will open one as soon as it does.");
    setConnection({ kind: "connecting" });
    pollTimer = setTimeout(chooseOperation, OPERATIONS_POLL_MS);
    return;
  }
  showNotice("");
  const wanted =
    ops.find((o) => o.operation_id === session.operation) ?? ops.find((o) => o.status === "active") ?? ops[0];
  select.value = wanted.operation_id;
  open(wanted.operation_id);
}

/** open follows the board of op as the active principal. */
function open(op) {
  live?.stop();
  operation = op;
  session.setOperation(op);
  view = null;
  position = "";
  render();
  const p = session.active();
  const board = {
    operation: op,
    token: p.token,
    onView: (v, pos) => {
      view = v;
      position = pos;
      schedule();
    },
    onState: setConnection,
  };
  live = replay ? new ReplayBoard({ ...board, replay }) : new LiveBoard(board);
  live.start();
}

/** schedule renders at the next frame: many deltas, one paint. */
function schedule() {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

/** render redraws the panels from the view, keeping the focus in place. */
function render() {
  const focusKey = document.activeElement?.dataset?.focusKey;
  const v = view ?? {};
  names.learnUnits(v);
  const p = session.active();
  const title = view ? v.purpose || `Operation ${shortID(v.operation_id)}` : "Situation board";
  byId("op-title").textContent = title;
  document.title = `${title} — Jointops`;
  byId("position").textContent = position ? `position ${position}` : "";
  replace(byId("summary"), view ? panels.summary(v, names) : h("p", { class: "empty" }, "Waiting for the board…"));
  replace(byId("map"), drawMap({ view: v, states, names, onPick: pickPoint, pixelWidth: byId("map").clientWidth }));
  replace(byId("legend"), legend(v));
  replace(byId("command"), panels.command(v, names));
  replace(byId("units"), panels.units(v, names));
  replace(
    byId("tasks"),
    panels.tasks(v, names, p?.role === "field_unit" ? p.subject : "", (t) => acknowledge(ctx, t)),
  );
  replace(byId("significant"), panels.significant(v, names));
  replace(byId("reports"), panels.reports(v, names));
  replace(byId("flags"), panels.flags(v, names));
  fillUnits(v, names);
  byId("report-panel").hidden = p?.role !== "field_unit";
  byId("task-panel").hidden = p?.role !== "commander";
  byId("no-actions").hidden = p?.role === "field_unit" || p?.role === "commander";
  if (focusKey) document.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function legend(v) {
  return [
    (v.participants ?? []).map((p) =>
      h("li", {}, h("span", { class: "swatch", style: { "--swatch": agencyColour(v, p.agency) }, "aria-hidden": "true" }), names.agency(p.agency)),
    ),
    h("li", {}, h("span", { class: "key key-area", "aria-hidden": "true" }), "area of operations"),
    h("li", {}, h("span", { class: "key key-incident", "aria-hidden": "true" }), "incident (report with a point)"),
  ];
}

/**
 * switchTo views the board as another principal. The board shown so far
 * goes at once: it is another agency's view.
 */
function switchTo(token) {
  session.use(token);
  fillPrincipals();
  live?.stop();
  live = null;
  view = null;
  position = "";
  render();
  setConnection({ kind: "connecting" });
  chooseOperation();
}

function wireSwitchers() {
  window.addEventListener("resize", schedule);
  byId("principal").addEventListener("change", (ev) => switchTo(ev.target.value));
  byId("operation").addEventListener("change", (ev) => open(ev.target.value));
  byId("signin-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = byId("signin-token");
    const p = session.add(input.value);
    input.value = "";
    if (p) switchTo(p.token);
    else showNotice("That token has expired; ask for a new one.");
  });
  byId("forget").addEventListener("click", () => {
    live?.stop();
    session.forget();
    view = null;
    fillPrincipals();
    chooseOperation();
    render();
  });
}

async function main() {
  session.takeFragment();
  wireSwitchers();
  wireReportForm(ctx);
  wireTaskForm(ctx);
  let config = {};
  try {
    config = await getJSON("config.json");
  } catch {
    config = {};
  }
  await loadDemoTokens(config);
  for (const p of session.principals) if (p.agencyName) names.agencies.set(p.agency, p.agencyName);
  try {
    states = (await getJSON("map.json")).states ?? [];
  } catch {
    states = [];
  }
  fillPrincipals();
  render();
  if (replay && session.active() && (replay.operation || session.operation)) open(replay.operation || session.operation);
  else await chooseOperation();
}

// The board as the page holds it, for people debugging in the browser's
// console and for the browser tests; read it, never change it.
globalThis.jointopsBoard = Object.freeze({
  get view() {
    return view;
  },
  get position() {
    return position;
  },
  get snapshots() {
    return live?.snapshots ?? 0;
  },
  get principal() {
    const p = session.active();
    return p ? { agency: p.agency, role: p.role, subject: p.subject } : null;
  },
});

main();
