// The board view and its deltas, applied exactly as the reference
// implementation, projections/board View.Apply (apply.go), applies them.
// A Go test (infra/webui, TestDeltaApplicationMatchesGo) runs the same delta
// sequences through both and compares the views after every delta: change
// this file and apply.go together.
//
// A view is the JSON of board.View (the "board" of a snapshot message); a
// delta is the JSON of board.AgencyDelta ({position, at, changes}). Both are
// plain objects parsed from the server's messages. applyDelta changes the
// view in place, like View.Apply; it never changes the delta's values'
// collections in place, but it does keep the delta's items in the view.

/** The ops of a change. */
export const OP_SET = "set";
export const OP_PUT = "put";
export const OP_DELETE = "delete";

/** The top-level fields an OP_SET may set. Others are ignored (newer server). */
const FIELDS = new Set([
  "operation_id",
  "status",
  "purpose",
  "lead",
  "arrangement_version",
  "host_states",
  "legal_basis",
  "area",
  "period",
]);

/** The zero UUID: what Go's ID.String() renders for an unset ID. */
const ZERO_ID = "00000000-0000-0000-0000-000000000000";

/** id renders an ID field as Go's ID.String() does (absent means zero). */
function id(v) {
  return v === undefined || v === null || v === "" ? ZERO_ID : v;
}

// ---------------------------------------------------------------- ordering

/**
 * compareStrings orders strings as Go does: by their UTF-8 bytes, which is
 * the order of their code points (JavaScript's < compares UTF-16 code
 * units, which differs above U+FFFF).
 */
export function compareStrings(a, b) {
  a = a ?? "";
  b = b ?? "";
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(j);
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  if (i < a.length) return 1;
  if (j < b.length) return -1;
  return 0;
}

/** compareIDs orders IDs as Go's ID.Compare: by bytes, i.e. canonical text. */
function compareIDs(a, b) {
  return compareStrings(id(a), id(b));
}

function compareNumbers(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

const RFC3339 =
  /^(\d{4,})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** daysFromCivil counts days from 1970-01-01 to a proleptic Gregorian date. */
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The instant of Go's zero time.Time, 0001-01-01T00:00:00Z. */
const ZERO_TIME = Object.freeze({ s: daysFromCivil(1, 1, 1) * 86400, ns: 0 });

const parsed = new Map();

/**
 * instant parses an RFC 3339 time as Go writes it (nanoseconds, any
 * offset) into {s, ns} since the Unix epoch, exactly: Date keeps only
 * milliseconds. An absent time is Go's zero time (omitzero fields).
 */
export function instant(text) {
  if (text === undefined || text === null || text === "") return ZERO_TIME;
  const hit = parsed.get(text);
  if (hit) return hit;
  const m = RFC3339.exec(text);
  if (!m) throw new Error(`board: not an RFC 3339 time: ${text}`);
  let s =
    daysFromCivil(+m[1], +m[2], +m[3]) * 86400 + +m[4] * 3600 + +m[5] * 60 + +m[6];
  if (m[9]) {
    const off = (+m[10] * 60 + +m[11]) * 60;
    s -= m[9] === "+" ? off : -off;
  }
  const ns = m[7] ? +(m[7] + "00000000").slice(0, 9) : 0;
  const t = Object.freeze({ s, ns });
  if (parsed.size > 50000) parsed.clear();
  parsed.set(text, t);
  return t;
}

/** compareTimes orders RFC 3339 times as Go's time.Time.Compare. */
export function compareTimes(a, b) {
  const x = instant(a);
  const y = instant(b);
  if (x.s !== y.s) return x.s < y.s ? -1 : 1;
  return compareNumbers(x.ns, y.ns);
}

function isZeroTime(t) {
  return compareTimes(t, undefined) === 0;
}

/**
 * binarySearch is Go's slices.BinarySearchFunc: the first index whose item
 * does not order before target (the insertion point), found or not.
 */
function binarySearch(list, target, cmp) {
  let i = 0;
  let j = list.length;
  while (i < j) {
    const h = (i + j) >>> 1;
    if (cmp(list[h], target) < 0) i = h + 1;
    else j = h;
  }
  return i;
}

/**
 * upsert replaces the item with x's key, or inserts x, keeping the list
 * sorted by order; like Go's it builds a new array.
 */
function upsert(list, x, key, order) {
  const k = key(x);
  const out = (list ?? []).filter((y) => key(y) !== k);
  out.splice(binarySearch(out, x, order), 0, x);
  return out;
}

function compareReports(a, b) {
  return compareTimes(a.recorded_at, b.recorded_at) || compareIDs(a.report_id, b.report_id);
}

function comparePoints(a, b) {
  return compareTimes(a.occurred_at, b.occurred_at) || compareIDs(a.report_id, b.report_id);
}

function compareEntries(a, b) {
  return compareTimes(a.recorded_at, b.recorded_at) || compareStrings(a.key, b.key);
}

function compareFlags(a, b) {
  return compareTimes(a.recorded_at, b.recorded_at) || compareStrings(a.id, b.id);
}

/** The keyed collections of OP_PUT with their key and order (apply.go). */
const COLLECTIONS = {
  participants: { key: (p) => id(p.agency), order: (a, b) => compareIDs(a.agency, b.agency) },
  operational_periods: { key: (p) => p.number ?? 0, order: (a, b) => compareNumbers(a.number ?? 0, b.number ?? 0) },
  org_units: { key: (u) => id(u.id), order: (a, b) => compareIDs(a.id, b.id) },
  positions: { key: (p) => id(p.id), order: (a, b) => compareIDs(a.id, b.id) },
  units: { key: (u) => id(u.unit_id), order: (a, b) => compareIDs(a.unit_id, b.unit_id) },
  tasks: { key: (t) => id(t.task_id), order: (a, b) => compareIDs(a.task_id, b.task_id) },
  reports: { key: (r) => id(r.report_id), order: compareReports },
  significant: { key: (e) => e.key ?? "", order: compareEntries },
  flags: { key: (f) => f.id ?? "", order: compareFlags },
};

/** How OP_DELETE names an item of each collection it applies to. */
const DELETE_KEYS = {
  tasks: (t) => id(t.task_id),
  participants: (p) => id(p.agency),
  operational_periods: (p) => String(p.number ?? 0),
  org_units: (u) => id(u.id),
  positions: (p) => id(p.id),
  units: (u) => id(u.unit_id),
  reports: (r) => id(r.report_id),
  significant: (e) => e.key ?? "",
  flags: (f) => f.id ?? "",
};

// ---------------------------------------------------------------- apply

/**
 * applyDelta applies one agency delta to its view, as View.Apply: each
 * change in order, then the view's clock (as_of) moves to the delta's time
 * if later, then the derived fields are recomputed. A null delta changes
 * nothing.
 */
export function applyDelta(view, delta) {
  if (delta === null || delta === undefined) return;
  for (const c of delta.changes ?? []) {
    switch (c.op) {
      case OP_SET:
        setField(view, c.field, c.value);
        break;
      case OP_PUT:
        putItem(view, c.collection, c.value);
        break;
      case OP_DELETE:
        deleteItem(view, c.collection, c.key ?? "");
        break;
    }
  }
  if (compareTimes(delta.at, view.as_of) > 0) view.as_of = delta.at;
  derive(view);
}

function setField(view, field, value) {
  // Go's type switch ignores a change without a value (a nil interface).
  if (value === undefined || !FIELDS.has(field)) return;
  view[field] = value;
}

function putItem(view, collection, value) {
  if (value === null || typeof value !== "object") return;
  if (collection === "track") {
    putTrackPoint(view, value);
    return;
  }
  const coll = COLLECTIONS[collection];
  if (!coll) return;
  view[collection] = upsert(view[collection], value, coll.key, coll.order);
  if (collection === "significant") {
    const n = view.limits?.significant_length ?? 0;
    if (view.significant.length > n) view.significant = view.significant.slice(view.significant.length - n);
  }
  if (collection === "reports") {
    // A view without report_length (from a server that kept every
    // report) keeps every report.
    const n = view.limits?.report_length ?? 0;
    if (n > 0 && view.reports.length > n) view.reports = view.reports.slice(view.reports.length - n);
  }
}

function putTrackPoint(view, p) {
  const tracks = view.tracks ?? (view.tracks = []);
  const i = binarySearch(tracks, p.unit_id, (t, u) => compareIDs(t.unit_id, u));
  if (i >= tracks.length || compareIDs(tracks[i].unit_id, p.unit_id) !== 0) {
    tracks.splice(i, 0, { unit_id: p.unit_id, points: null });
  }
  const t = tracks[i];
  t.points = upsert(t.points, p, (q) => id(q.report_id), comparePoints);
  const n = view.limits?.track_length ?? 0;
  if (t.points.length > n) t.points = t.points.slice(t.points.length - n);
}

function deleteItem(view, collection, key) {
  const keyOf = DELETE_KEYS[collection];
  const list = view[collection];
  if (!keyOf || !Array.isArray(list)) return;
  view[collection] = list.filter((item) => keyOf(item) !== key);
}

// ---------------------------------------------------------------- derived

/** derive computes the fields that follow from as_of and the rest. */
function derive(view) {
  const current = currentPeriod(view.operational_periods ?? [], view.as_of);
  if (current === 0) delete view.current_period;
  else view.current_period = current;
  for (const p of view.positions ?? []) {
    const h = holderAt(p.tenures ?? [], view.as_of);
    if (h) p.holder = h;
    else delete p.holder;
  }
  for (const t of view.tracks ?? []) {
    const last = lastKnown(t.points ?? []);
    if (last) t.last = last;
    else delete t.last;
  }
}

/** contains is domain.Period.Contains: t in [start, end). */
function contains(period, t) {
  return compareTimes(t, period?.start) >= 0 && compareTimes(t, period?.end) < 0;
}

function currentPeriod(periods, t) {
  for (const p of periods) {
    if (contains(p.period, t)) return p.number ?? 0;
  }
  return 0;
}

/**
 * holderAt is who holds a position at t: the outgoing holder stays in
 * charge until a transfer's effective time.
 */
function holderAt(tenures, t) {
  for (let i = tenures.length - 1; i >= 0; i--) {
    const ten = tenures[i];
    if (compareTimes(t, ten.start) >= 0 && (isZeroTime(ten.end) || compareTimes(t, ten.end) < 0)) {
      return { ...ten.holder };
    }
  }
  return null;
}

/** lastKnown is the latest point neither retracted nor corrected. */
function lastKnown(points) {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    if (!p.retracted && id(p.corrected_by) === ZERO_ID) return { ...p };
  }
  return null;
}
