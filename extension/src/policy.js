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
 * @param {Record<string, unknown> | null | undefined} raw the managed storage object
 * @returns {{
 *   role: string, ageBand: string, age?: number, schoolName?: string, dslContact?: string,
 *   reportEndpoint?: string, allow: string[], deny: string[], listPackUrl?: string,
 *   scanOrigins: string[], alertThreshold: string, retentionDays: number, failMode: string,
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
    scanOrigins: strList(p.scanOrigins),
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
