// The upload queue with Chromium's own fetch (no managed policy: none is needed, and this
// file never writes one). An extension page imports outbox.js and sends to a local endpoint:
// the request is JSON, carries no cookie even when the site has set one, a redirect is not
// followed, and the worker itself starts its outbox with no endpoint and no alarm.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { currentWorker, extensionId, incidents, launch, navigate, stopWorker, workerErrors } from './helpers.mjs';

/** Every request the endpoint saw, with its body. */
const seen = [];
/** While true the endpoint answers 503 (the school's server is down). */
let endpointDown = false;
let server;
let browser;
let page;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.method === 'POST' && req.url === '/incidents') res.writeHead(endpointDown ? 503 : 204).end();
      else if (req.method === 'POST' && req.url === '/moved') res.writeHead(302, { location: '/incidents' }).end();
      else res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'pupil=amy; Path=/' }).end('<title>school</title>');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launch(server.address().port);
  // A cookie for the endpoint's site, which the upload must not send.
  const site = await browser.ctx.newPage();
  await site.goto('http://safeguarding.school.test/');
  page = await browser.ctx.newPage();
  await page.goto(`chrome-extension://${extensionId()}/blocked.html`);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Runs an outbox in the extension page over an in-memory log; returns the log and state after. */
function runOutbox(endpoint, records) {
  return page.evaluate(async ({ endpoint, records }) => {
    const { createOutbox } = await import(chrome.runtime.getURL('outbox.js'));
    const mem = new Map();
    let log = records;
    const outbox = createOutbox({
      storage: {
        get: async (k) => (mem.has(k) ? { [k]: mem.get(k) } : {}),
        set: async (items) => Object.entries(items).forEach(([k, v]) => mem.set(k, v)),
      },
      withLog: async (update) => {
        const next = await update(log);
        if (Array.isArray(next)) log = next;
        return log;
      },
      fetch: (url, init) => fetch(url, init),
      schedule: () => {},
    });
    const result = await outbox.configure({ endpoint, school: 'Oakfield Primary' });
    return { result, log, state: mem.get('outbox') };
  }, { endpoint, records });
}

const RECORD = { id: 'e2e-1', time: '2025-03-01T09:00:00.000Z', kind: 'block', host: 'bet365.com', category: 'gambling',
  categories: ['gambling'], severity: 'medium', action: 'block', alert: 'urgent', ageBand: 'ks2', sent: false };

test('Chromium sends the batch as JSON without cookies, then the record is marked sent', async () => {
  const cookies = await browser.ctx.cookies('http://safeguarding.school.test/');
  assert.deepEqual(cookies.map((c) => c.name), ['pupil'], 'the site set its cookie');
  const { result, log } = await runOutbox('http://safeguarding.school.test/incidents', [RECORD]);
  assert.equal(result.sent, 1);
  assert.equal(log[0].sent, true);
  const post = seen.find((r) => r.method === 'POST' && r.url === '/incidents');
  assert.equal(post.headers['content-type'], 'application/json');
  assert.equal(post.headers.cookie, undefined);
  assert.equal(post.headers.referer, undefined);
  const body = JSON.parse(post.body);
  assert.equal(body.schema, 'esafety.incidents/1');
  assert.equal(body.school, 'Oakfield Primary');
  const { sent, ...fields } = RECORD;
  assert.deepEqual(body.records, [fields]);
});

test('Chromium: a redirecting endpoint is a configuration error and the record stays', async () => {
  const before = seen.length;
  const { result, log, state } = await runOutbox('http://safeguarding.school.test/moved', [RECORD]);
  assert.match(result.failed, /redirected/);
  assert.equal(state.hold, 'config');
  assert.equal(log[0].sent, false);
  assert.deepEqual(seen.slice(before).map((r) => `${r.method} ${r.url}`), ['POST /moved'], 'not followed');
});

test('the worker: no policy, so no endpoint, no alarm and no errors', async () => {
  let status;
  for (let i = 0; i < 100; i++) {
    status = await browser.sw.evaluate(() => globalThis.esafetyOutbox());
    if (status.configured) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(status.configured, true);
  assert.equal(status.hasEndpoint, false);
  assert.equal(await browser.sw.evaluate(() => chrome.alarms.get('esafety-outbox')), undefined);
  assert.deepEqual(await workerErrors(browser.sw), []);
});

/** The records the endpoint received so far, in order. */
const received = () => seen.filter((r) => r.method === 'POST' && r.url === '/incidents').flatMap((r) => JSON.parse(r.body).records);

async function until(what, check, timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the worker with an endpoint: an urgent search is sent at once; with the server down it waits, survives a worker restart and is sent', async () => {
  const port = server.address().port;
  const set = await browser.sw.evaluate((endpoint) => globalThis.esafetyTestPolicy({ reportEndpoint: endpoint, schoolName: 'Oakfield Primary' }),
    `http://127.0.0.1:${port}/incidents`);
  assert.equal(set.ok, true, JSON.stringify(set));
  const blockPage = `chrome-extension://${extensionId()}/blocked.html`;
  const tab = await browser.ctx.newPage();

  // A self-harm search: a warning for the pupil, an urgent alert for the DSL, sent now.
  await navigate(tab, 'https://www.google.com/search?q=how+to+kill+myself', (u) => u.startsWith(blockPage));
  const urgent = await until('the urgent record', () => received().find((r) => r.alert === 'urgent' && r.category === 'self_harm'));
  assert.equal(urgent.host, 'www.google.com');
  assert.equal(urgent.search, 'how to kill myself');
  assert.ok(!JSON.stringify(urgent).includes('http'), 'no addresses');
  await until('the record marked sent', async () => (await incidents(browser.sw)).find((r) => r.id === urgent.id)?.sent === true);

  // The school's server is down: the next urgent record waits in the log.
  endpointDown = true;
  await navigate(tab, 'https://www.bing.com/search?q=how+to+kill+myself', (u) => u.startsWith(blockPage));
  const waiting = await until('the second urgent record', async () =>
    (await incidents(browser.sw)).find((r) => r.host === 'www.bing.com' && r.alert === 'urgent'));
  await until('a refused POST', () => seen.some((r) => r.method === 'POST' && r.url === '/incidents' && endpointDown));
  assert.equal((await incidents(browser.sw)).find((r) => r.id === waiting.id).sent, false);

  // The server comes back, and the worker stops (as Chromium stops idle workers) before its
  // backoff ends; the next event wakes a new worker, which finds the unsent record in the log
  // and sends it. (The server first: stopping closes a tab, which itself wakes the new worker.)
  endpointDown = false;
  const before = seen.length;
  await stopWorker(browser.ctx);
  await navigate(tab, 'http://news.esafety.test/', (u) => u === 'http://news.esafety.test/');
  await until('the waiting record after the restart', () => seen.slice(before).some((r) => r.method === 'POST' && r.url === '/incidents'
    && JSON.parse(r.body).records.some((x) => x.id === waiting.id)), 15000);
  const sw = currentWorker(browser.ctx);
  await until('marked sent by the new worker', async () => (await incidents(sw)).find((r) => r.id === waiting.id)?.sent === true);
  assert.deepEqual(await workerErrors(sw), []);
  await tab.close();
});
