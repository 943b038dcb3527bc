// The school's managed policy (chrome.storage.managed, set in the Google Admin console or a
// Chromium policy file) turned into classifier options and the settings the extension uses.
// Pure: no chrome.* here, so Node tests can check it. Anything malformed is dropped (with a
// note in `problems`) rather than making the extension fail: with no usable policy the
// extension protects as a KS2 pupil.

export const BANDS = ['eyfs', 'ks1', 'ks2', 'ks3', 'ks4', 'ks5', 'staff'];
export const ROLES = ['pupil', 'teacher', 'staff'];
export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'];

/** Defaults when the school sets nothing. */
export const DEFAULTS = Object.freeze({
  role: 'pupil',
  ageBand: 'ks2',
  alertThreshold: 'high',
  retentionDays: 30,
  failMode: 'closed',
});

const str = (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const strList = (v) => (Array.isArray(v) ? v.map(str).filter(Boolean) : []);
const httpsUrl = (v) => {
  const s = str(v);
  if (!s) return undefined;
  try {
    const u = new URL(s);
    // http only for a school's own test servers on localhost.
    if (u.protocol === 'https:' || (u.protocol === 'http:' && /^(localhost|127\.0\.0\.1)$/.test(u.hostname))) return u.href;
  } catch {}
  return undefined;
};

/**
 * One origin whose messages are checked (see scanOrigins below).
 * @typedef {{ origin: string, messages?: string, item?: string, input?: string, send?: string, enterSends?: boolean }} ScanOrigin
 */

/**
 * @param {Record<string, unknown> | null | undefined} raw the managed storage object
 * @returns {{
 *   role: string, ageBand: string, age?: number, schoolName?: string, dslContact?: string,
 *   reportEndpoint?: string, allow: string[], deny: string[], listPackUrl?: string,
 *   scanOrigins: ScanOrigin[], alertThreshold: string, retentionDays: number, failMode: string,
 *   classifierOptions: Record<string, unknown>, problems: string[]
 * }}
 */
export function normalisePolicy(raw) {
  const p = raw && typeof raw === 'object' ? raw : {};
  const problems = [];
  const role = ROLES.includes(p.role) ? p.role : DEFAULTS.role;
  if (p.role !== undefined && role !== p.role) problems.push(`role ${JSON.stringify(p.role)} unknown`);

  let age;
  if (p.age !== undefined) {
    if (Number.isInteger(p.age) && p.age >= 0 && p.age <= 25) age = p.age;
    else problems.push(`age ${JSON.stringify(p.age)} is not a whole number 0-25`);
  }
  let ageBand = role === 'pupil' ? DEFAULTS.ageBand : 'staff';
  if (p.ageBand !== undefined) {
    if (BANDS.includes(p.ageBand)) ageBand = p.ageBand;
    else problems.push(`ageBand ${JSON.stringify(p.ageBand)} unknown`);
  }

  const allow = strList(p.allow);
  const deny = strList(p.deny);
  const classifierOptions = age !== undefined ? { age } : { ageBand };
  if (allow.length || deny.length) {
    classifierOptions.overrides = {
      allow: allow.map((target) => ({ target, who: 'managed policy', reason: 'school allow list' })),
      deny: deny.map((target) => ({ target, who: 'managed policy', reason: 'school deny list' })),
    };
  }

  const retentionDays =
    Number.isInteger(p.retentionDays) && p.retentionDays >= 1 && p.retentionDays <= 3650 ? p.retentionDays : DEFAULTS.retentionDays;
  const listPackUrl = httpsUrl(p.listPackUrl);
  if (p.listPackUrl !== undefined && !listPackUrl) problems.push('listPackUrl is not an https address');
  const reportEndpoint = httpsUrl(p.reportEndpoint);
  if (p.reportEndpoint !== undefined && !reportEndpoint) problems.push('reportEndpoint is not an https address');

  return {
    role,
    ageBand: age !== undefined ? bandForAge(age) : ageBand,
    ...(age !== undefined ? { age } : {}),
    schoolName: str(p.schoolName),
    dslContact: str(p.dslContact),
    reportEndpoint,
    allow,
    deny,
    listPackUrl,
    scanOrigins: scanOrigins(p.scanOrigins, problems),
    alertThreshold: SEVERITIES.includes(p.alertThreshold) && p.alertThreshold !== 'none' ? p.alertThreshold : DEFAULTS.alertThreshold,
    retentionDays,
    failMode: p.failMode === 'open' ? 'open' : DEFAULTS.failMode,
    classifierOptions,
    problems,
  };
}

/** The band an exact age falls in (for wording only: the classifier decides with the age). */
export function bandForAge(age) {
  if (age < 5) return 'eyfs';
  if (age < 7) return 'ks1';
  if (age < 11) return 'ks2';
  if (age < 14) return 'ks3';
  if (age < 16) return 'ks4';
  if (age < 18) return 'ks5';
  return 'staff';
}

/** Longest CSS selector accepted from a policy. */
export const MAX_SELECTOR = 500;

/**
 * An origin as a school writes it, checked and made canonical: `https://vle.example.sch.uk`,
 * `http://` too (a school's own server), a port, or a leading `*.` for every subdomain.
 * No path, query, fragment or user name. Returns undefined when it is not such an origin.
 * @param {unknown} v
 */
export function canonicalOrigin(v) {
  const s = str(v);
  if (!s) return undefined;
  const m = /^(https?):\/\/(\*\.)?([^/?#@*\s]+)\/?$/i.exec(s);
  if (!m) return undefined;
  let u;
  try {
    u = new URL(`${m[1]}://${m[3]}/`);
  } catch {
    return undefined;
  }
  if (!u.hostname || u.hostname.endsWith('.') || (m[2] && !u.hostname.includes('.'))) return undefined;
  return `${u.protocol}//${m[2] ? '*.' : ''}${u.host}`;
}

/**
 * A CSS selector from a policy, checked as far as can be without a DOM: a short string with
 * balanced brackets and no rule syntax (`{`, `}`, `;`, `@`). The content script still calls
 * it inside try/catch, where a selector the browser refuses is recorded and skipped.
 * @param {unknown} v
 */
export function plausibleSelector(v) {
  const s = str(v);
  if (!s || s.length > MAX_SELECTOR || /[{};@\u0000-\u001f]/.test(s)) return undefined;
  const open = { '(': ')', '[': ']' };
  const stack = [];
  let quote = null;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (open[ch]) {
      stack.push(open[ch]);
    } else if (ch === ')' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
    }
  }
  return quote || stack.length ? undefined : s;
}

/**
 * `scanOrigins`: each entry an origin string (default selectors) or
 * `{ origin, messages?, item?, input?, send?, enterSends? }` where `messages` selects the message
 * lists a teacher sees highlighted, `item` the messages inside a list (default: the list's
 * children), `input` the message boxes a pupil types in, `send` the site's send button (for
 * sites whose button is not in a form, matched at click time), `enterSends` whether Enter sends
 * (default true). Bad entries and bad selectors are dropped with a note; one entry per origin
 * (the first wins).
 * @param {unknown} v
 * @param {string[]} problems
 * @returns {ScanOrigin[]}
 */
function scanOrigins(v, problems) {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push('scanOrigins is not a list');
    return [];
  }
  /** @type {ScanOrigin[]} */
  const out = [];
  const seen = new Set();
  v.forEach((entry, i) => {
    const obj = entry && typeof entry === 'object' && !Array.isArray(entry) ? entry : { origin: entry };
    const origin = canonicalOrigin(obj.origin);
    if (!origin) {
      problems.push(`scanOrigins[${i}]: ${JSON.stringify(obj.origin ?? null)} is not an origin such as https://vle.example.sch.uk`);
      return;
    }
    if (seen.has(origin)) {
      problems.push(`scanOrigins[${i}]: ${origin} is listed twice`);
      return;
    }
    seen.add(origin);
    /** @type {ScanOrigin} */
    const e = { origin };
    for (const key of ['messages', 'item', 'input', 'send']) {
      if (obj[key] === undefined) continue;
      const sel = plausibleSelector(obj[key]);
      if (sel) e[key] = sel;
      else problems.push(`scanOrigins[${i}].${key} is not a CSS selector`);
    }
    if (obj.enterSends !== undefined) {
      if (typeof obj.enterSends === 'boolean') e.enterSends = obj.enterSends;
      else problems.push(`scanOrigins[${i}].enterSends is not true or false`);
    }
    out.push(e);
  });
  return out;
}
