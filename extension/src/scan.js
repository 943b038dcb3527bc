// Messages on the school's chosen origins (policy `scanOrigins`): which pages get the message
// content script, what it is told, and what it may log. The top part is pure (Node tests import
// it); the bottom part is the worker's side (chrome.scripting registration and the checked
// message path for content scripts), kept here so sw.js only calls in.

import { atLeast } from './incidents.js';
import { SEVERITIES } from './policy.js';

/** The id of the dynamically registered content script. */
export const SCRIPT_ID = 'esafety-messages';
/** The classic script Chromium injects; it imports the module part (content/messages.js). */
export const SCRIPT_FILE = 'content/loader.js';
/** What a content script may say it did when a nudge showed on send. */
export const MESSAGE_ACTIONS = ['warn', 'block', 'support', 'send_anyway'];
/** Text categories a message record may name (anything else is recorded as `other`). */
export const TEXT_CATEGORIES = ['bullying', 'sexual', 'grooming', 'self_harm', 'extremism', 'discrimination', 'drugs',
  'violence', 'gambling', 'personal_info', 'profanity', 'help_seeking'];

/**
 * Match patterns for the origins (each a canonical origin from policy.js). Ports are left out
 * (a pattern with a port is not portable across Chromium versions): the worker checks the
 * exact origin, port included, before a content script gets any settings.
 * @param {{origin: string}[]} scanOrigins
 * @returns {string[]} sorted, without duplicates
 */
export function matchPatterns(scanOrigins) {
  const out = new Set();
  for (const { origin } of scanOrigins ?? []) {
    const m = /^(https?):\/\/(\*\.)?([^/:]+)(?::\d+)?$/.exec(origin ?? '');
    if (m) out.add(`${m[1]}://${m[2] ?? ''}${m[3]}/*`);
  }
  return [...out].sort();
}

/**
 * The policy entry for a page's origin (`https://vle.example.sch.uk`, port included when not
 * the default), or undefined. A `*.` entry matches its host and every subdomain.
 * @template {{origin: string}} E
 * @param {E[]} scanOrigins
 * @param {string} origin
 * @returns {E | undefined}
 */
export function entryForOrigin(scanOrigins, origin) {
  let u;
  try {
    u = new URL(origin);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  for (const e of scanOrigins ?? []) {
    const m = /^(https?:)\/\/(\*\.)?([^/]+)$/.exec(e.origin);
    if (!m || m[1] !== u.protocol) continue;
    let want;
    try {
      want = new URL(`${m[1]}//${m[3]}/`);
    } catch {
      continue;
    }
    if (want.port !== u.port) continue;
    if (u.hostname === want.hostname || (m[2] && u.hostname.endsWith(`.${want.hostname}`))) return e;
  }
  return undefined;
}

/** Longest text the worker classifies for a content script (the package's own limit is 64 KiB). */
export const MAX_SCAN_TEXT = 20000;

/**
 * What a content script on a listed origin is told: its mode, the wording and help route
 * details, and selectors. Nothing about other origins.
 * @param {ReturnType<typeof import('./policy.js').normalisePolicy>} policy
 * @param {import('./policy.js').ScanOrigin} entry
 */
export function scanConfig(policy, entry) {
  return {
    mode: policy.role === 'pupil' ? 'guard' : 'highlight',
    role: policy.role,
    ageBand: policy.ageBand,
    schoolName: policy.schoolName ?? null,
    dslContact: policy.dslContact ?? null,
    messages: entry.messages ?? null,
    item: entry.item ?? null,
    input: entry.input ?? null,
    send: entry.send ?? null,
    enterSends: entry.enterSends ?? true,
  };
}

/**
 * The incident record for a message a pupil tried to send. Minimum data: no message text at
 * all (the VLE keeps the message itself; the DSL has the host, time, category and severity
 * to start a conversation). Fields from the content script are checked against fixed lists.
 * @param {{action?: unknown, category?: unknown, categories?: unknown, severity?: unknown, ref?: unknown}} msg
 * @param {string} host the page's host, from the sender (never from the message)
 * @param {{ageBand: string, alertThreshold: string}} policy
 */
export function messageIncident(msg, host, policy) {
  const action = MESSAGE_ACTIONS.includes(msg.action) ? msg.action : null;
  if (!action) return null;
  const known = (c) => TEXT_CATEGORIES.includes(c);
  const categories = Array.isArray(msg.categories) ? [...new Set(msg.categories.filter(known))].slice(0, 8) : [];
  const category = known(msg.category) ? msg.category : categories[0] ?? 'other';
  const severity = SEVERITIES.includes(msg.severity) ? msg.severity : 'none';
  const urgent = severity !== 'none' && atLeast(severity, policy.alertThreshold);
  return {
    kind: 'message',
    host,
    category,
    categories,
    severity,
    action,
    alert: urgent ? 'urgent' : 'weekly',
    ageBand: policy.ageBand,
    ...(typeof msg.ref === 'string' && /^[0-9a-f-]{36}$/.test(msg.ref) ? { ref: msg.ref } : {}),
  };
}

// ---- the worker's side ------------------------------------------------------------------------

let registering = Promise.resolve();

/** The last content scripts' start-up figures (ms to the settings, to the first verdict, one round trip): diagnostics. */
export const scanStats = [];

/**
 * Registers the content script for exactly these match patterns (all frames, document idle),
 * replaces a registration for other patterns, and unregisters when there are none. Calls are
 * queued, so the last policy wins. Registrations persist across browser restarts.
 * @param {string[]} patterns
 * @param {(where: string, e: unknown) => void} recordError
 */
export function syncRegistration(patterns, recordError) {
  registering = registering.then(async () => {
    try {
      const current = await chrome.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
      const same = current.length === 1 && JSON.stringify([...(current[0].matches ?? [])].sort()) === JSON.stringify(patterns);
      if (same) return;
      if (current.length) await chrome.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
      if (!patterns.length) return;
      await chrome.scripting.registerContentScripts([{
        id: SCRIPT_ID,
        js: [SCRIPT_FILE],
        matches: patterns,
        allFrames: true,
        runAt: 'document_idle',
        persistAcrossSessions: true,
      }]);
    } catch (e) {
      recordError('content script registration', e);
    }
  });
  return registering;
}

/**
 * Whether a message comes from a content script of this extension (in a web page), not from
 * one of the extension's own pages.
 * @param {chrome.runtime.MessageSender} sender
 */
export function fromContentScript(sender) {
  return sender.id === chrome.runtime.id && Boolean(sender.tab) && typeof sender.url === 'string' &&
    /^https?:/i.test(sender.url);
}

/**
 * Messages from the content script, answered only for frames whose origin the policy lists.
 * @param {any} msg
 * @param {chrome.runtime.MessageSender} sender
 * @param {{ policy: ReturnType<typeof import('./policy.js').normalisePolicy>,
 *   logIncident: (fields: object) => Promise<unknown>, recordError: (where: string, e: unknown) => void,
 *   getClassifier: () => Promise<{classifyText(text: string): object}> }} ctx
 */
export async function onScanMessage(msg, sender, ctx) {
  let origin;
  try {
    origin = sender.origin && sender.origin !== 'null' ? sender.origin : new URL(sender.url).origin;
  } catch {
    return { ok: false, error: 'no origin' };
  }
  const entry = entryForOrigin(ctx.policy.scanOrigins, origin);
  if (!entry) return { ok: false, error: 'origin not listed' };
  switch (msg?.type) {
    case 'scan-config':
      return { ok: true, config: scanConfig(ctx.policy, entry) };
    case 'classify-text': {
      // The worker's classifier (the policy's band): pages never load the WebAssembly.
      if (typeof msg.text !== 'string' || msg.text.length > MAX_SCAN_TEXT) return { ok: false, error: 'text refused' };
      const c = await ctx.getClassifier();
      return { ok: true, verdict: c.classifyText(msg.text) };
    }
    case 'message-incident': {
      if (ctx.policy.role !== 'pupil') return { ok: false, error: 'pupils only' };
      const record = messageIncident(msg, new URL(origin).hostname, ctx.policy);
      if (!record) return { ok: false, error: 'bad record' };
      const id = crypto.randomUUID();
      await ctx.logIncident({ id, ...record });
      return { ok: true, id };
    }
    case 'content-error':
      ctx.recordError(`content script (${origin}) ${String(msg.where ?? '').slice(0, 80)}`, String(msg.error ?? '').slice(0, 300));
      return { ok: true };
    case 'scan-ready':
      scanStats.push({ origin, mode: String(msg.mode ?? '').slice(0, 20), configMs: Number(msg.configMs) || 0,
        firstCheckMs: Number(msg.firstCheckMs) || 0, roundTripMs: Number(msg.roundTripMs) || 0 });
      if (scanStats.length > 20) scanStats.shift();
      return { ok: true };
    default:
      return { ok: false, error: 'unknown message' };
  }
}
