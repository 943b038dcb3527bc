// The upload queue (extension/src/outbox.js) in Node: a fake chrome.storage.local, a log
// writer chained on one promise as the service worker's, a scripted endpoint in place of
// fetch, and a clock the tests move by hand. Checks that nothing is lost and nothing is sent
// twice except after a crash between the endpoint's answer and the mark.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, createOutbox, retryAfterMs, SCHEMA } from '../../extension/src/outbox.js';

const ENDPOINT = 'https://dsl.example.sch.uk/esafety/incidents';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A chrome.storage.local stand-in: values cloned in and out, answers asynchronously. */
function fakeStorage() {
  const data = new Map();
  return {
    data,
    async get(key) {
      await null;
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    async set(items) {
      await null;
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
  };
}

/** The service worker's single writer: every read-modify-write of `incidents` on one chain. */
function serialLog(storage) {
  let chain = Promise.resolve();
  let failWrites = false;
  function withLog(update) {
    const run = chain.then(async () => {
      const { incidents = [] } = await storage.get('incidents');
      const next = await update(incidents);
      if (Array.isArray(next)) {
        if (failWrites) throw new Error('worker stopped');
        await storage.set({ incidents: next });
      }
      return next ?? incidents;
    });
    chain = run.then(() => {}, () => {});
    return run;
  }
  return {
    withLog,
    append: (...records) => withLog((incidents) => [...incidents, ...records]),
    /** From now on the log cannot be written (the worker is gone). */
    die: () => (failWrites = true),
  };
}

let serial = 0;
function record(fields = {}) {
  serial += 1;
  return {
    id: `id-${serial}`, time: new Date(Date.UTC(2025, 2, 1, 9, 0, serial % 60)).toISOString(), kind: 'block',
    host: 'bet365.com', category: 'gambling', categories: ['gambling'], severity: 'medium', action: 'block',
    alert: 'weekly', ageBand: 'ks2', sent: false, ...fields,
  };
}

/**
 * An endpoint: `answer(body, call)` returns { status, headers? }, throws (network error), or
 * a promise. Every request is recorded with its parsed body.
 */
function fakeEndpoint(answer = () => ({ status: 200 })) {
  const calls = [];
  let inFlight = 0;
  let maxInFlight = 0;
  async function fetch(url, init) {
    const call = { url, init, body: JSON.parse(init.body) };
    calls.push(call);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const a = await answer(call.body, call);
      const headers = new Headers(a.headers ?? {});
      return { status: a.status, statusText: a.statusText ?? '', type: 'basic', headers };
    } finally {
      inFlight -= 1;
    }
  }
  return {
    fetch,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    sentIds: () => calls.flatMap((c) => c.body.records.map((r) => r.id)),
  };
}

/** A complete rig: storage, log, endpoint, clock, schedule; the outbox configured or not. */
async function rig({ answer, endpoint = ENDPOINT, configured = true, online = true, storage = fakeStorage(), ...opts } = {}) {
  const log = serialLog(storage);
  const server = fakeEndpoint(answer);
  const clock = { t: Date.UTC(2025, 2, 1, 10, 0, 0) };
  const scheduled = [];
  const net = { online };
  const errors = [];
  const outbox = createOutbox({
    storage,
    withLog: log.withLog,
    fetch: server.fetch,
    now: () => clock.t,
    schedule: (when) => scheduled.push(when),
    online: () => net.online,
    random: () => 0.5,
    onError: (where, e) => errors.push(`${where}: ${e}`),
    ...opts,
  });
  // Configured as the worker does once the policy is known (that first flush finds nothing).
  if (configured) await outbox.configure({ endpoint, school: 'Oakfield Primary' });
  const incidents = async () => (await storage.get('incidents')).incidents ?? [];
  const state = async () => (await storage.get('outbox')).outbox;
  return { storage, log, server, clock, scheduled, net, errors, outbox, incidents, state };
}

test('offline, then online: every record is sent once', async () => {
  const r = await rig({ online: false });
  await r.log.append(record(), record(), record({ alert: 'urgent', severity: 'high' }));
  const off = await r.outbox.flush({ now: true });
  assert.equal(off.skipped, 'offline');
  assert.equal(r.server.calls.length, 0);
  assert.ok((await r.incidents()).every((x) => x.sent === false));
  // An urgent record is waiting: look again in a minute rather than in 15.
  assert.equal(r.scheduled.at(-1), r.clock.t + MINUTE);
  assert.equal((await r.state()).failures, 0, 'being offline is not a failure of the endpoint');

  r.net.online = true;
  r.clock.t += MINUTE;
  assert.equal((await r.outbox.flush({ now: true })).sent, 3);
  assert.equal(r.server.calls.length, 1);
  assert.ok((await r.incidents()).every((x) => x.sent === true));
  await r.outbox.flush({ now: true });
  assert.equal(r.server.calls.length, 1, 'nothing left to send');
  assert.equal(r.scheduled.at(-1), r.clock.t + 15 * MINUTE, 'the background sweep');
  assert.deepEqual(r.errors, []);
});

test('the POST: JSON, no cookies, urgent first, only the log fields', async () => {
  const r = await rig();
  const weekly = record({ search: 'online casino', url: 'https://bet365.com/secret?user=amy', extra: 'x' });
  const urgent = record({ alert: 'urgent', severity: 'critical', category: 'self_harm' });
  await r.log.append(weekly, urgent);
  await r.outbox.flush();
  const [call] = r.server.calls;
  assert.equal(call.url, ENDPOINT);
  assert.equal(call.init.method, 'POST');
  assert.equal(call.init.headers['content-type'], 'application/json');
  assert.equal(call.init.credentials, 'omit');
  assert.equal(call.init.referrerPolicy, 'no-referrer');
  assert.ok(call.init.signal instanceof AbortSignal);
  assert.deepEqual(Object.keys(call.body), ['schema', 'school', 'records']);
  assert.equal(call.body.schema, SCHEMA);
  assert.equal(call.body.school, 'Oakfield Primary');
  assert.deepEqual(call.body.records.map((x) => x.id), [urgent.id, weekly.id]);
  const sent = call.body.records[1];
  assert.equal(sent.url, undefined);
  assert.equal(sent.extra, undefined);
  assert.equal(sent.sent, undefined);
  assert.equal(sent.search, 'online casino');
  assert.deepEqual(Object.keys(sent).sort(),
    ['action', 'ageBand', 'alert', 'categories', 'category', 'host', 'id', 'kind', 'search', 'severity', 'time']);
  // A device block when the caller has one.
  r.outbox.configure({ endpoint: ENDPOINT, device: { serial: 'C02XYZ' } });
  await r.log.append(record());
  await r.outbox.flush();
  assert.deepEqual(r.server.calls[1].body.device, { serial: 'C02XYZ' });
  assert.equal(r.server.calls[1].body.school, undefined);
});

test('500s: the backoff grows, stops at an hour, and nothing is lost', async () => {
  let failing = true;
  const r = await rig({ answer: () => (failing ? { status: 500 } : { status: 204 }) });
  await r.log.append(...Array.from({ length: 5 }, () => record()));
  const waits = [];
  for (let i = 0; i < 10; i++) {
    const res = await r.outbox.flush();
    assert.equal(res.failed, 'HTTP 500');
    const s = await r.state();
    assert.equal(s.failures, i + 1);
    assert.equal(s.lastError, 'HTTP 500');
    waits.push(s.nextAttempt - r.clock.t);
    assert.equal(r.scheduled.at(-1), s.nextAttempt);
    // Before the wait is over, an ordinary flush (the alarm firing early, a worker start) does nothing.
    r.clock.t = s.nextAttempt - 1;
    assert.equal((await r.outbox.flush()).skipped, 'waiting');
    r.clock.t = s.nextAttempt;
  }
  assert.equal(r.server.calls.length, 10);
  assert.ok(waits[0] >= 24_000 && waits[0] <= 30_000, `first wait ${waits[0]}`);
  for (let i = 1; i < waits.length; i++) {
    assert.ok(waits[i] > waits[i - 1] || waits[i] === waits[i - 1] && waits[i] >= 0.8 * HOUR, `waits ${waits}`);
    assert.ok(waits[i] <= HOUR);
  }
  assert.ok(waits.at(-1) >= 0.8 * HOUR, `capped near an hour: ${waits.at(-1)}`);
  assert.equal((await r.incidents()).filter((x) => !x.sent).length, 5);

  failing = false;
  assert.equal((await r.outbox.flush()).sent, 5);
  const s = await r.state();
  assert.equal(s.failures, 0);
  assert.equal(s.lastError, null);
  assert.equal(s.lastSuccess, r.clock.t);
  assert.ok((await r.incidents()).every((x) => x.sent));
});

test('network errors and timeouts back off too', async () => {
  const r = await rig({
    timeoutMs: 30,
    answer: (body, call) => {
      if (r.server.calls.length === 1) throw new TypeError('Failed to fetch');
      // Never answers: only the abort ends it.
      return new Promise((_, reject) => call.init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    },
  });
  await r.log.append(record());
  assert.match((await r.outbox.flush()).failed, /network error: Failed to fetch/);
  r.clock.t = (await r.state()).nextAttempt;
  assert.equal((await r.outbox.flush()).failed, 'no answer after 30 ms');
  const s = await r.state();
  assert.equal(s.failures, 2);
  assert.equal(s.hold, 'backoff');
  assert.equal((await r.incidents())[0].sent, false);
});

test('backoff and Retry-After arithmetic', () => {
  const mid = () => 0.5;
  assert.equal(backoffMs(1, mid), 27_000);
  assert.equal(backoffMs(2, mid), 54_000);
  assert.equal(backoffMs(1, () => 0), 30_000);
  assert.equal(backoffMs(50, () => 0), HOUR);
  assert.equal(backoffMs(50, () => 0.999999), Math.round(HOUR * (1 - 0.2 * 0.999999)));
  const now = Date.UTC(2025, 2, 1, 10, 0, 0);
  assert.equal(retryAfterMs('120', now), 120_000);
  assert.equal(retryAfterMs(new Date(now + 10 * MINUTE).toUTCString(), now), 10 * MINUTE);
  assert.equal(retryAfterMs(new Date(now - MINUTE).toUTCString(), now), 0);
  assert.equal(retryAfterMs('soon', now), null);
  assert.equal(retryAfterMs(null, now), null);
});

test('a crash between the endpoint\'s 2xx and the mark: the same ids are sent again', async () => {
  const storage = fakeStorage();
  const first = await rig({ storage });
  await first.log.append(record(), record());
  // The endpoint accepts; the worker is stopped before it can mark the records sent.
  first.log.die();
  await first.outbox.flush();
  assert.equal(first.server.calls.length, 1);
  assert.equal(first.errors.length, 1, 'the failed mark is reported');
  assert.ok((await first.incidents()).every((x) => x.sent === false));

  // A new worker with the same storage picks them up at start.
  const second = await rig({ storage });
  await second.outbox.flush();
  assert.deepEqual(second.server.sentIds(), first.server.sentIds());
  assert.ok((await second.incidents()).every((x) => x.sent === true));
});

test('records logged while a POST is in flight are kept and sent after', async () => {
  const r = await rig({
    answer: async () => {
      // While the first POST waits for its answer, the worker logs two more incidents.
      if (r.server.calls.length === 1) await r.log.append(record({ id: 'late-1' }), record({ id: 'late-2' }));
      return { status: 200 };
    },
  });
  await r.log.append(record({ id: 'early-1' }), record({ id: 'early-2' }));
  await r.outbox.flush();
  const log = await r.incidents();
  assert.deepEqual(log.map((x) => x.id), ['early-1', 'early-2', 'late-1', 'late-2']);
  assert.ok(log.every((x) => x.sent === true));
  assert.deepEqual(r.server.calls[0].body.records.map((x) => x.id), ['early-1', 'early-2']);
  assert.deepEqual(r.server.sentIds().sort(), ['early-1', 'early-2', 'late-1', 'late-2'], 'each exactly once');
});

test('one flush at a time; a flush asked for meanwhile runs after', async () => {
  let open;
  const r = await rig({
    answer: () => (r.server.calls.length === 1 ? new Promise((resolve) => (open = () => resolve({ status: 200 }))) : { status: 200 }),
  });
  await r.log.append(record({ id: 'a' }));
  const one = r.outbox.flush();
  while (!open) await new Promise((resolve) => setTimeout(resolve, 1));
  await r.log.append(record({ id: 'b', alert: 'urgent' }));
  const two = r.outbox.flush({ now: true });
  const three = r.outbox.flush();
  assert.equal(r.server.calls.length, 1);
  open();
  await Promise.all([one, two, three]);
  assert.equal(r.server.maxInFlight, 1);
  assert.deepEqual(r.server.sentIds(), ['a', 'b']);
  // And once it has ended, a new request starts a new flush.
  await r.log.append(record({ id: 'c' }));
  await r.outbox.flush();
  assert.deepEqual(r.server.sentIds(), ['a', 'b', 'c']);
});

test('urgent: sent at once, even during an ordinary backoff', async () => {
  let status = 502;
  const r = await rig({ answer: () => ({ status }) });
  await r.log.append(record({ id: 'w' }));
  await r.outbox.flush();
  assert.equal((await r.state()).hold, 'backoff');
  // The weekly record waits for the backoff…
  r.clock.t += 1000;
  assert.equal((await r.outbox.flush()).skipped, 'waiting');
  assert.equal(r.server.calls.length, 1);
  // …an urgent one does not (and takes the waiting record with it).
  status = 200;
  await r.log.append(record({ id: 'u', alert: 'urgent', severity: 'high' }));
  assert.equal((await r.outbox.flush({ now: true })).sent, 2);
  assert.deepEqual(r.server.calls[1].body.records.map((x) => x.id), ['u', 'w']);
  assert.equal((await r.state()).failures, 0);
});

test('4xx: a configuration error keeps the records and waits an hour, even for urgent ones', async () => {
  let status = 404;
  const r = await rig({ answer: () => ({ status, statusText: status === 404 ? 'Not Found' : '' }) });
  await r.log.append(record(), record({ alert: 'urgent' }));
  await r.outbox.flush({ now: true });
  let s = await r.state();
  assert.equal(s.hold, 'config');
  assert.equal(s.lastError, 'HTTP 404 Not Found');
  assert.equal(s.nextAttempt, r.clock.t + HOUR);
  assert.equal(r.scheduled.at(-1), r.clock.t + HOUR);
  r.clock.t += 10 * MINUTE;
  await r.log.append(record({ alert: 'urgent' }));
  assert.equal((await r.outbox.flush({ now: true })).skipped, 'waiting');
  assert.equal(r.server.calls.length, 1, 'no tight loop');
  assert.equal((await r.incidents()).filter((x) => !x.sent).length, 3);
  // An hour later it tries again; once the endpoint is fixed everything goes.
  r.clock.t = s.nextAttempt;
  status = 200;
  assert.equal((await r.outbox.flush()).sent, 3);
  // 408 is a timeout, not a configuration error.
  status = 408;
  await r.log.append(record());
  await r.outbox.flush();
  s = await r.state();
  assert.equal(s.hold, 'backoff');
  assert.ok(s.nextAttempt - r.clock.t <= 30_000);
});

test('a redirect is a configuration error (records never follow it elsewhere)', async () => {
  const r = await rig({ answer: () => ({ status: 302, headers: { location: 'https://elsewhere.example/' } }) });
  await r.log.append(record());
  await r.outbox.flush();
  assert.equal(r.server.calls[0].init.redirect, 'manual');
  const s = await r.state();
  assert.equal(s.hold, 'config');
  assert.match(s.lastError, /redirected/);
  assert.equal((await r.incidents())[0].sent, false);
});

test('429 and 503 honour Retry-After, in seconds or as a date, within 30 s to 1 h', async () => {
  const answers = [
    { status: 429, headers: { 'retry-after': '120' } },
    { status: 503, headers: { 'retry-after': '' } },
    { status: 503, headers: { 'retry-after': 'DATE+10m' } },
    { status: 429, headers: { 'retry-after': '86400' } },
    { status: 429, headers: { 'retry-after': '1' } },
    { status: 200 },
  ];
  const r = await rig({
    answer: () => {
      const a = answers[r.server.calls.length - 1];
      if (a.headers?.['retry-after'] === 'DATE+10m') return { ...a, headers: { 'retry-after': new Date(r.clock.t + 10 * MINUTE).toUTCString() } };
      return a;
    },
  });
  await r.log.append(record({ alert: 'urgent' }));
  const waits = [];
  for (let i = 0; i < 5; i++) {
    await r.outbox.flush({ now: true });
    const s = await r.state();
    waits.push([s.hold, s.nextAttempt - r.clock.t]);
    // An urgent record does not jump a server's Retry-After.
    if (s.hold === 'retry-after') assert.equal((await r.outbox.flush({ now: true })).skipped, 'waiting');
    r.clock.t = s.nextAttempt;
  }
  assert.deepEqual(waits, [
    ['retry-after', 120_000],
    ['backoff', backoffMs(2, () => 0.5)], // no usable Retry-After: the ordinary backoff
    ['retry-after', 10 * MINUTE],
    ['retry-after', HOUR],
    ['retry-after', 30_000],
  ]);
  assert.equal((await r.outbox.flush()).sent, 1);
  assert.equal(r.server.calls.length, 6);
});

test('250 records go in 3 POSTs of at most 100', async () => {
  const r = await rig();
  const many = Array.from({ length: 250 }, (_, i) => record({ id: `r${String(i).padStart(3, '0')}` }));
  await r.log.append(...many);
  assert.equal((await r.outbox.flush()).sent, 250);
  assert.deepEqual(r.server.calls.map((c) => c.body.records.length), [100, 100, 50]);
  assert.deepEqual(r.server.sentIds(), many.map((x) => x.id));
  assert.ok((await r.incidents()).every((x) => x.sent === true));
  // A failure in the middle keeps what was not yet accepted.
  const r2 = await rig({ answer: () => ({ status: r2.server.calls.length === 2 ? 500 : 200 }) });
  await r2.log.append(...many.map((x) => ({ ...x })));
  const res = await r2.outbox.flush();
  assert.equal(res.sent, 100);
  assert.equal((await r2.incidents()).filter((x) => !x.sent).length, 150);
});

test('no endpoint: nothing is sent and the schedule is cleared', async () => {
  const r = await rig({ endpoint: '' });
  await r.log.append(record(), record({ alert: 'urgent' }));
  assert.equal((await r.outbox.flush({ now: true })).skipped, 'no endpoint');
  assert.equal(r.server.calls.length, 0);
  assert.equal(r.scheduled.at(-1), null);
  assert.ok((await r.incidents()).every((x) => x.sent === false));
  // The policy gains an endpoint: the waiting records go at once.
  await r.outbox.configure({ endpoint: ENDPOINT });
  assert.equal(r.server.calls.length, 1);
  // And loses it again: the schedule is cleared, later records stay on the device.
  await r.outbox.configure({});
  assert.equal(r.scheduled.at(-1), null);
  await r.log.append(record({ alert: 'urgent' }));
  await r.outbox.flush({ now: true });
  assert.equal(r.server.calls.length, 1);
});

test('before the policy is known nothing is sent; a new endpoint starts without the old backoff', async () => {
  const r = await rig({ configured: false, answer: (body, call) => ({ status: call.url === ENDPOINT ? 404 : 200 }) });
  await r.log.append(record());
  let settled = false;
  const waiting = r.outbox.flush().then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(settled, false);
  assert.equal(r.server.calls.length, 0);
  r.outbox.configure({ endpoint: ENDPOINT });
  await waiting;
  assert.equal((await r.state()).hold, 'config');
  // The admin fixes the address: no need to wait out the hour.
  await r.outbox.configure({ endpoint: 'https://dsl.example.sch.uk/esafety/v2' });
  assert.equal(r.server.calls.length, 2);
  const s = await r.state();
  assert.equal(s.failures, 0);
  assert.equal(s.endpoint, 'https://dsl.example.sch.uk/esafety/v2');
  assert.ok((await r.incidents()).every((x) => x.sent));
});

test('status() for diagnostics', async () => {
  const r = await rig({ answer: () => ({ status: 500 }) });
  await r.log.append(record(), record({ sent: true }), record({ id: undefined }));
  await r.outbox.flush();
  const s = await r.outbox.status();
  assert.equal(s.pending, 1, 'sent records and records without an id are not pending');
  assert.equal(s.failures, 1);
  assert.equal(s.configured, true);
  assert.equal(s.hasEndpoint, true);
});
