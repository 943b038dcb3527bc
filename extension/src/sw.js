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

import { createClassifier, installLexicon } from './engine.js';
import { normalisePolicy } from './policy.js';
import { atLeast, concernOf, pruneIncidents, searchExcerpt, severityOf } from './incidents.js';
import { HotRules } from './hot.js';
import { lookUpIdentity } from './identity.js';
import { fromContentScript, matchPatterns, onScanMessage, scanStats, syncRegistration } from './scan.js';
import { createOutbox } from './outbox.js';

// The WebAssembly is fetched and compiled from the first moment: a woken worker spends most
// of its start-up here, and the policy reads and listener set-up below can run meanwhile.
// The module comes without the lexicon table (engine.js): URL decisions start as soon as it is
// compiled. The table (1.8 MB, for messages and search terms) is fetched only once the first
// URL decision is out, or when text needs it (see `lexicon`): fetched alongside the module, it
// made a cold worker's first decision 7 ms later (extension/bench, 24 cold starts each way,
// alternated in one browser). The build bundles this file, so files are named by their place
// in the extension, not relative to this script.
const WASM_URL = chrome.runtime.getURL('lib/esafety/dist/web-split/esafety_wasm_bg.wasm');
const LEXICON_URL = chrome.runtime.getURL('lib/esafety/dist/web-split/esafety_lexicon.bin');
const wasmModule = WebAssembly.compileStreaming(fetch(WASM_URL));
// A failure here is retried by the package, which fetches WASM_URL itself.
wasmModule.then(() => (timings.compiled = performance.now()), () => {});

async function fetchLexicon() {
  const res = await fetch(LEXICON_URL);
  if (!res.ok) throw new Error(`lexicon: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const BLOCK_PAGE = chrome.runtime.getURL('blocked.html');
const CACHE_SIZE = 500;
const HEADER_RULE_ID = 1;
const YOUTUBE_DOMAINS = ['youtube.com', 'youtube-nocookie.com', 'youtubei.googleapis.com', 'youtube.googleapis.com'];
const ALL_TYPES = ['main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object', 'xmlhttprequest',
  'ping', 'media', 'websocket', 'other'];

/** Milliseconds since the worker started (performance.timeOrigin) at key moments, for tests and the benchmark. */
const timings = {
  script: performance.now(),
  classifierStart: null,
  compiled: null,
  classifier: null,
  lexicon: null,
  firstEvent: null,
  firstEventSinceNavigation: null,
  firstDecision: null,
};
/** The last few decision times in ms (classifying one new URL; navigation event to action), for the benchmark. */
const SAMPLES = 1024;
/** Ring buffers (a shift() per navigation would move 1,024 numbers on the hot path). */
const samples = { decide: { at: 0, n: 0, ms: new Float64Array(SAMPLES) }, navigation: { at: 0, n: 0, ms: new Float64Array(SAMPLES) } };
function sample(kind, ms) {
  const r = samples[kind];
  r.ms[r.at] = ms;
  r.at = (r.at + 1) % SAMPLES;
  r.n = Math.min(r.n + 1, SAMPLES);
}
/** A ring's samples, oldest first. */
function samplesOf(kind) {
  const r = samples[kind];
  const start = (r.at - r.n + SAMPLES) % SAMPLES;
  return Array.from({ length: r.n }, (_, i) => r.ms[(start + i) % SAMPLES]);
}

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
/** Whether Chromium calls the blocking request listener (force-installed; known a moment after start-up). */
let blockingGranted = false;
/** @type {Promise<import('./lib/esafety/src/index.js').Classifier> | null} */
let classifierPromise = null;
/** The current policy's classifier once built: what a synchronous decision (onRequest) uses. */
let readyClassifier = null;
let generation = 0;
/** url -> decision summary, oldest first (a Map keeps insertion order). */
const cache = new Map();
/** Blocked hosts enforced by declarativeNetRequest (see hot.js). */
const hot = new HotRules(chrome.declarativeNetRequest);

function getClassifier() {
  if (!classifierPromise) {
    const gen = generation;
    const p = policy;
    classifierPromise = buildClassifier(p).then((c) => {
      timings.classifier ??= performance.now();
      if (gen === generation) {
        readyClassifier = c;
        updateHeaderRules(c).catch((e) => recordError('header rules', e));
      }
      return c;
    });
    classifierPromise.catch(() => {
      // Try again on the next navigation rather than failing forever.
      if (gen === generation) classifierPromise = null;
    });
  }
  return classifierPromise;
}

/** Installs the lexicon table once (after the module); a failure is tried again by the next caller. */
let lexiconPromise = null;
function lexicon() {
  lexiconPromise ??= (async () => {
    await getClassifier(); // the module is loaded with the first classifier
    const bytes = await fetchLexicon();
    await installLexicon(bytes);
    timings.lexicon ??= performance.now();
  })();
  lexiconPromise.catch(() => {
    lexiconPromise = null;
  });
  return lexiconPromise;
}

/** Resolves when the worker's first URL decision is out (see `decide`). */
let firstDecisionOut;
const firstDecision = new Promise((resolve) => (firstDecisionOut = resolve));
/** How long a worker that decides nothing (woken by a message or an alarm) waits before loading the table. */
const LEXICON_IDLE_MS = 250;

/** The classifier once it can judge text (messages). */
async function getTextClassifier() {
  await lexicon();
  return getClassifier();
}

/** A URL's decision; one whose search terms need the lexicon waits for it (cold start only). */
async function classifyUrlWhenReady(c, url) {
  try {
    return c.classifyUrl(url);
  } catch (e) {
    if (!e || e.code !== 'E_NOT_READY') throw e;
  }
  try {
    await lexicon();
  } catch (e) {
    // Reported as not ready, so that the caller fails as the policy says (open or closed).
    throw Object.assign(new Error(`lexicon not loaded: ${e?.message ?? e}`), { code: 'E_NOT_READY' });
  }
  return c.classifyUrl(url);
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
  timings.classifierStart ??= performance.now();
  options.wasm = await wasmModule.catch(() => WASM_URL);
  try {
    return await createClassifier(options);
  } catch (e) {
    if (!options.packs && !options.overrides) throw e;
    // A corrupt pack or a bad override entry must not leave the pupil unprotected.
    recordError('policy options refused, using the band defaults', e);
    return createClassifier(p.classifierOptions.age !== undefined ? { age: p.classifierOptions.age } : { ageBand: p.ageBand });
  }
}

// ---- a warm worker on managed devices ------------------------------------------------------
// A stopped worker must start, load its modules and the WebAssembly again before it can decide
// (about 100 ms on a slow machine: extension/bench), while the page it should stop is already
// loading. Chrome's extension documentation allows, for enterprise and education extensions on
// managed devices only, keeping the worker alive by calling an extension API every ~20 s (each
// call resets the idle timer). So: on while a managed policy is in force or the extension is
// force-installed, off otherwise.
const KEEP_ALIVE_MS = 20000;
let keepAliveTimer = null;
function updateKeepAlive() {
  // Force-installed (blocking granted) is managed too, even before the school sets a policy.
  const managed = policySource === 'managed' || blockingGranted;
  if (managed && keepAliveTimer === null) {
    keepAliveTimer = setInterval(() => {
      chrome.runtime.getPlatformInfo().catch(() => {});
    }, KEEP_ALIVE_MS);
  } else if (!managed && keepAliveTimer !== null) {
    clearInterval(keepAliveTimer);
    keepAliveTimer = null;
  }
}

function applyPolicy(raw, source) {
  const next = normalisePolicy(raw);
  const key = JSON.stringify(next);
  policySource = source;
  updateKeepAlive();
  // Messages (scan.js): the content script on exactly the policy's scanOrigins.
  syncRegistration(matchPatterns(next.scanOrigins), recordError);
  outbox.configure({ endpoint: next.reportEndpoint, school: next.schoolName }); // upload: see outbox.js
  if (key === policyKey) return;
  policy = next;
  policyKey = key;
  generation += 1;
  classifierPromise = null;
  readyClassifier = null;
  cache.clear();
  hot.clear().catch((e) => recordError('hot rules', e));
  getClassifier().catch((e) => recordError('classifier', e));
}

/**
 * A policy set through the test hook (esafetyTestPolicy), kept in session storage so that it
 * outlives a worker restart as a managed policy does. Used only while no managed policy is in
 * force; a managed policy always wins.
 */
let testPolicy = null;

/** Applies what managed storage said, or the test policy when it said nothing. */
function applyManaged(raw) {
  const empty = !raw || Object.keys(raw).length === 0;
  if (empty && testPolicy) applyPolicy(testPolicy, 'test');
  else applyPolicy(raw, empty ? 'default' : 'managed');
}

function loadManagedPolicy() {
  chrome.storage.managed.get(null).then(
    (raw) => {
      managedSeen = true;
      applyManaged(raw);
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
  const now = decideNow(url);
  if (now !== undefined) return now;
  let c;
  try {
    c = await getClassifier();
  } catch (e) {
    recordError('classifier unavailable', e);
    return unavailable(url);
  }
  const started = performance.now();
  let d;
  try {
    d = await classifyUrlWhenReady(c, url);
  } catch (e) {
    if (e && e.code === 'E_BAD_URL') return null;
    recordError('classifyUrl', e);
    // The lexicon could not be loaded: as when the classifier is unavailable.
    return e && e.code === 'E_NOT_READY' ? unavailable(url) : null;
  }
  return remember(url, d, started);
}

/**
 * The decision without waiting, from the cache or the classifier when it is built; undefined
 * when it would have to wait (no classifier yet, or search terms that need the lexicon table).
 * null, as from `decide`, when there is nothing to do (not a URL the classifier takes).
 */
function decideNow(url) {
  const hit = cache.get(url);
  if (hit) {
    cache.delete(url);
    cache.set(url, hit);
    return hit;
  }
  const c = readyClassifier;
  if (!c) return undefined;
  const started = performance.now();
  let d;
  try {
    d = c.classifyUrl(url);
  } catch (e) {
    if (e && e.code === 'E_NOT_READY') return undefined;
    if (e && e.code === 'E_BAD_URL') return null;
    recordError('classifyUrl', e);
    return null;
  }
  return remember(url, d, started);
}

/** Caches the summary of a decision (what navigation handling, the block page and the log need). */
function remember(url, d, started) {
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
  const done = performance.now();
  if (timings.firstDecision === null) {
    timings.firstDecision = done;
    firstDecisionOut();
  }
  sample('decide', done - started);
  return summary;
}

/** The decision when the classifier cannot decide: block if the policy fails closed. */
function unavailable(url) {
  return policy.failMode === 'closed'
    ? { action: 'block', concern: 'unavailable', categories: [], host: hostOf(url), help: [], alert: 'none',
        severity: 'none', safeSearchUrl: null, ageBand: policy.ageBand, fromSearch: false }
    : null;
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

/** The block page's query: what it shows, never the full address or the search words. */
function blockQuery(s, ids = {}) {
  const q = new URLSearchParams({
    a: s.action,
    c: s.concern,
    h: s.host,
    b: s.ageBand,
    r: s.help.join(','),
  });
  if (ids.incident) q.set('i', ids.incident);
  if (s.fromSearch) q.set('s', '1');
  if (ids.warn) q.set('w', ids.warn);
  return q;
}

function blockPageUrl(s, ids) {
  return `${BLOCK_PAGE}?${blockQuery(s, ids)}`;
}

/** tabId -> the URL a "continue" let through (so its commit is not stopped again). */
const passed = new Map();
/** tabId -> { host, time, incident } of the last block in that tab (one log record per visit). */
const lastBlock = new Map();
/** Visits to one host in one tab within this time are one incident. */
const SAME_VISIT_MS = 10000;

/** The incident id of this tab's visit to a host if it was logged moments ago, else null. */
function recentVisit(tabId, host) {
  const last = lastBlock.get(tabId);
  return last && last.host === host && Date.now() - last.time < SAME_VISIT_MS ? last.incident : null;
}

/** Logs a block or warning once per visit and returns its incident id. */
function logVisit(tabId, s, extra = {}) {
  const known = recentVisit(tabId, s.host);
  const incident = known ?? crypto.randomUUID();
  lastBlock.set(tabId, { host: s.host, time: Date.now(), incident });
  if (!known) logIncident({ id: incident, kind: s.action, ...incidentFields(s), ...extra });
  return incident;
}

/** Whether a school allow entry with a path sits on this host (a host-wide rule would overrule it). */
function allowsPathOn(host) {
  return policy.allow.some((a) => {
    const slash = a.indexOf('/');
    if (slash < 0) return false;
    const h = a.slice(0, slash).toLowerCase();
    return host === h || host.endsWith(`.${h}`) || h.endsWith(`.${host}`);
  });
}

/**
 * Hands a blocked host to declarativeNetRequest (hot.js) when the whole host is blocked:
 * not for a search (the words decided, not the host), not when the school allows a path on
 * it, and only if the host's front page gets the same block. Resolves to whether a rule
 * covers the host afterwards.
 */
async function learnHost(s, gen) {
  if (s.action !== 'block' || s.fromSearch || hot.has(s.host)) return hot.has(s.host);
  if (allowsPathOn(s.host)) return false;
  const root = await decide(`https://${s.host}/`);
  if (gen !== generation || !root || root.action !== 'block' || root.concern !== s.concern || root.fromSearch) return false;
  await hot.add(s.host, `/blocked.html?${blockQuery(root)}`);
  return hot.has(s.host);
}

/** Notes when the first navigation event reached this worker (for the benchmark's cold starts). */
function noteFirstEvent(timeStamp) {
  if (timings.firstEvent !== null) return;
  const arrived = performance.now();
  timings.firstEvent = arrived;
  // How long the browser's event took to reach this worker (timeStamp is the browser's clock, ms since 1970).
  if (typeof timeStamp === 'number') timings.firstEventSinceNavigation = performance.timeOrigin + arrived - timeStamp;
}

/**
 * At the start of a top-level navigation: whether it is the one URL the pupil chose to
 * continue to after a warning (let through once, and marked so its commit is left alone).
 */
function continuedTo(tabId, url) {
  passed.delete(tabId);
  if (allowOnce.get(tabId) !== url) return false;
  allowOnce.delete(tabId);
  passed.set(tabId, url);
  return true;
}

/**
 * The block or warning page for a navigation decided `block` or `warn`: the visit logged, a
 * warning's destination kept in the worker's session storage (not in the page's address);
 * `stored` resolves once it is kept.
 */
function stopPage(tabId, s, url) {
  const ids = {};
  let stored = Promise.resolve();
  if (s.action === 'warn') {
    ids.warn = crypto.randomUUID();
    stored = chrome.storage.session.set({ [`warn:${ids.warn}`]: { url: s.safeSearchUrl ?? url, tabId, time: Date.now() } });
  }
  ids.incident = logVisit(tabId, s);
  return { page: blockPageUrl(s, ids), stored };
}

/**
 * Decides a top-level navigation. Called before it starts and again when it commits (and
 * when a page changes its address itself, as single-page sites do): the second look catches
 * what the first could not stop (an HSTS upgrade or a server redirect that raced the
 * extension's redirect, a page restored from the back/forward cache). A host already in a
 * hot rule needs nothing before it starts: Chromium redirects the request itself, and the
 * block page logs the visit.
 */
async function onNavigate({ tabId, frameId, url, timeStamp }, phase) {
  if (tabId < 0 || !/^https?:/i.test(url)) return;
  noteFirstEvent(timeStamp);
  if (frameId !== 0) {
    await onFrame(tabId, frameId, url, phase);
    return;
  }
  if (phase === 'before') {
    if (continuedTo(tabId, url)) return;
  } else if (passed.get(tabId) === url) {
    return;
  }
  const gen = generation;
  const ruled = phase === 'before' && hot.has(hostOf(url));
  const started = performance.now();
  const s = await decide(url);
  if (phase === 'before') sample('navigation', performance.now() - started);
  if (!s) return;
  if (s.action === 'block' || s.action === 'warn') {
    const learning = learnHost(s, gen).catch((e) => recordError('hot rules', e));
    if (ruled && s.action === 'block') return;
    const { page, stored } = stopPage(tabId, s, url);
    await stored;
    // The rule first (a few ms), so the https half of an HSTS upgrade meets it too.
    if (phase === 'before') await learning;
    await redirectTab(tabId, page);
  } else if (s.safeSearchUrl) {
    await redirectTab(tabId, s.safeSearchUrl);
  }
}

/**
 * Frames: a blocked host gets a hot rule as soon as a frame starts loading it, so the frame's
 * request usually meets the block page already. If the frame still commits (the rule came too
 * late), its document is replaced by the block page. Warnings are not shown in frames (a
 * frame has no room for a "continue"): the page around it was already allowed.
 */
async function onFrame(tabId, frameId, url, phase) {
  const gen = generation;
  const s = await decide(url);
  if (!s || s.action !== 'block') return;
  await learnHost(s, gen);
  if (phase !== 'commit') return;
  const incident = logVisit(tabId, s, { frame: true });
  await chrome.scripting
    .executeScript({
      target: { tabId, frameIds: [frameId] },
      func: (to) => location.replace(to),
      args: [blockPageUrl(s, { incident })],
    })
    .catch(() => {}); // the frame went away meanwhile
}

// ---- blocking before the request (force-installed builds) -----------------------------------
// Chromium honours a blocking `webRequest` listener only in an extension force-installed by
// policy (ExtensionInstallForcelist, or the Admin console's force install): there the
// listener below decides a navigation's request before it leaves the browser, so not even
// the first visit to a blocked site reaches its server, a server redirect to a blocked site is
// caught at its hop, and SafeSearch is applied before the unsafe search is sent. Loaded
// unpacked (the tests, a developer) the listener is accepted but never called, and
// `chrome.permissions.contains` says so: webNavigation then decides everything, as it does in
// a force-installed build until the classifier is built (a worker's first ~70 ms) or when a
// search's words need the lexicon table that is still loading.

chrome.permissions.contains({ permissions: ['webRequestBlocking'] }).then(
  (granted) => {
    blockingGranted = granted;
    updateKeepAlive();
  },
  (e) => recordError('permissions', e),
);

/** Whether the request listener decides main-frame navigations now (webNavigation stands aside). */
function requestsDecided() {
  return blockingGranted && readyClassifier !== null;
}

/** tabId -> the URL whose "before" look webNavigation took (the request listener leaves it). */
const navigationTook = new Map();
/** requestIds of navigations a "continue" let through: their redirect hops pass too. */
const passedRequests = new Set();

/**
 * The blocking listener: a synchronous decision for a main frame or frame request. Returns the
 * redirect Chromium should make, or nothing. What it cannot decide without waiting goes to the
 * navigation handler, which redirects the tab a moment later, as in an unpacked build.
 */
function onRequest({ requestId, tabId, frameId, type, url, timeStamp }) {
  if (tabId < 0 || !/^https?:/i.test(url)) return {};
  const arrived = performance.now();
  noteFirstEvent(timeStamp);
  if (type !== 'main_frame') return onFrameRequest(tabId, url);
  if (passedRequests.has(requestId)) {
    passed.set(tabId, url); // a redirect hop of a page the pupil chose to continue to
    return {};
  }
  if (navigationTook.get(tabId) === url) {
    navigationTook.delete(tabId);
    return {};
  }
  if (continuedTo(tabId, url)) {
    passedRequests.add(requestId);
    if (passedRequests.size > 64) passedRequests.delete(passedRequests.values().next().value);
    return {};
  }
  const s = decideNow(url);
  if (s === undefined) {
    onNavigate({ tabId, frameId, url, timeStamp }, 'before').catch((e) => recordError('navigate', e));
    return {};
  }
  sample('navigation', performance.now() - arrived);
  if (!s) return {};
  if (s.action === 'block' || s.action === 'warn') {
    const ruled = hot.has(s.host);
    learnHost(s, generation).catch((e) => recordError('hot rules', e));
    if (ruled && s.action === 'block') return {}; // the hot rule redirects it, and the block page logs the visit
    const { page, stored } = stopPage(tabId, s, url);
    // A warning's destination is read only when the pupil presses "continue", long after.
    stored.catch((e) => recordError('session', e));
    return { redirectUrl: page };
  }
  return s.safeSearchUrl ? { redirectUrl: s.safeSearchUrl } : {};
}

/** A frame's request: a blocked host's frame shows the (compact) block page instead. */
function onFrameRequest(tabId, url) {
  const s = decideNow(url);
  if (!s || s.action !== 'block') return {}; // undecided: onFrame looks again when it commits
  const ruled = hot.has(s.host);
  learnHost(s, generation).catch((e) => recordError('hot rules', e));
  if (ruled) return {};
  return { redirectUrl: blockPageUrl(s, { incident: logVisit(tabId, s, { frame: true }) }) };
}

/**
 * Blocks the open tabs whose page is blocked (warnings are left: a pupil may have chosen to
 * continue before a worker restart).
 */
async function sweepTabs() {
  const tabs = await chrome.tabs.query({});
  await Promise.all(
    tabs.map(async (tab) => {
      const url = tab.pendingUrl || tab.url || '';
      if (tab.id == null || !/^https?:/i.test(url)) return;
      const s = await decide(url);
      if (s?.action !== 'block') return;
      await redirectTab(tab.id, blockPageUrl(s, { incident: logVisit(tab.id, s) }));
    }),
  );
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
/** The profile's account and the device, where the platform gives them (identity.js). */
const identity = lookUpIdentity(chrome).catch((e) => {
  recordError('identity', e);
  return {};
});

function logIncident(fields) {
  const record = { time: new Date().toISOString(), ...fields, sent: false };
  writing = writing
    .then(async () => {
      Object.assign(record, await identity);
      const { incidents = [] } = await chrome.storage.local.get('incidents');
      incidents.push(record);
      await chrome.storage.local.set({ incidents: pruneIncidents(incidents, policy.retentionDays) });
    })
    .catch((e) => recordError('incident log', e));
  if (record.alert === 'urgent') requestUpload({ now: true }); // upload: see outbox.js
  return writing;
}

// ---- upload to the school's reportEndpoint (outbox.js) ---------------------------------------
// The queue is the log's unsent records; outbox.js marks them sent through withLog, on the same
// chain as logIncident, so a record logged during a POST is never overwritten. One alarm wakes
// the worker for the background sweep (15 min) and when a backoff ends; with no endpoint it
// is cleared. A worker that starts sends what the last one left (once the policy is known).
const OUTBOX_ALARM = 'esafety-outbox';

/** Runs `update(incidents)` after every pending log write; an array it returns becomes the log. */
function withLog(update) {
  const run = writing.then(async () => {
    const { incidents = [] } = await chrome.storage.local.get('incidents');
    const next = await update(incidents);
    if (Array.isArray(next)) await chrome.storage.local.set({ incidents: next });
    return next ?? incidents;
  });
  writing = run.then(() => {}, () => {}); // the outbox reports its own failures
  return run;
}

const outbox = createOutbox({
  storage: chrome.storage.local,
  withLog,
  fetch: (url, init) => fetch(url, init),
  schedule: (when) => (when === null ? chrome.alarms.clear(OUTBOX_ALARM) : chrome.alarms.create(OUTBOX_ALARM, { when })),
  online: () => navigator.onLine !== false,
  onError: recordError,
});

function requestUpload(options) {
  outbox.flush(options).catch((e) => recordError('outbox', e));
}

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === OUTBOX_ALARM) requestUpload();
});
self.addEventListener('online', () => requestUpload({ now: true }));
// A new worker tries at once when urgent records wait (an ordinary backoff gives way to them;
// workers start seldom enough that this never becomes a tight loop), else on the schedule.
requestUpload({ now: true });

/** For tests and diagnostics: the outbox's state and how many records wait. */
globalThis.esafetyOutbox = () => outbox.status();

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
    case 'rule-visit': {
      // A hot rule sent this tab (or frame) here without the worker seeing the request: the
      // page asks for the visit to be logged. Checked against the worker's own decision, so
      // a page cannot log a host that is not blocked.
      const host = String(msg.host ?? '').slice(0, 253).toLowerCase();
      const s = typeof tabId === 'number' && host ? await decide(`https://${host}/`) : null;
      if (!s || s.action !== 'block' || s.host !== host) return { ok: false, error: 'not a blocked host' };
      const where = msg.frame === true ? { via: 'rule', frame: true } : { via: 'rule' };
      return { ok: true, incident: logVisit(tabId, s, where) };
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
  if (details.frameId === 0) {
    // A force-installed build with its classifier built: the request listener decides it.
    if (requestsDecided()) {
      navigationTook.delete(details.tabId);
      return;
    }
    navigationTook.set(details.tabId, details.url);
  }
  onNavigate(details, 'before').catch((e) => recordError('navigate', e));
});
try {
  chrome.webRequest.onBeforeRequest.addListener(
    (details) => {
      try {
        return onRequest(details);
      } catch (e) {
        recordError('request', e);
        return {};
      }
    },
    { urls: ['http://*/*', 'https://*/*'], types: ['main_frame', 'sub_frame'] },
    ['blocking'],
  );
} catch (e) {
  // A Chromium without the permission: webNavigation decides everything.
  console.warn('esafety: no blocking webRequest listener', String(e));
}
chrome.webNavigation.onCommitted.addListener((details) => {
  onNavigate(details, 'commit').catch((e) => recordError('navigate (commit)', e));
});
// Single-page sites (YouTube's search, for one) change the address without a navigation.
chrome.webNavigation.onHistoryStateUpdated.addListener((details) => {
  if (details.frameId === 0) onNavigate(details, 'commit').catch((e) => recordError('navigate (history)', e));
});
chrome.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  // Content scripts on scanOrigins (scan.js checks the origin) and the block page: two paths.
  const answer = fromContentScript(sender)
    // A content script's message may be what woke the worker: answer with the restored policy.
    ? sessionRestored.then(() => onScanMessage(msg, sender, { policy, logIncident, recordError, getClassifier: getTextClassifier }))
    : onMessage(msg, sender);
  answer.then(sendResponse, (e) => {
    recordError('message', e);
    sendResponse({ ok: false, error: String(e) });
  });
  return true;
});
// Pages already open when the extension is installed, updated or the browser starts were
// loaded before any listener ran: look at them once.
chrome.runtime.onInstalled.addListener(() => {
  sweepTabs().catch((e) => recordError('sweep', e));
});
chrome.runtime.onStartup.addListener(() => {
  sweepTabs().catch((e) => recordError('sweep', e));
});
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed') loadManagedPolicy();
});
chrome.tabs.onRemoved.addListener((tabId) => {
  allowOnce.delete(tabId);
  navigationTook.delete(tabId);
  passed.delete(tabId);
  lastBlock.delete(tabId);
});

// ---- start -------------------------------------------------------------------------------
// A restarted worker uses the policy it saw last (session storage answers quickly) until
// managed storage answers; then the school's current policy.
const sessionRestored = chrome.storage.session.get(['managedPolicy', 'testPolicy']).then(
  (saved) => {
    testPolicy = saved.testPolicy ?? null;
    if (!managedSeen && saved.managedPolicy) applyManaged(saved.managedPolicy);
    else if (testPolicy && policySource === 'default') applyPolicy(testPolicy, 'test');
  },
  (e) => recordError('session', e),
);
loadManagedPolicy();
hot.load().catch((e) => recordError('hot rules', e));
getClassifier().catch((e) => recordError('classifier', e));
// The table after the first URL decision (or a moment after start-up when none is asked for);
// text asks for it at once, whenever it comes.
Promise.race([firstDecision, new Promise((r) => setTimeout(r, LEXICON_IDLE_MS))])
  .then(lexicon)
  .catch((e) => recordError('lexicon', e));

/**
 * For the benchmark: decides each URL as a navigation would (cache included) and returns the
 * time each took, in ms. Only code in the worker's own global reaches it, as with esafetyState.
 */
globalThis.esafetyTimeDecisions = async (urls) => {
  const times = [];
  for (const url of urls) {
    const t = performance.now();
    await decide(String(url));
    times.push(performance.now() - t);
  }
  return times;
};

/** For tests and the admin's diagnostics page (later): what the worker is doing. */
globalThis.esafetyState = () => ({
  policy,
  policySource,
  managedSeen,
  cacheSize: cache.size,
  generation,
  hotHosts: [...hot.hosts.keys()],
  keepAlive: keepAliveTimer !== null,
  webRequestBlocking: blockingGranted,
  timings: { ...timings },
  samples: { decide: samplesOf('decide'), navigation: samplesOf('navigation') },
  errors: [...errors],
  scanStats: [...scanStats],
});

/**
 * Test and diagnostic hook: applies a policy as if managed storage had given it (and waits for
 * the content script registration), so tests need not write a machine-wide Chromium policy
 * file. Only code running in this worker can call it (tests through the DevTools protocol);
 * web pages and content scripts cannot reach the worker's global. A school's managed policy
 * always wins: the hook refuses while one is in force, and a later managed policy replaces it.
 * Kept in session storage: it outlives a worker restart (as a managed policy does), not the
 * browser.
 */
globalThis.esafetyTestPolicy = async (raw) => {
  if (policySource === 'managed') return { ok: false, error: 'a managed policy is in force' };
  testPolicy = raw;
  await chrome.storage.session.set({ testPolicy: raw });
  applyPolicy(raw, 'test');
  await syncRegistration(matchPatterns(policy.scanOrigins), recordError);
  return { ok: true, policy };
};
