// The upload queue: sends the incident log's unsent records to the school's `reportEndpoint`
// (POST, JSON) and marks them sent, so that nothing is lost to offline time, a failing
// server or a service worker killed mid-send. No chrome.* here: every dependency is passed
// in, so Node tests can drive it with a fake storage, fetch and clock.
//
// The queue is the log itself. The records to send are the log's records with `sent !== true`
// (and a string `id`); there is no second copy of them. The only state of its own is a small
// object under the storage key `outbox`: next attempt time, consecutive failures, last error,
// last success, and the endpoint it applies to (a new endpoint starts afresh).
//
// One writer. The service worker owns the log (`logIncident` chains every write on one
// promise). The outbox never writes the log directly: it is given `withLog(update)`, which runs
// `update(incidents)` on that same chain and, when `update` returns an array, stores it as the
// log. Reading the unsent records and marking them sent both go through it, so records logged
// while a POST is in flight are never overwritten: the mark re-reads the log and flips `sent`
// only on the ids the endpoint accepted.
//
// Delivery is at least once, never at most once. A record is marked sent only after a 2xx
// answer; if the worker dies between that answer and the mark, the same records (same `id`)
// are sent again next time. The endpoint must treat `id` as the key and ignore repeats.
//
// When it sends. One flush at a time (single flight): a flush asked for while one runs is
// run again once it ends. The service worker asks for one at start (a restarted worker picks
// up what the last one left), right after an urgent record is logged, when the browser comes
// back online, and when its alarm fires (every 15 minutes, or when a backoff ends). Each flush
// tells `schedule(when)` the next wake-up it wants (`null`: none, because there is no
// endpoint). Nothing is sent before the policy is known (`configure`), and nothing at all
// without an endpoint: records then stay `sent: false` for the local weekly summary.
//
// Failures keep every record. Network errors, timeouts (10 s), 5xx, 408 and 429 back off
// exponentially from 30 s to 1 h, with jitter. A 429 or 503 with `Retry-After` (seconds or an
// HTTP date) waits that long (at least 30 s, at most 1 h). Any other 4xx, or a redirect, is a
// configuration error: the records stay, the error is kept in the state for the admin, and
// the next try is in 1 h (never a tight loop). An ordinary backoff gives way to an urgent
// record or the browser coming back online; a configuration error or a Retry-After does not.
// Offline (`online()` false) is no failure: nothing is posted, and the next look is in a
// minute if an urgent record waits, else at the next sweep.
//
// Minimum data (UK GDPR). Each record is sent with the log's own fields only, picked by name
// (`RECORD_FIELDS`: host names, never addresses; a search excerpt at most), with the school's
// name and the device block the caller gives; no cookies (`credentials: 'omit'`), no referrer.
// Retention wins over delivery: the service worker prunes the log to `retentionDays` whether
// or not records were sent, so a record unsent for longer than that is gone, not uploaded.

/** The `schema` field of every POST body. */
export const SCHEMA = 'esafety.incidents/1';
/** The record fields sent, all already in the log: nothing else leaves the device. */
export const RECORD_FIELDS = ['id', 'time', 'kind', 'host', 'search', 'category', 'categories', 'severity', 'action',
  'alert', 'ageBand', 'ref', 'frame', 'via', 'user', 'device'];
/** Storage key of the outbox's own state. */
export const STATE_KEY = 'outbox';

export const DEFAULTS = Object.freeze({
  /** Most records in one POST. */
  batchSize: 100,
  /** The background sweep. */
  intervalMs: 15 * 60_000,
  /** First backoff, and the least wait after any failure. */
  minBackoffMs: 30_000,
  /** Longest backoff; also the wait after a configuration error and the cap on Retry-After. */
  maxBackoffMs: 60 * 60_000,
  /** A POST that has not answered by then is aborted (and counted as a failure). */
  timeoutMs: 10_000,
  /** Offline with an urgent record waiting: look again this soon. */
  offlineUrgentMs: 60_000,
});

/**
 * @typedef {{ nextAttempt: number, failures: number, hold: 'backoff' | 'config' | 'retry-after' | null,
 *   lastError: string | null, lastErrorTime: number | null, lastSuccess: number | null, endpoint: string | null }} OutboxState
 * @typedef {{ endpoint?: string, school?: string, device?: Record<string, unknown> }} OutboxConfig
 */

/** The state with nothing to report. */
function freshState(endpoint = null) {
  return { nextAttempt: 0, failures: 0, hold: null, lastError: null, lastErrorTime: null, lastSuccess: null, endpoint };
}

/** Only the named fields of a log record. */
export function uploadRecord(r) {
  const out = {};
  for (const k of RECORD_FIELDS) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/**
 * The wait a `Retry-After` value asks for, in ms, or null when absent or unreadable.
 * @param {string | null | undefined} value
 * @param {number} now
 */
export function retryAfterMs(value, now) {
  if (value == null) return null;
  const v = String(value).trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The wait after `failures` consecutive failures: 30 s, 60 s, 2 min … up to the cap, each
 * shortened by up to a fifth at random (so devices that failed together do not retry
 * together; the ranges of successive steps never overlap, so the wait still grows).
 */
export function backoffMs(failures, random, { minBackoffMs, maxBackoffMs } = DEFAULTS) {
  const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(base * (1 - 0.2 * random()));
}

/**
 * @param {{
 *   storage: { get(key: string): Promise<Record<string, any>>, set(items: Record<string, any>): Promise<void> },
 *   withLog: (update: (incidents: any[]) => any[] | void | Promise<any[] | void>) => Promise<any[]>,
 *   fetch: typeof fetch,
 *   schedule: (when: number | null) => unknown,
 *   now?: () => number,
 *   online?: () => boolean,
 *   random?: () => number,
 *   onError?: (where: string, e: unknown) => void,
 * } & Partial<typeof DEFAULTS>} deps
 */
export function createOutbox(deps) {
  const { storage, withLog, schedule } = deps;
  const doFetch = deps.fetch;
  const now = deps.now ?? Date.now;
  const online = deps.online ?? (() => true);
  const random = deps.random ?? Math.random;
  const onError = deps.onError ?? (() => {});
  const opts = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS)) if (typeof deps[k] === 'number') opts[k] = deps[k];

  /** @type {OutboxConfig | null} null until the policy is known. */
  let config = null;
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));

  /** The flush in progress, and whether another was asked for meanwhile (and how). */
  let running = null;
  let again = false;
  let againNow = false;

  async function loadState() {
    const { [STATE_KEY]: s } = await storage.get(STATE_KEY);
    return s && typeof s === 'object' ? { ...freshState(), ...s } : freshState();
  }
  const saveState = (s) => storage.set({ [STATE_KEY]: s });

  /** The records to send, urgent ones first, then in log order. */
  async function unsent(skip) {
    let list = [];
    await withLog((incidents) => {
      list = incidents.filter((r) => r && r.sent !== true && typeof r.id === 'string' && r.id !== '' && !skip.has(r.id));
    });
    const urgent = list.filter((r) => r.alert === 'urgent');
    return urgent.length ? [...urgent, ...list.filter((r) => r.alert !== 'urgent')] : list;
  }

  function markSent(ids) {
    return withLog((incidents) => incidents.map((r) => (r && ids.has(r.id) && r.sent !== true ? { ...r, sent: true } : r)));
  }

  /** One POST. Resolves to { ok: true } or { ok: false, error, kind, wait? }. */
  async function post(endpoint, body) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), opts.timeoutMs);
    let res;
    try {
      res = await doFetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'manual',
        referrerPolicy: 'no-referrer',
        signal: abort.signal,
      });
    } catch (e) {
      const error = abort.signal.aborted ? `no answer after ${opts.timeoutMs} ms` : `network error: ${e?.message ?? e}`;
      return { ok: false, kind: 'backoff', error };
    } finally {
      clearTimeout(timer);
    }
    const status = res.status;
    if (status >= 200 && status < 300) return { ok: true };
    if (res.type === 'opaqueredirect' || (status >= 300 && status < 400)) {
      return { ok: false, kind: 'config', error: 'the endpoint redirected: set reportEndpoint to its final address' };
    }
    const error = `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`;
    if (status === 429 || status === 503) {
      const wait = retryAfterMs(res.headers?.get?.('retry-after'), now());
      if (wait !== null) return { ok: false, kind: 'retry-after', error, wait };
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { ok: false, kind: 'config', error };
    return { ok: false, kind: 'backoff', error };
  }

  /** One pass: send every unsent record in batches, or stop at the first failure. */
  async function flushOnce(urgentNow) {
    const cfg = config;
    if (!cfg?.endpoint) {
      await schedule(null);
      return { sent: 0, skipped: 'no endpoint' };
    }
    let state = await loadState();
    if (state.endpoint !== cfg.endpoint) {
      state = freshState(cfg.endpoint);
      await saveState(state);
    }
    const held = state.nextAttempt > now() && (!urgentNow || state.hold === 'config' || state.hold === 'retry-after');
    if (held) {
      await schedule(state.nextAttempt);
      return { sent: 0, skipped: 'waiting' };
    }
    const done = new Set();
    let sent = 0;
    for (;;) {
      if (config?.endpoint !== cfg.endpoint) break; // the policy changed: the next pass uses it
      const pending = await unsent(done);
      if (!pending.length) break;
      if (!online()) {
        const soon = pending.some((r) => r.alert === 'urgent') ? opts.offlineUrgentMs : opts.intervalMs;
        await schedule(now() + soon);
        return { sent, skipped: 'offline' };
      }
      const batch = pending.slice(0, opts.batchSize);
      const body = {
        schema: SCHEMA,
        ...(cfg.device ? { device: cfg.device } : {}),
        ...(cfg.school ? { school: cfg.school } : {}),
        records: batch.map(uploadRecord),
      };
      const result = await post(cfg.endpoint, body);
      const t = now();
      if (!result.ok) {
        const failures = state.failures + 1;
        const wait =
          result.kind === 'config' ? opts.maxBackoffMs
          : result.kind === 'retry-after' ? Math.min(opts.maxBackoffMs, Math.max(opts.minBackoffMs, result.wait))
          : backoffMs(failures, random, opts);
        state = { ...state, failures, hold: result.kind, nextAttempt: t + wait, lastError: result.error, lastErrorTime: t };
        await saveState(state);
        await schedule(state.nextAttempt);
        return { sent, failed: result.error };
      }
      const ids = new Set(batch.map((r) => r.id));
      for (const id of ids) done.add(id);
      await markSent(ids);
      sent += batch.length;
      state = { ...state, failures: 0, hold: null, nextAttempt: 0, lastError: null, lastErrorTime: null, lastSuccess: t };
      await saveState(state);
    }
    await schedule(config?.endpoint ? now() + opts.intervalMs : null);
    return { sent };
  }

  /**
   * Sends what is unsent. `now: true` (an urgent record, the browser back online) tries at once
   * even during an ordinary backoff. Resolves when this flush, and any asked for during it, ends,
   * with the records sent by them all and how the last pass ended.
   * @param {{ now?: boolean }} [options]
   * @returns {Promise<{ sent: number, skipped?: string, failed?: string }>}
   */
  function flush({ now: urgentNow = false } = {}) {
    if (running) {
      again = true;
      againNow ||= urgentNow;
      return running;
    }
    running = (async () => {
      await ready;
      let sent = 0;
      let result;
      let first = urgentNow;
      for (;;) {
        again = false;
        againNow = false;
        try {
          result = await flushOnce(first);
        } catch (e) {
          // Storage or scheduling failed: records are still in the log, the next flush retries.
          onError('outbox', e);
          result = { sent: 0, failed: String(e) };
        }
        sent += result.sent;
        // Checked and cleared in one step: a request arriving after this starts a new flush.
        if (!again) {
          running = null;
          return { ...result, sent };
        }
        first = againNow;
      }
    })();
    return running;
  }

  /**
   * The policy's upload settings. Until the first call nothing is sent (a flush waits). A new
   * endpoint (or none) flushes at once, which also sets or clears the schedule.
   * @param {OutboxConfig} next
   */
  function configure(next) {
    const prev = config;
    config = {
      endpoint: next?.endpoint || undefined,
      school: next?.school || undefined,
      device: next?.device && typeof next.device === 'object' ? next.device : undefined,
    };
    markReady();
    if (!prev || prev.endpoint !== config.endpoint) return flush();
    return running ?? Promise.resolve({ sent: 0 });
  }

  /** For diagnostics: the state, the records waiting, whether the policy is known. */
  async function status() {
    const state = await loadState();
    const pending = await unsent(new Set());
    return { ...state, configured: config !== null, hasEndpoint: Boolean(config?.endpoint), pending: pending.length };
  }

  return { flush, configure, status };
}
