// The DSL's weekly summary of the on-device incident log: periods, counts, review order and
// the CSV and JSON exports. Pure: no chrome.*, no clock (callers pass `now`), so Node tests
// check it and summary.js only draws what it returns.
//
// Why it exists: the DfE "Filtering and monitoring standards" expect the Designated
// Safeguarding Lead to review what filtering and monitoring recorded, weekly, with immediate
// attention for high-risk items; this module gives that review its numbers and its download.
// Minimum data (UK GDPR): records hold a site's host name, never its full address, and at most
// a short excerpt of a search; exports carry the same fields and nothing more (not the
// upload flag `sent`).
//
// Time: a period is half-open, [from, to) in epoch milliseconds. Days are local calendar days
// of the device running the code (what the DSL's clock shows), built with Date's local fields
// so the clock changes in March and October still give 24-, 23- or 25-hour days correctly.

import { SEVERITIES } from './policy.js';

const DAY_MS = 86400000;

/** Incident kinds in the order totals list them (unknown kinds follow, by name). */
export const KINDS = ['block', 'warn', 'continue', 'unblock_request', 'message'];

/** Plain wording for adults. */
export const KIND_LABELS = {
  block: 'Blocked',
  warn: 'Warned',
  continue: 'Went on after a warning',
  unblock_request: 'Asked to unblock',
  message: 'Message flagged',
};

export const CATEGORY_LABELS = {
  adult: 'Adult content',
  gambling: 'Gambling',
  dating: 'Dating',
  social_media: 'Social media',
  gaming: 'Gaming',
  chat: 'Anonymous chat',
  drugs: 'Drugs',
  violence: 'Violence or weapons',
  extremism: 'Extremism',
  discrimination: 'Hate or discrimination',
  self_harm: 'Self-harm or suicide',
  malware: 'Malware or phishing',
  piracy: 'Piracy',
  proxy: 'Getting round the filter (proxy or VPN)',
  search: 'Search',
  search_engine: 'Search engine with no safe mode',
  video: 'Video',
  illegal: 'Illegal content',
  bullying: 'Bullying',
  sexual: 'Sexual content',
  grooming: 'Grooming or contact risk',
  personal_info: 'Sharing personal information',
  profanity: 'Swearing',
  unavailable: 'Safety check not working',
  other: 'Other',
};

export const SEVERITY_LABELS = { none: 'None', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

/**
 * Bar colours, in the order categories are ranked, then OTHER_COLOUR for the rest. Each has
 * at least 3:1 contrast with white (WCAG 2.1 non-text contrast); bars are also separated by
 * white gaps and every bar has a text label, so colour is never the only clue.
 */
export const PALETTE = ['#1f5fa8', '#b3261e', '#1b7a3a', '#7b3fb0', '#a35200', '#0b7285', '#a4366e', '#5b6b00'];
export const OTHER_COLOUR = '#5f5f5f';

/** The label for a category id; an unknown id is shown as words ("new_thing" → "New thing"). */
export function categoryLabel(id) {
  const s = String(id ?? '');
  if (CATEGORY_LABELS[s]) return CATEGORY_LABELS[s];
  const words = s.replace(/_/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : 'Other';
}

export function kindLabel(kind) {
  return KIND_LABELS[kind] ?? categoryLabel(kind);
}

// ---- dates ----------------------------------------------------------------------------------

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' for the local calendar day of `ms`. */
export function localDate(ms) {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** 'HH:MM' local time of `ms`. */
export function localTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Local midnight starting the day of `ms`, moved by `days` calendar days. */
function startOfDay(ms, days = 0) {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** Local midnight on the Monday of the week holding `ms`, moved by `weeks`. */
function startOfWeek(ms, weeks = 0) {
  const d = new Date(ms);
  const sinceMonday = (d.getDay() + 6) % 7;
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - sinceMonday + 7 * weeks).getTime();
}

/** The ISO 8601 week of `ms` (local date): `{ year, week }` (the year can differ from the calendar's). */
export function isoWeekOf(ms) {
  const d = new Date(ms);
  // The Thursday of this week decides the ISO year; count weeks from that year's first Thursday.
  const thursday = new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7) + 3);
  const year = thursday.getFullYear();
  const firstThursday = new Date(year, 0, 4 - ((new Date(year, 0, 4).getDay() + 6) % 7) + 3);
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return { year, week };
}

/**
 * The period of an ISO week, Monday 00:00 to the next Monday 00:00 (local). Accepts
 * `'2026-W47'` or `(2026, 47)`. Throws a RangeError for a week the year does not have.
 * @returns {{from: number, to: number}}
 */
export function isoWeekPeriod(yearOrText, week) {
  let year = yearOrText;
  if (typeof yearOrText === 'string') {
    const m = /^(\d{4})-?W(\d{1,2})$/i.exec(yearOrText.trim());
    if (!m) throw new RangeError(`not an ISO week: ${JSON.stringify(yearOrText)} (expected like 2026-W47)`);
    year = Number(m[1]);
    week = Number(m[2]);
  }
  if (!Number.isInteger(year) || !Number.isInteger(week) || week < 1 || week > 53) {
    throw new RangeError(`not an ISO week: ${year}-W${week}`);
  }
  // 4 January is always in week 1.
  const from = startOfWeek(new Date(year, 0, 4).getTime(), week - 1);
  const check = isoWeekOf(from);
  if (check.year !== year || check.week !== week) throw new RangeError(`${year} has no week ${week}`);
  return { from, to: startOfWeek(from, 1) };
}

/**
 * A named period relative to `now`:
 * - `last7` (the default) and `last30`: today and the 6 (29) days before it, to the end of today;
 * - `thisWeek`: Monday to Sunday of the current ISO week; `lastWeek`: the week before.
 * @param {'last7' | 'last30' | 'thisWeek' | 'lastWeek'} [name]
 * @param {number} [now] epoch ms
 * @returns {{from: number, to: number}}
 */
export function periodFor(name = 'last7', now = Date.now()) {
  switch (name) {
    case 'last7':
      return { from: startOfDay(now, -6), to: startOfDay(now, 1) };
    case 'last30':
      return { from: startOfDay(now, -29), to: startOfDay(now, 1) };
    case 'thisWeek':
      return { from: startOfWeek(now), to: startOfWeek(now, 1) };
    case 'lastWeek':
      return { from: startOfWeek(now, -1), to: startOfWeek(now) };
    default:
      throw new RangeError(`unknown period ${JSON.stringify(name)}`);
  }
}

/** The local days a period covers, first to last, as 'YYYY-MM-DD'. */
export function daysOf(period) {
  const days = [];
  for (let t = startOfDay(period.from); t < period.to; t = startOfDay(t, 1)) days.push(localDate(t));
  return days;
}

/** A file name for an export: `esafety-summary-2026-11-16_to_2026-11-22.csv`. */
export function exportFileName(period, ext) {
  const days = daysOf(period);
  const first = days[0] ?? localDate(period.from);
  const last = days[days.length - 1] ?? first;
  return `esafety-summary-${first}_to_${last}.${ext}`;
}

// ---- records ----------------------------------------------------------------------------------

const severityRank = (s) => Math.max(0, SEVERITIES.indexOf(s));
const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The fields a summary and its exports carry, read defensively (the log may hold older shapes). */
function clean(r) {
  const str = (v) => (v === undefined || v === null ? '' : String(v));
  const out = {
    id: str(r.id),
    time: new Date(Date.parse(r.time)).toISOString(),
    kind: str(r.kind) || 'unknown',
    host: str(r.host),
    category: str(r.category) || 'other',
    categories: Array.isArray(r.categories) ? r.categories.map(str) : [],
    severity: SEVERITIES.includes(r.severity) ? r.severity : 'none',
    action: str(r.action),
    alert: r.alert === 'urgent' || r.alert === 'weekly' ? r.alert : 'none',
    ageBand: str(r.ageBand),
  };
  if (r.search !== undefined && r.search !== null && r.search !== '') out.search = str(r.search);
  if (r.ref) out.ref = str(r.ref);
  return out;
}

/**
 * The records whose time falls in the period, oldest first, each reduced to the exported
 * fields. Records without a readable time are left out.
 * @param {unknown[]} records the `incidents` array from storage
 * @param {{from: number, to: number}} period
 */
export function recordsIn(records, period) {
  const out = [];
  for (const r of Array.isArray(records) ? records : []) {
    if (!r || typeof r !== 'object') continue;
    const t = Date.parse(r.time);
    if (Number.isNaN(t) || t < period.from || t >= period.to) continue;
    out.push({ t, r: clean(r) });
  }
  out.sort((a, b) => a.t - b.t);
  return out.map((x) => x.r);
}

/** Urgent records first (highest severity, then newest), then the rest newest first. */
export function reviewOrder(records) {
  const newestFirst = (a, b) => byText(b.time, a.time);
  const urgent = records.filter((r) => r.alert === 'urgent');
  const rest = records.filter((r) => r.alert !== 'urgent');
  urgent.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || newestFirst(a, b));
  rest.sort(newestFirst);
  return [...urgent, ...rest];
}

function countBy(records, key) {
  const m = new Map();
  for (const r of records) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
  return m;
}

/** A Map of counts as an object in the given order (known keys first, then the rest by name). */
function ordered(map, known) {
  const out = {};
  for (const k of known) out[k] = map.get(k) ?? 0;
  for (const k of [...map.keys()].filter((k) => !known.includes(k)).sort()) out[k] = map.get(k);
  return out;
}

/** Most first; ties by name, so the order never depends on the log's order. */
function ranked(map, name) {
  return [...map]
    .sort((a, b) => b[1] - a[1] || byText(a[0], b[0]))
    .map(([k, count]) => ({ [name]: k, count }));
}

/**
 * Everything the summary page shows and the exports hold, for one period.
 * @param {unknown[]} log the `incidents` array from storage
 * @param {{from: number, to: number}} period
 * @param {{topHosts?: number}} [options]
 */
export function summarise(log, period, { topHosts = 10 } = {}) {
  const records = recordsIn(log, period);
  const urgent = reviewOrder(records.filter((r) => r.alert === 'urgent'));
  const byCategory = ranked(countBy(records, (r) => r.category), 'category');

  const days = new Map(daysOf(period).map((date) => [date, { date, total: 0, byCategory: {} }]));
  for (const r of records) {
    const day = days.get(localDate(Date.parse(r.time)));
    // Always found: a record inside the period falls on one of its days.
    day.total += 1;
    day.byCategory[r.category] = (day.byCategory[r.category] ?? 0) + 1;
  }

  const searches = new Map();
  for (const r of records) {
    if (r.search === undefined) continue;
    const s = searches.get(r.search) ?? { search: r.search, count: 0, category: r.category, severity: 'none', last: r.time };
    s.count += 1;
    if (severityRank(r.severity) > severityRank(s.severity)) s.severity = r.severity;
    if (r.time >= s.last) {
      s.last = r.time;
      s.category = r.category;
    }
    searches.set(r.search, s);
  }

  return {
    period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
    totals: {
      incidents: records.length,
      urgent: urgent.length,
      byKind: ordered(countBy(records, (r) => r.kind), KINDS),
      byAction: ordered(countBy(records, (r) => r.action || 'none'), ['block', 'warn', 'allow']),
      bySeverity: ordered(countBy(records, (r) => r.severity), [...SEVERITIES].reverse()),
      byAlert: ordered(countBy(records, (r) => r.alert), ['urgent', 'weekly', 'none']),
    },
    byCategory,
    byDay: [...days.values()],
    urgent,
    topHosts: ranked(countBy(records.filter((r) => r.host), (r) => r.host), 'host').slice(0, topHosts),
    searches: [...searches.values()].sort(
      (a, b) => severityRank(b.severity) - severityRank(a.severity) || b.count - a.count || byText(b.last, a.last) || byText(a.search, b.search),
    ),
    records: reviewOrder(records),
  };
}

/**
 * The colour for each category in a chart: the most frequent categories get the palette in
 * order, the rest share OTHER_COLOUR. Returns `{ colours: Map<category, colour>, shown }`,
 * where `shown` lists the categories with their own colour.
 */
export function categoryColours(byCategory) {
  const colours = new Map();
  const shown = [];
  byCategory.forEach(({ category }, i) => {
    const own = i < PALETTE.length && !(i === PALETTE.length - 1 && byCategory.length > PALETTE.length);
    colours.set(category, own ? PALETTE[i] : OTHER_COLOUR);
    if (own) shown.push(category);
  });
  return { colours, shown };
}

// ---- exports ----------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'time_utc', 'local_date', 'local_time', 'urgent', 'kind', 'category', 'categories', 'severity', 'action', 'alert',
  'host', 'search', 'age_band', 'id', 'ref', 'user', 'device',
];

/**
 * One CSV cell: text a spreadsheet would run as a formula (starting = + - @, tab or carriage
 * return) gets a leading apostrophe; then quoted (RFC 4180) when it holds a quote, comma or
 * line break.
 */
export function csvCell(value) {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The records as CSV for Excel and friends: UTF-8 byte order mark, a header row, CRLF line
 * ends (RFC 4180), records in review order as given.
 */
export function toCsv(records) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const t = Date.parse(r.time);
    lines.push([
      r.time, localDate(t), localTime(t), r.alert === 'urgent' ? 'yes' : 'no', r.kind, r.category,
      (r.categories ?? []).join(' '), r.severity, r.action, r.alert, r.host, r.search, r.ageBand, r.id, r.ref, r.user, r.device,
    ].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The summary as JSON text: `{generatedAt, period: {from, to}, totals, byCategory, byDay, records}`. */
export function toJson(summary, generatedAt = Date.now()) {
  const { period, totals, byCategory, byDay, records } = summary;
  return `${JSON.stringify({ generatedAt: new Date(generatedAt).toISOString(), period, totals, byCategory, byDay, records }, null, 2)}\n`;
}
