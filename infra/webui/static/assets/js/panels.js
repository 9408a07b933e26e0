// The text panels of the board: the operation summary, the unified command
// and org chart with the current holders, units and their status, open
// tasks with their acknowledgement, the significant-events log, field
// reports and compliance flags. Each function returns fresh nodes from a
// view; main.js swaps them in.

import { h } from "./dom.js";
import { time, dateTime, period, label, shortID } from "./format.js";
import { agencyColour, reportKind, reportPoint } from "./map.js";

/** summary is the operation's header: status, lead, states, periods. */
export function summary(view, names) {
  const op = (view.operational_periods ?? []).find((p) => p.number === view.current_period);
  const items = [
    ["Status", h("span", { class: `badge status-${view.status ?? "unknown"}` }, label(view.status ?? "unknown"))],
    ["Lead", view.lead ? names.agency(view.lead) : "—"],
    ["Host states", (view.host_states ?? []).join(", ") || "—"],
    ["Period", period(view.period) || "—"],
    ["Legal basis", (view.legal_basis ?? []).map((l) => [l.instrument, l.provision].filter(Boolean).join(" ")).join("; ") || "—"],
    ["Operational period", op ? `${op.number}: ${period(op.period)}` : "none current"],
    ["As of", dateTime(view.as_of) || "—"],
  ];
  return [
    h("dl", { class: "facts" }, items.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    op && (op.objectives ?? []).length
      ? h("div", { class: "objectives" }, h("h3", {}, "Objectives"), h("ul", {}, op.objectives.map((o) => h("li", {}, o))))
      : null,
    participants(view, names),
  ];
}

function participants(view, names) {
  const list = view.participants ?? [];
  if (!list.length) return null;
  return h(
    "div",
    { class: "participants" },
    h("h3", {}, "Participants"),
    h(
      "ul",
      { class: "legend" },
      list.map((p) =>
        h(
          "li",
          {},
          h("span", { class: "swatch", style: { "--swatch": agencyColour(view, p.agency) }, "aria-hidden": "true" }),
          `${names.agency(p.agency)}${p.lead ? " (lead)" : ""}`,
          p.agreed ? "" : h("span", { class: "muted" }, " — not agreed to the current arrangement"),
        ),
      ),
    ),
  );
}

/** command is the org chart: org units as a tree, positions with holders. */
export function command(view, names) {
  const orgUnits = view.org_units ?? [];
  const positions = view.positions ?? [];
  const units = view.units ?? [];
  if (!orgUnits.length && !positions.length) return [h("p", { class: "empty" }, "No command structure yet.")];
  const known = new Set(orgUnits.map((u) => u.id));
  const children = new Map();
  for (const u of orgUnits) {
    const parent = u.parent_id && known.has(u.parent_id) ? u.parent_id : "";
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(u);
  }
  const positionsOf = (orgUnit) => positions.filter((p) => (p.org_unit_id ?? "") === orgUnit);
  const unitsOf = (orgUnit) => units.filter((u) => (u.org_unit_id ?? "") === orgUnit && !u.checked_out);
  const positionItem = (p) =>
    h(
      "li",
      { class: p.holder ? "position" : "position vacant" },
      h("span", { class: "position-title" }, p.title),
      p.command_seat_of ? h("span", { class: "badge" }, `command seat of ${names.agency(p.command_seat_of)}`) : null,
      ": ",
      h("span", { class: "holder" }, names.person(p.holder)),
      pendingTransfer(p, view.as_of, names),
    );
  const node = (u) =>
    h(
      "li",
      { class: "org-unit" },
      h("span", { class: "org-name" }, u.name),
      h("span", { class: "muted" }, ` (${label(u.kind)})`),
      positionsOf(u.id).length ? h("ul", { class: "positions" }, positionsOf(u.id).map(positionItem)) : null,
      unitsOf(u.id).length ? h("p", { class: "assigned" }, "Units: ", unitsOf(u.id).map((x) => x.call_sign).join(", ")) : null,
      (children.get(u.id) ?? []).length ? h("ul", { class: "tree" }, children.get(u.id).map(node)) : null,
    );
  return [
    h(
      "ul",
      { class: "tree root" },
      h(
        "li",
        { class: "org-unit" },
        h("span", { class: "org-name" }, "Unified command"),
        positionsOf("").length ? h("ul", { class: "positions" }, positionsOf("").map(positionItem)) : null,
        (children.get("") ?? []).length ? h("ul", { class: "tree" }, children.get("").map(node)) : null,
      ),
    ),
  ];
}

/** pendingTransfer notes a tenure that starts after the view's time. */
function pendingTransfer(p, asOf, names) {
  const last = (p.tenures ?? []).at(-1);
  if (!last || !asOf || new Date(last.start) <= new Date(asOf)) return null;
  return h("span", { class: "muted" }, ` — command passes to ${names.person(last.holder)} at ${time(last.start)}`);
}

/** units is the table of resources with status and last known position. */
export function units(view, names) {
  const list = view.units ?? [];
  if (!list.length) return [h("p", { class: "empty" }, "No units checked in.")];
  const tracks = new Map((view.tracks ?? []).map((t) => [t.unit_id, t]));
  const orgNames = new Map((view.org_units ?? []).map((u) => [u.id, u.name]));
  return [
    h(
      "table",
      { class: "units" },
      h("caption", { class: "visually-hidden" }, "Units, their status and last known position"),
      h(
        "thead",
        {},
        h("tr", {}, ["Unit", "Agency", "Kind", "Status", "Crew", "Assigned to", "Last position"].map((c) => h("th", { scope: "col" }, c))),
      ),
      h(
        "tbody",
        {},
        list.map((u) => {
          const last = tracks.get(u.unit_id)?.last;
          return h(
            "tr",
            { class: u.checked_out ? "checked-out" : null, "data-unit": u.unit_id },
            h(
              "th",
              { scope: "row" },
              h("span", { class: "swatch", style: { "--swatch": agencyColour(view, u.agency) }, "aria-hidden": "true" }),
              u.call_sign,
            ),
            h("td", {}, names.agency(u.agency)),
            h("td", {}, label(u.kind)),
            h(
              "td",
              {},
              h("span", { class: `badge status-${u.checked_out ? "checked_out" : u.status}` }, label(u.checked_out ? "checked out" : u.status)),
              u.reason ? h("span", { class: "muted" }, ` ${u.reason}`) : null,
            ),
            h("td", { class: "num" }, String(u.personnel ?? "")),
            h("td", {}, u.org_unit_id ? (orgNames.get(u.org_unit_id) ?? shortID(u.org_unit_id)) : "—"),
            h(
              "td",
              {},
              last ? `${last.point.lat.toFixed(4)}, ${last.point.lon.toFixed(4)} at ${time(last.occurred_at)}` : "—",
            ),
          );
        }),
      ),
    ),
  ];
}

/**
 * tasks is the list of open tasks with their acknowledgement; onAck(task)
 * is offered to the tasked field unit (unit is its ID, "" for others).
 */
export function tasks(view, names, unit, onAck) {
  const list = view.tasks ?? [];
  if (!list.length) return [h("p", { class: "empty" }, "No open tasks.")];
  return [
    h(
      "ul",
      { class: "tasks" },
      list.map((t) =>
        h(
          "li",
          { class: "task", "data-task": t.task_id },
          h("p", { class: "task-objective" }, t.objective),
          h(
            "p",
            { class: "muted" },
            `${names.unit(t.unit_id)} · issued by ${names.agency(t.issued_by)} · ${period(t.window)} · revision ${t.revision}`,
          ),
          (t.constraints ?? []).length ? h("p", { class: "muted" }, `Constraints: ${t.constraints.join("; ")}`) : null,
          h(
            "p",
            {},
            t.awaiting_acknowledgement
              ? h("span", { class: "badge warn" }, `awaiting acknowledgement of revision ${t.revision}`)
              : h("span", { class: "badge ok" }, `acknowledged (revision ${t.acknowledged_revision ?? t.revision})`),
            unit && t.unit_id === unit && t.awaiting_acknowledgement
              ? h(
                  "button",
                  { type: "button", class: "ack", "data-focus-key": `ack-${t.task_id}`, onclick: () => onAck(t) },
                  `Acknowledge revision ${t.revision}`,
                )
              : null,
          ),
        ),
      ),
    ),
  ];
}

/** significant is the significant-events log, newest first. */
export function significant(view, names) {
  const list = [...(view.significant ?? [])].reverse();
  if (!list.length) return [h("p", { class: "empty" }, "Nothing significant yet.")];
  return [
    h(
      "ol",
      { class: "log", reversed: true },
      list.map((e) =>
        h(
          "li",
          { "data-key": e.key },
          h("time", { datetime: e.recorded_at }, time(e.recorded_at)),
          " ",
          e.unit_id ? h("span", { class: "who" }, `${names.unit(e.unit_id)}: `) : null,
          e.summary,
        ),
      ),
    ),
  ];
}

/** reports lists the field reports other than positions, newest first. */
export function reports(view, names) {
  const list = [...(view.reports ?? [])].reverse();
  if (!list.length) return [h("p", { class: "empty" }, "No field reports yet.")];
  return [
    h(
      "ol",
      { class: "log reports" },
      list.slice(0, 200).map((r) => {
        const p = reportPoint(r);
        const text = r.body?.text ?? r.body?.summary ?? r.body?.description ?? r.body?.target ?? "";
        return h(
          "li",
          { class: r.retraction ? "retracted" : r.corrected_by ? "corrected" : null, "data-report": r.report_id },
          h("time", { datetime: r.recorded_at }, time(r.recorded_at)),
          " ",
          h("span", { class: `tlp tlp-${String(r.marking?.tlp ?? "").replace("+", "-").toLowerCase()}` }, `TLP:${r.marking?.tlp ?? "?"}`),
          " ",
          h("span", { class: "who" }, `${names.unit(r.unit_id)} · ${label(reportKind(r.type))}`),
          text ? h("span", { class: "report-text" }, `: ${text}`) : null,
          p ? h("span", { class: "muted" }, ` (${p.lat.toFixed(4)}, ${p.lon.toFixed(4)})`) : null,
          r.late_by_s ? h("span", { class: "badge warn" }, `late by ${Math.round(r.late_by_s / 60)} min`) : null,
          r.corrects ? h("span", { class: "badge" }, "correction") : null,
          r.corrected_by ? h("span", { class: "badge" }, "corrected") : null,
          r.retraction ? h("span", { class: "badge warn" }, `retracted: ${r.retraction.reason}`) : null,
        );
      }),
    ),
  ];
}

/** The order of severities on the board: the gravest first. */
const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 };

/**
 * flags lists the compliance flags of the view: open ones first, gravest
 * first, newest first; each with its severity, rule, explanation, unit,
 * state and the agencies' acknowledgements and disputes.
 */
export function flags(view, names) {
  const list = [...(view.flags ?? [])].sort(
    (a, b) =>
      (a.state === "open" ? 0 : 1) - (b.state === "open" ? 0 : 1) ||
      (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) ||
      String(b.recorded_at ?? "").localeCompare(String(a.recorded_at ?? "")),
  );
  if (!list.length) return [h("p", { class: "empty", id: "no-flags" }, "No flags.")];
  return [
    h(
      "ol",
      { class: "flags" },
      list.map((f) =>
        h(
          "li",
          { class: `flag severity-${f.severity ?? "unknown"} state-${f.state ?? "open"}`, "data-flag": f.id },
          h(
            "p",
            { class: "flag-head" },
            h("span", { class: `badge severity severity-${f.severity ?? "unknown"}` }, f.severity ?? "?"),
            " ",
            h("strong", { class: "flag-rule" }, label(String(f.rule ?? "flag").replace(".", ": "))),
            " ",
            f.state === "cleared"
              ? h("span", { class: "badge ok flag-state" }, "cleared")
              : h("span", { class: "badge warn flag-state" }, "open"),
          ),
          h("p", { class: "flag-explanation", lang: f.language || null }, f.explanation ?? ""),
          h(
            "p",
            { class: "muted" },
            [
              f.unit_id ? names.unit(f.unit_id) : null,
              f.agency ? names.agency(f.agency) : null,
              f.provision?.agreement ? `provision ${[f.provision.agreement, f.provision.provision].filter(Boolean).join("/")}` : null,
              f.occurred_at ? `at ${dateTime(f.occurred_at)}` : null,
            ]
              .filter(Boolean)
              .join(" · "),
          ),
          f.cleared ? h("p", { class: "muted flag-cleared" }, `Cleared: ${f.cleared.reason}`) : null,
          (f.answers ?? []).length
            ? h(
                "ul",
                { class: "flag-answers" },
                f.answers.map((a) =>
                  h(
                    "li",
                    { class: `answer ${a.kind}` },
                    h("span", { class: "who" }, names.agency(a.agency)),
                    ` ${a.kind}`,
                    a.note ? `: ${a.note}` : "",
                  ),
                ),
              )
            : null,
        ),
      ),
    ),
  ];
}
