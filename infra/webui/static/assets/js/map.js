// The map of the board, drawn as SVG from the data itself: the states and
// their land borders (map.json, reference data), the operation's area, task
// areas, each unit's track and last known position, and the incidents of
// field reports that carry a point. No tiles: a forward command post has no
// tile server.

import { s } from "./dom.js";
import { time, label } from "./format.js";

/** Width of the drawing in SVG units; the height follows the area's shape. */
const WIDTH = 1000;

/** Colours of the agencies, in the order of the participants. */
export const AGENCY_COLOURS = ["#4cc2ff", "#ffb347", "#7ee081", "#ff7eb6", "#c9a7ff", "#ffe066", "#5eead4", "#f87171"];

/** agencyColour is the colour of an agency of the view. */
export function agencyColour(view, agency) {
  const i = (view?.participants ?? []).findIndex((p) => p.agency === agency);
  return i < 0 ? "#cbd5e1" : AGENCY_COLOURS[i % AGENCY_COLOURS.length];
}

/** Projection is an equirectangular projection fitted to some bounds. */
class Projection {
  constructor(bounds) {
    const padX = Math.max((bounds.maxLon - bounds.minLon) * 0.08, 0.01);
    const padY = Math.max((bounds.maxLat - bounds.minLat) * 0.08, 0.01);
    this.minLon = bounds.minLon - padX;
    this.maxLat = bounds.maxLat + padY;
    const midLat = (bounds.minLat + bounds.maxLat) / 2;
    this.kx = Math.cos((midLat * Math.PI) / 180);
    const spanX = (bounds.maxLon + padX - this.minLon) * this.kx;
    const spanY = this.maxLat - (bounds.minLat - padY);
    this.scale = WIDTH / spanX;
    this.height = Math.min(Math.max(spanY * this.scale, WIDTH * 0.4), WIDTH * 1.4);
  }

  /** xy projects [lon, lat] to SVG units. */
  xy(lon, lat) {
    return [(lon - this.minLon) * this.kx * this.scale, (this.maxLat - lat) * this.scale];
  }

  /** lonLat inverts xy. */
  lonLat(x, y) {
    return [x / (this.kx * this.scale) + this.minLon, this.maxLat - y / this.scale];
  }
}

/** Bounds accumulates the extent of what is drawn. */
class Bounds {
  constructor() {
    this.minLon = Infinity;
    this.minLat = Infinity;
    this.maxLon = -Infinity;
    this.maxLat = -Infinity;
  }

  add(lon, lat) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    this.minLon = Math.min(this.minLon, lon);
    this.maxLon = Math.max(this.maxLon, lon);
    this.minLat = Math.min(this.minLat, lat);
    this.maxLat = Math.max(this.maxLat, lat);
  }

  addRings(rings) {
    for (const ring of rings ?? []) for (const [lon, lat] of ring ?? []) this.add(lon, lat);
  }

  empty() {
    return !(this.minLon <= this.maxLon);
  }
}

/** reportPoint is the point a field report's body carries, if any. */
export function reportPoint(r) {
  const p = r?.body?.point;
  return p && Number.isFinite(p.lat) && Number.isFinite(p.lon) ? p : null;
}

/** boundsOf is the extent of the board's own geometry, else the states'. */
function boundsOf(view, states) {
  const b = new Bounds();
  b.addRings(view?.area?.coordinates);
  for (const t of view?.tasks ?? []) b.addRings(t.area?.coordinates);
  for (const tr of view?.tracks ?? []) for (const p of tr.points ?? []) b.add(p.point?.lon, p.point?.lat);
  for (const r of view?.reports ?? []) {
    const p = reportPoint(r);
    if (p) b.add(p.lon, p.lat);
  }
  if (b.empty()) for (const st of states) for (const poly of st.territory?.coordinates ?? []) b.addRings(poly);
  if (b.empty()) {
    b.add(5, 45);
    b.add(15, 52);
  }
  return b;
}

function ringsPath(proj, rings) {
  let d = "";
  for (const ring of rings ?? []) {
    ring.forEach(([lon, lat], i) => {
      const [x, y] = proj.xy(lon, lat);
      d += `${i === 0 ? "M" : "L"}${x.toFixed(1)} ${y.toFixed(1)}`;
    });
    d += "Z";
  }
  return d;
}

function linePath(proj, coords) {
  return (coords ?? [])
    .map(([lon, lat], i) => {
      const [x, y] = proj.xy(lon, lat);
      return `${i === 0 ? "M" : "L"}${x.toFixed(1)} ${y.toFixed(1)}`;
    })
    .join("");
}

/**
 * drawMap returns the SVG of the board: view is the agency's board, states
 * the reference geography, names resolves IDs; onPick(lat, lon) is called
 * when the map is clicked (to fill the report form's point); pixelWidth is
 * how wide the map is on screen.
 */
export function drawMap({ view, states, names, onPick, pixelWidth }) {
  const proj = new Projection(boundsOf(view, states));
  const W = WIDTH;
  const H = proj.height;
  // Labels stay readable when the map is drawn small (a phone).
  const font = (W / 62) * Math.max(1, 640 / (pixelWidth || 640));
  const units = new Map((view?.units ?? []).map((u) => [u.unit_id, u]));

  const layerStates = s("g", { class: "map-states" });
  states.forEach((st, i) => {
    const polys = st.territory?.coordinates ?? [];
    if (!polys.length) return;
    const d = polys.map((poly) => ringsPath(proj, poly)).join("");
    layerStates.append(s("path", { d, class: `state state-${i % 3}` }, s("title", {}, `${st.name} (${st.code})`)));
    const b = new Bounds();
    for (const poly of polys) b.addRings(poly);
    const [x1, y1] = proj.xy(b.minLon, b.maxLat);
    const [x2, y2] = proj.xy(b.maxLon, b.minLat);
    const cx = Math.min(Math.max((x1 + x2) / 2, font * 2), W - font * 2);
    const cy = Math.min(Math.max((y1 + y2) / 2, font * 2), H - font);
    layerStates.append(s("text", { x: cx, y: cy, class: "state-label", "font-size": font * 2.2 }, st.code));
  });
  for (const st of states) {
    for (const b of st.borders ?? []) {
      layerStates.append(
        s("path", { d: linePath(proj, b.line?.coordinates), class: "border" }, s("title", {}, `Border ${st.code}–${b.neighbour}`)),
      );
    }
  }

  const layerArea = s("g", { class: "map-area" });
  if (view?.area?.coordinates) {
    layerArea.append(s("path", { d: ringsPath(proj, view.area.coordinates), class: "area" }, s("title", {}, "Area of operations")));
  }
  for (const t of view?.tasks ?? []) {
    if (!t.area?.coordinates) continue;
    layerArea.append(
      s("path", { d: ringsPath(proj, t.area.coordinates), class: "task-area" }, s("title", {}, `Task area: ${t.objective}`)),
    );
  }

  const layerTracks = s("g", { class: "map-tracks" });
  const layerUnits = s("g", { class: "map-units" });
  for (const tr of view?.tracks ?? []) {
    const unit = units.get(tr.unit_id);
    const colour = agencyColour(view, unit?.agency);
    const pts = (tr.points ?? []).filter((p) => !p.retracted && !p.corrected_by && p.point);
    if (pts.length > 1) {
      const d = linePath(proj, pts.map((p) => [p.point.lon, p.point.lat]));
      layerTracks.append(s("path", { d, class: "track", stroke: colour }));
    }
    if (tr.last?.point) {
      const [x, y] = proj.xy(tr.last.point.lon, tr.last.point.lat);
      const name = names.unit(tr.unit_id);
      layerUnits.append(
        s(
          "g",
          { class: "unit-marker", "data-unit": tr.unit_id },
          s("title", {}, `${name} (${names.agency(unit?.agency)}) at ${time(tr.last.occurred_at)}`),
          s("circle", { cx: x, cy: y, r: font * 0.55, fill: colour }),
          s("text", { x: x + font * 0.8, y: y + font * 0.35, "font-size": font, class: "unit-label" }, name),
        ),
      );
    }
  }

  const layerIncidents = s("g", { class: "map-incidents" });
  for (const r of view?.reports ?? []) {
    const p = reportPoint(r);
    if (!p || r.retraction || r.corrected_by) continue;
    const [x, y] = proj.xy(p.lon, p.lat);
    const k = font * 0.7;
    layerIncidents.append(
      s(
        "path",
        { d: `M${x} ${y - k}L${x + k} ${y}L${x} ${y + k}L${x - k} ${y}Z`, class: "incident", "data-report": r.report_id },
        s("title", {}, `${label(reportKind(r.type))} by ${names.unit(r.unit_id)} at ${time(r.occurred_at)}`),
      ),
    );
  }

  const nUnits = (view?.tracks ?? []).filter((t) => t.last).length;
  const nIncidents = layerIncidents.childElementCount;
  const svg = s(
    "svg",
    {
      viewBox: `0 0 ${W} ${H.toFixed(0)}`,
      class: "map",
      role: "img",
      "aria-labelledby": "map-title map-desc",
      preserveAspectRatio: "xMidYMid meet",
    },
    s("title", { id: "map-title" }, "Map of the operation"),
    s(
      "desc",
      { id: "map-desc" },
      `${states.length} states, the area of operations, ${nUnits} units with a known position and ${nIncidents} incidents. ` +
        "The units table and the reports list give the same information as text.",
    ),
    s("rect", { x: -W, y: -H, width: W * 3, height: H * 3, class: "sea" }),
    layerStates,
    layerArea,
    layerTracks,
    layerIncidents,
    layerUnits,
  );
  if (onPick) {
    svg.addEventListener("click", (ev) => {
      const m = svg.getScreenCTM();
      if (!m) return;
      const pt = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(m.inverse());
      const [lon, lat] = proj.lonLat(pt.x, pt.y);
      onPick(lat, lon);
    });
  }
  return svg;
}

/** reportKind is the short kind of a report event type. */
export function reportKind(type) {
  const t = String(type ?? "");
  const last = t.slice(t.lastIndexOf(".") + 1);
  return last.replace(/_(reported|recorded)$/, "");
}
