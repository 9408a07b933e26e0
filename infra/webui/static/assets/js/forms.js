// The two forms of the board: a field unit submits a report (an
// observation or its position), a commander issues a task. Both send
// commands to the HTTP API with a fresh command ID, so a retry after a
// lost answer (the same submission sent again) never records twice.

import { byId, h, replace } from "./dom.js";
import { request, newID, path } from "./api.js";

/** say shows the outcome of a form in its status region. */
function say(out, ok, text) {
  out.classList.toggle("error", !ok);
  out.classList.toggle("ok", ok);
  out.textContent = text;
}

/** Pending remembers the command of a submission until it is answered. */
class Pending {
  constructor() {
    this.key = "";
    this.ids = null;
  }

  /** ids returns the IDs for a submission: the same for the same input. */
  for(key) {
    if (key !== this.key) {
      this.key = key;
      this.ids = { command: newID(), entity: newID() };
    }
    return this.ids;
  }

  done() {
    this.key = "";
    this.ids = null;
  }
}

/**
 * wireReportForm makes the report form work; ctx gives the current
 * principal and operation.
 */
export function wireReportForm(ctx) {
  const form = byId("report-form");
  const out = byId("report-result");
  const kind = () => form.elements.namedItem("kind").value;
  const pending = new Pending();
  const sync = () => {
    const position = kind() === "position";
    byId("report-text-row").hidden = position;
    byId("report-source-row").hidden = !position;
    form.elements.namedItem("text").required = !position;
  };
  for (const r of form.querySelectorAll("input[name=kind]")) r.addEventListener("change", sync);
  sync();

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = ctx.principal();
    const op = ctx.operation();
    if (!p || !op) return;
    const f = form.elements;
    const lat = Number(f.namedItem("lat").value);
    const lon = Number(f.namedItem("lon").value);
    const point = { lat, lon };
    const accuracy = f.namedItem("accuracy").value;
    if (accuracy !== "") point.accuracy_m = Number(accuracy);
    const k = kind();
    const fields = k === "position" ? { point, source: f.namedItem("source").value } : { text: f.namedItem("text").value.trim(), point };
    const marking = { originator: p.agency, tlp: f.namedItem("tlp").value, evaluation: f.namedItem("evaluation").value };
    const ids = pending.for(JSON.stringify([p.token, op, k, fields, marking]));
    const body = { command_id: ids.command, occurred_at: new Date().toISOString(), report_id: ids.entity, marking, ...fields };
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    say(out, true, "Sending…");
    try {
      const res = await request("POST", path`/v1/operations/${op}/units/${p.subject}/reports/${k}`, p.token, body);
      pending.done();
      say(out, true, `Report recorded at position ${res?.position ?? "?"}${res?.late ? " (late)" : ""}.`);
      if (k === "observation") f.namedItem("text").value = "";
    } catch (err) {
      say(out, false, `Not recorded: ${err.message}${err.status ? "" : " — send again to retry"}`);
    } finally {
      submit.disabled = false;
    }
  });
}

/** pick fills the report form's point from a click on the map. */
export function pickPoint(lat, lon) {
  const form = document.getElementById("report-form");
  if (!form || form.closest("[hidden]")) return;
  form.elements.namedItem("lat").value = lat.toFixed(5);
  form.elements.namedItem("lon").value = lon.toFixed(5);
  const out = byId("report-result");
  say(out, true, `Point set from the map: ${lat.toFixed(5)}, ${lon.toFixed(5)}.`);
}

/** localInput renders a Date for a datetime-local input. */
function localInput(d) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** wireTaskForm makes the task form work. */
export function wireTaskForm(ctx) {
  const form = byId("task-form");
  const out = byId("task-result");
  const pending = new Pending();
  const now = new Date();
  form.elements.namedItem("start").value = localInput(now);
  form.elements.namedItem("end").value = localInput(new Date(now.getTime() + 4 * 3600 * 1000));

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const p = ctx.principal();
    const op = ctx.operation();
    if (!p || !op) return;
    const f = form.elements;
    const start = new Date(f.namedItem("start").value);
    const end = new Date(f.namedItem("end").value);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
      say(out, false, "The window must end after it starts.");
      return;
    }
    const constraints = f
      .namedItem("constraints")
      .value.split("\n")
      .map((c) => c.trim())
      .filter(Boolean);
    const terms = {
      unit: f.namedItem("unit").value,
      objective: f.namedItem("objective").value.trim(),
      window: { start: start.toISOString(), end: end.toISOString() },
    };
    if (constraints.length) terms.constraints = constraints;
    const ids = pending.for(JSON.stringify([p.token, op, terms]));
    const body = { command_id: ids.command, occurred_at: new Date().toISOString(), id: ids.entity, ...terms };
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    say(out, true, "Sending…");
    try {
      const res = await request("POST", path`/v1/operations/${op}/tasks`, p.token, body);
      pending.done();
      say(out, true, `Task issued at position ${res?.position ?? "?"}.`);
      f.namedItem("objective").value = "";
      f.namedItem("constraints").value = "";
    } catch (err) {
      say(out, false, `Not issued: ${err.message}${err.status ? "" : " — send again to retry"}`);
    } finally {
      submit.disabled = false;
    }
  });
}

/** fillUnits offers the view's units (checked in) in the task form. */
export function fillUnits(view, names) {
  const select = byId("task-unit");
  const chosen = select.value;
  const units = (view?.units ?? []).filter((u) => !u.checked_out);
  const options = units.map((u) =>
    h("option", { value: u.unit_id, selected: u.unit_id === chosen }, `${u.call_sign} (${names.agency(u.agency)})`),
  );
  const same =
    select.options.length === options.length && options.every((o, i) => select.options[i].value === o.value && select.options[i].text === o.text);
  if (!same) replace(select, options);
}

/** acknowledge sends the tasked unit's acknowledgement of a task revision. */
export async function acknowledge(ctx, task) {
  const p = ctx.principal();
  const op = ctx.operation();
  const out = byId("tasks-result");
  if (!p || !op) return;
  try {
    await request("POST", path`/v1/operations/${op}/tasks/${task.task_id}/acknowledge`, p.token, {
      command_id: newID(),
      occurred_at: new Date().toISOString(),
      revision: task.revision,
    });
    say(out, true, `Acknowledged revision ${task.revision} of “${task.objective}”.`);
  } catch (err) {
    say(out, false, `Not acknowledged: ${err.message}`);
  }
}
