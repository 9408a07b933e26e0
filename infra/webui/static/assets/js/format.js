// How the page writes times, IDs and names.

/** time renders an RFC 3339 time as local hh:mm:ss; "" when absent. */
export function time(text) {
  if (!text) return "";
  const d = new Date(text);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() <= 1) return "";
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

/** dateTime renders an RFC 3339 time as local date and time. */
export function dateTime(text) {
  if (!text) return "";
  const d = new Date(text);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() <= 1) return "";
  return d.toLocaleString([], {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });
}

/** period renders {start, end} as "start – end". */
export function period(p) {
  if (!p) return "";
  return `${dateTime(p.start)} – ${dateTime(p.end)}`;
}

/** shortID is the first block of a UUID, enough to tell IDs apart on screen. */
export function shortID(id) {
  return id ? String(id).slice(0, 8) : "";
}

/** label turns a code such as "out_of_service" into "out of service". */
export function label(code) {
  return code ? String(code).replaceAll("_", " ") : "";
}

/**
 * Names resolves the IDs of the board to what people call them: agencies
 * by the names the demo token list gives, units by their call signs.
 */
export class Names {
  constructor() {
    this.agencies = new Map();
    this.units = new Map();
  }

  /** agency names an agency, or "agency 1111…" when no name is known. */
  agency(id) {
    return this.agencies.get(id) ?? `agency ${shortID(id)}`;
  }

  /** unit names a unit by its call sign, or "unit 2a00…". */
  unit(id) {
    return this.units.get(id) ?? `unit ${shortID(id)}`;
  }

  /** person names a holder reference {person, agency}. */
  person(ref) {
    if (!ref) return "vacant";
    return `officer ${shortID(ref.person)} (${this.agency(ref.agency)})`;
  }

  /** learnUnits takes the call signs of the view's units. */
  learnUnits(view) {
    for (const u of view?.units ?? []) this.units.set(u.unit_id, u.call_sign);
  }
}
