// esafety's MV3 service worker: decides every top-level navigation with the on-device
// classifier (the npm package's WebAssembly build, imported statically: service workers
// cannot import() dynamically), sends blocked and warned pages to the extension's kind
// block page, forces SafeSearch, sets YouTube's restricted-mode header, and keeps the
// incident log in chrome.storage.local.
//
// Rules MV3 imposes and this file follows: every listener is registered synchronously at
// the top level (a worker woken by an event must find its listener at once), no top-level
// await, and no state that matters only in memory (pending warnings live in
// chrome.storage.session; the log in chrome.storage.local). The managed policy is read in
// the background: decisions never wait for it (its first read can take seconds); until it
// arrives the extension protects as a KS2 pupil, then the new policy applies at once.

import { createClassifier } from './lib/esafety/src/web.js';
import { normalisePolicy } from './policy.js';
import { atLeast, concernOf, pruneIncidents, searchExcerpt, severityOf } from './incidents.js';

const BLOCK_PAGE = chrome.runtime.getURL('blocked.html');
const CACHE_SIZE = 500;
const HEADER_RULE_ID = 1;
const YOUTUBE_DOMAINS = ['youtube.com', 'youtube-nocookie.com', 'youtubei.googleapis.com', 'youtube.googleapis.com'];
const ALL_TYPES = ['main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest',
  'ping', 'media', 'websocket', 'other'];

// ---- errors: recorded (for tests and diagnostics), never thrown into Chrome ----------------
/** @type {string[]} */
const errors = [];
globalThis.esafetyErrors = errors;
function recordError(where, e) {
  const text = `${where}: ${e && e.stack ? e.stack : String(e)}`;
  errors.push(text);
  if (errors.length > 50) errors.shift();
  console.warn('esafety', text);
}
self.addEventListener('error', (e) => recordError('error', e.error ?? e.message));
self.addEventListener('unhandledrejection', (e) => recordError('unhandledrejection', e.reason));

// ---- policy and classifier ----------------------------------------------------------------
let policy = normalisePolicy({});
let policyKey = JSON.stringify(policy);
let policySource = 'default';
let managedSeen = false;
/** @type {Promise<import('./lib/esafety/src/index.js').Classifier> | null} */
let classifierPromise = null;
let generation = 0;
/** url -> decision summary, oldest first (a Map keeps insertion order). */
const cache = new Map();

function getClassifier() {
  if (!classifierPromise) {
    const gen = generation;
    const p = policy;
    classifierPromise = buildClassifier(p).then((c) => {
      if (gen === generation) updateHeaderRules(c).catch((e) => recordError('header rules', e));
      return c;
    });
    classifierPromise.catch(() => {
      // Try again on the next navigation rather than failing forever.
      if (gen === generation) classifierPromise = null;
    });
  }
  return classifierPromise;
}

async function buildClassifier(p) {
  const options = { ...p.classifierOptions };
  if (p.listPackUrl) {
    try {
      const res = await fetch(p.listPackUrl, { credentials: 'omit', cache: 'no-cache' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      options.packs = [{ name: 'school', bytes: new Uint8Array(await res.arrayBuffer()) }];
    } catch (e) {
      console.warn('esafety: list pack not loaded, using the built-in lists', String(e));
    }
  }
  try {
    return await createClassifier(options);
  } catch (e) {
    if (!options.packs && !options.overrides) throw e;
    // A corrupt pack or a bad override entry must not leave the pupil unprotected.
    recordError('policy options refused, using the band defaults', e);
    return createClassifier(p.classifierOptions.age !== undefined ? { age: p.classifierOptions.age } : { ageBand: p.ageBand });
  }
}

function applyPolicy(raw, source) {
  const next = normalisePolicy(raw);
  const key = JSON.stringify(next);
  policySource = source;
  if (key === policyKey) return;
  policy = next;
  policyKey = key;
  generation += 1;
  classifierPromise = null;
  cache.clear();
  getClassifier().catch((e) => recordError('classifier', e));
}

function loadManagedPolicy() {
  chrome.storage.managed.get(null).then(
    (raw) => {
      managedSeen = true;
      applyPolicy(raw, Object.keys(raw ?? {}).length ? 'managed' : 'default');
      // Kept for the next worker start, which can then use it before managed storage answers.
      chrome.storage.session.set({ managedPolicy: raw ?? {} }).catch((e) => recordError('session', e));
    },
    (e) => recordError('managed policy', e),
  );
}

/** YouTube restricted mode by request header, as the classifier's decision for YouTube says. */
async function updateHeaderRules(c) {
  const headers = c.classifyUrl('https://www.youtube.com/').headers;
  const addRules = headers.length
    ? [{
        id: HEADER_RULE_ID,
        priority: 1,
        action: {
          type: 'modifyHeaders',
          requestHeaders: headers.map((h) => ({ header: h.name, operation: 'set', value: h.value })),
        },
        condition: { requestDomains: YOUTUBE_DOMAINS, resourceTypes: ALL_TYPES },
      }]
    : [];
  await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [HEADER_RULE_ID], addRules });
}

// ---- decisions ----------------------------------------------------------------------------
/**
 * The cached summary of the classifier's decision for a URL: only what navigation handling,
 * the block page and the log need.
 */
async function decide(url) {
  const hit = cache.get(url);
  if (hit) {
    cache.delete(url);
    cache.set(url, hit);
    return hit;
  }
  let c;
  try {
    c = await getClassifier();
  } catch (e) {
    recordError('classifier unavailable', e);
    return policy.failMode === 'closed'
      ? { action: 'block', concern: 'unavailable', categories: [], host: hostOf(url), help: [], alert: 'none',
          severity: 'none', safeSearchUrl: null, ageBand: policy.ageBand, fromSearch: false }
      : null;
  }
  let d;
  try {
    d = c.classifyUrl(url);
  } catch (e) {
    if (e && e.code !== 'E_BAD_URL') recordError('classifyUrl', e);
    return null;
  }
  const summary = {
    action: d.action,
    concern: concernOf(d),
    categories: d.categories,
    host: d.host,
    help: d.help.map((h) => h.id),
    alert: d.alert,
    severity: severityOf(d),
    safeSearchUrl: d.safeSearchUrl && d.safeSearchUrl !== url ? d.safeSearchUrl : null,
    search: d.action !== 'allow' ? searchExcerpt(d) : undefined,
    fromSearch: Boolean(d.searchQuery && d.reasons.some((r) => r.kind === 'search' && r.action === d.action)),
    ageBand: d.ageBand,
  };
  cache.set(url, summary);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  return summary;
}

function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** tabId -> the one URL the pupil chose to continue to after a warning. */
const allowOnce = new Map();

function blockPageUrl(s, ids) {
  const q = new URLSearchParams({
    a: s.action,
    c: s.concern,
    h: s.host,
    b: s.ageBand,
    r: s.help.join(','),
    i: ids.incident,
  });
  if (s.fromSearch) q.set('s', '1');
  if (ids.warn) q.set('w', ids.warn);
  return `${BLOCK_PAGE}?${q}`;
}

/** tabId -> the URL a "continue" let through (so its commit is not stopped again). */
const passed = new Map();
/** tabId -> { host, time } of the last redirect to the block page (one log record per visit). */
const lastBlock = new Map();

/**
 * Decides a top-level navigation. Called before it starts and again when it commits: the
 * second look catches what the first could not stop (an HSTS upgrade or a server redirect
 * that raced the extension's redirect, a page restored from the back/forward cache).
 */
async function onNavigate({ tabId, frameId, url }, phase) {
  // Top frames only for now: a frame cannot be redirected from here without also replacing
  // the page around it (frames are issue 5's declarativeNetRequest work).
  if (frameId !== 0 || tabId < 0 || !/^https?:/i.test(url)) return;
  if (phase === 'before') {
    passed.delete(tabId);
    if (allowOnce.get(tabId) === url) {
      allowOnce.delete(tabId);
      passed.set(tabId, url);
      return;
    }
  } else if (passed.get(tabId) === url) {
    return;
  }
  const s = await decide(url);
  if (!s) return;
  if (s.action === 'block' || s.action === 'warn') {
    const last = lastBlock.get(tabId);
    const repeat = phase === 'commit' && last && last.host === s.host && Date.now() - last.time < 10000;
    const ids = { incident: repeat ? last.incident : crypto.randomUUID() };
    if (s.action === 'warn') {
      ids.warn = crypto.randomUUID();
      // The destination stays in the worker's session storage, not in the page's address.
      await chrome.storage.session.set({ [`warn:${ids.warn}`]: { url: s.safeSearchUrl ?? url, tabId, time: Date.now() } });
    }
    lastBlock.set(tabId, { host: s.host, time: Date.now(), incident: ids.incident });
    if (!repeat) logIncident({ id: ids.incident, kind: s.action, ...incidentFields(s) });
    await redirectTab(tabId, blockPageUrl(s, ids));
  } else if (s.safeSearchUrl) {
    await redirectTab(tabId, s.safeSearchUrl);
  }
}

/**
 * tabs.update, tried again a few times: Chromium rejects it ("Navigation rejected") while
 * the tab is between an internal redirect (HSTS upgrade) and its commit.
 */
async function redirectTab(tabId, url) {
  for (let attempt = 0; ; attempt++) {
    try {
      await chrome.tabs.update(tabId, { url });
      return;
    } catch (e) {
      if (/No tab with id/i.test(String(e))) return; // closed meanwhile
      if (attempt >= 6) throw e;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}

function incidentFields(s) {
  return {
    host: s.host,
    ...(s.search !== undefined ? { search: s.search } : {}),
    category: s.concern,
    categories: s.categories,
    severity: s.severity,
    action: s.action,
    alert: s.alert === 'urgent' || atLeast(s.severity, policy.alertThreshold) ? 'urgent' : s.alert,
    ageBand: s.ageBand,
  };
}

// ---- incident log (one writer) --------------------------------------------------------------
let writing = Promise.resolve();
function logIncident(fields) {
  const record = { time: new Date().toISOString(), ...fields, sent: false };
  writing = writing
    .then(async () => {
      const { incidents = [] } = await chrome.storage.local.get('incidents');
      incidents.push(record);
      await chrome.storage.local.set({ incidents: pruneIncidents(incidents, policy.retentionDays) });
    })
    .catch((e) => recordError('incident log', e));
  return writing;
}

// ---- messages from the block page -----------------------------------------------------------
async function onMessage(msg, sender) {
  if (sender.id !== chrome.runtime.id || !sender.url || !sender.url.startsWith(BLOCK_PAGE)) {
    return { ok: false, error: 'not from the block page' };
  }
  const tabId = sender.tab?.id;
  switch (msg?.type) {
    case 'page-info':
      return {
        ok: true,
        schoolName: policy.schoolName ?? null,
        dslContact: policy.dslContact ?? null,
        reportEndpoint: policy.reportEndpoint ?? null,
        age: policy.age ?? null,
        ageBand: policy.ageBand,
      };
    case 'continue': {
      const key = `warn:${msg.warn}`;
      const { [key]: pending } = await chrome.storage.session.get(key);
      if (!pending || typeof tabId !== 'number') return { ok: false, error: 'this warning has expired' };
      await chrome.storage.session.remove(key);
      allowOnce.set(tabId, pending.url);
      await logIncident({ id: crypto.randomUUID(), kind: 'continue', ref: String(msg.incident ?? ''), ...pageFields(msg) });
      await redirectTab(tabId, pending.url);
      return { ok: true };
    }
    case 'unblock-request':
      await logIncident({ id: crypto.randomUUID(), kind: 'unblock_request', ref: String(msg.incident ?? ''), ...pageFields(msg) });
      return { ok: true };
    default:
      return { ok: false, error: 'unknown message' };
  }
}

/** Fields the block page sends back (from its own address): checked, short. */
function pageFields(msg) {
  const clip = (v) => String(v ?? '').slice(0, 253);
  return { host: clip(msg.host), category: clip(msg.category), action: clip(msg.action), severity: 'none', alert: 'weekly' };
}

// ---- listeners: all registered synchronously at start ----------------------------------------
chrome.webNavigation.onBeforeNavigate.addListener((details) => {
  onNavigate(details, 'before').catch((e) => recordError('navigate', e));
});
chrome.webNavigation.onCommitted.addListener((details) => {
  onNavigate(details, 'commit').catch((e) => recordError('navigate (commit)', e));
});
chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  onMessage(msg, sender).then(sendResponse, (e) => {
    recordError('message', e);
    sendResponse({ ok: false, error: String(e) });
  });
  return true;
});
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed') loadManagedPolicy();
});
chrome.tabs.onRemoved.addListener((tabId) => {
  allowOnce.delete(tabId);
  passed.delete(tabId);
  lastBlock.delete(tabId);
});

// ---- start -------------------------------------------------------------------------------
// A restarted worker uses the policy it saw last (session storage answers quickly) until
// managed storage answers; then the school's current policy.
chrome.storage.session.get('managedPolicy').then(
  ({ managedPolicy }) => {
    if (managedPolicy && !managedSeen) applyPolicy(managedPolicy, 'session');
  },
  (e) => recordError('session', e),
);
loadManagedPolicy();
getClassifier().catch((e) => recordError('classifier', e));

/** For tests and the admin's diagnostics page (later): what the worker is doing. */
globalThis.esafetyState = () => ({ policy, policySource, cacheSize: cache.size, generation, errors: [...errors] });
