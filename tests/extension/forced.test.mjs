// End to end as a school deploys it: the extension force-installed by policy from a signed
// CRX (helpers.mjs, launchForced), which is what lets Chromium wait for the worker's
// synchronous webRequest listener. There, unlike in the unpacked build the other tests load,
// a blocked site's server never sees even the first visit: not the page, not a frame, not the
// hop of a redirect, and a search reaches the engine only with SafeSearch on. Needs root (the
// machine-wide policy file); skipped otherwise.

import assert from 'node:assert/strict';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { incidents, launchForced, navigate, POLICY_DIR, startServer, waitForManagedPolicy, workerErrors } from './helpers.mjs';

let canWrite = true;
try {
  mkdirSync(POLICY_DIR, { recursive: true });
  accessSync(POLICY_DIR, constants.W_OK);
} catch {
  canWrite = false;
}
const skip = !canWrite && 'cannot write the Chromium policy folder';

/** Pages of allowed sites that lead to blocked ones. */
const PAGES = {
  'news.example.org/redirect': { body: '', status: 302, headers: { location: 'http://www.pornhub.com/from-redirect' } },
  'news.example.org/framed': '<!doctype html><title>Framed</title><h1 id="test-page">News</h1>' +
    '<iframe id="ad" src="http://www.paddypower.com/frame" width="400" height="300"></iframe>',
};

let server;
let browser;
let blockPage;

before(async () => {
  if (!canWrite) return;
  server = await startServer(PAGES);
  browser = await launchForced(server, { schoolName: 'Oakfield Test School' });
  blockPage = `chrome-extension://${browser.id}/blocked.html`;
  await waitForManagedPolicy(browser.sw);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Requests the local server has answered for a host name (its favicon aside). */
function requestsTo(host) {
  return server.requests.filter((r) => r.host === host && r.url !== '/favicon.ico');
}

test('installed by policy, the worker blocks requests itself', { skip }, async () => {
  const state = await browser.sw.evaluate(() => globalThis.esafetyState());
  assert.equal(state.webRequestBlocking, true);
  assert.equal(state.policySource, 'managed');
  assert.equal(state.policy.schoolName, 'Oakfield Test School');
  assert.equal(state.keepAlive, true);
});

test('the first visit to adult, gambling and proxy sites never reaches their servers', { skip }, async () => {
  for (const [url, host, concern] of [
    ['http://www.pornhub.com/', 'www.pornhub.com', 'adult'],
    ['http://www.bet365.com/', 'www.bet365.com', 'gambling'],
    ['http://www.hidemyass.com/', 'www.hidemyass.com', 'proxy'],
  ]) {
    const page = await browser.ctx.newPage();
    await navigate(page, url, (u) => u.startsWith(blockPage));
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('a'), 'block', url);
    assert.equal(q.get('c'), concern, url);
    assert.ok(q.get('i'), 'the block page has its incident');
    await page.waitForSelector('html[data-ready="true"]');
    assert.deepEqual(requestsTo(host), [], `${host} was asked for`);
    await page.close();
  }
});

test('a redirect to a blocked site is stopped at its hop', { skip }, async () => {
  const page = await browser.ctx.newPage();
  await navigate(page, 'http://news.example.org/redirect', (u) => u.startsWith(blockPage));
  assert.equal(new URL(page.url()).searchParams.get('c'), 'adult');
  assert.equal(requestsTo('news.example.org').length, 1);
  assert.deepEqual(requestsTo('www.pornhub.com'), []);
  await page.close();
});

test('a blocked frame shows the block page and its site is never asked', { skip }, async () => {
  const page = await browser.ctx.newPage();
  await navigate(page, 'http://news.example.org/framed', (u) => u === 'http://news.example.org/framed');
  await page.waitForSelector('#test-page');
  const end = Date.now() + 10000;
  let frame;
  while (!(frame = page.frames().find((f) => f.url().startsWith(blockPage))) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(frame, `frames: ${page.frames().map((f) => f.url())}`);
  assert.equal(new URL(frame.url()).searchParams.get('c'), 'gambling');
  assert.deepEqual(requestsTo('www.paddypower.com'), []);
  await page.close();
});

test('a search reaches the engine only with SafeSearch on', { skip }, async () => {
  const page = await browser.ctx.newPage();
  const url = await navigate(page, 'http://www.google.com/search?q=volcanoes', (u) => u.includes('safe=active'));
  assert.equal(url, 'http://www.google.com/search?q=volcanoes&safe=active');
  await page.waitForSelector('#test-page');
  assert.deepEqual(requestsTo('www.google.com').map((r) => r.url), ['/search?q=volcanoes&safe=active']);
  await page.close();
});

test('help sites load untouched', { skip }, async () => {
  const page = await browser.ctx.newPage();
  await navigate(page, 'http://www.childline.org.uk/', (u) => u === 'http://www.childline.org.uk/');
  await page.waitForSelector('#test-page');
  assert.equal(requestsTo('www.childline.org.uk').length, 1);
  await page.close();
});

test('a warning stops the request, and "continue" goes on to the page once', { skip }, async () => {
  const page = await browser.ctx.newPage();
  await navigate(page, 'http://example.com/casino', (u) => u.startsWith(blockPage));
  assert.equal(new URL(page.url()).searchParams.get('a'), 'warn');
  assert.deepEqual(requestsTo('example.com'), []);
  await page.waitForSelector('html[data-ready="true"]');
  await page.click('#continue');
  const end = Date.now() + 10000;
  while (page.url() !== 'http://example.com/casino' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  await page.waitForSelector('#test-page');
  assert.equal(requestsTo('example.com').length, 1);
  // Only once: the next visit is stopped before the request again.
  await page.goto('about:blank');
  await navigate(page, 'http://example.com/casino', (u) => u.startsWith(blockPage));
  assert.equal(requestsTo('example.com').length, 1);
  await page.close();
});

test('every stop is in the incident log, and the worker saw no errors', { skip }, async () => {
  const log = await incidents(browser.sw);
  for (const host of ['www.pornhub.com', 'www.bet365.com', 'www.hidemyass.com']) {
    assert.ok(log.some((r) => r.kind === 'block' && r.host === host), `${host}: ${JSON.stringify(log)}`);
  }
  assert.ok(log.some((r) => r.kind === 'block' && r.host === 'www.paddypower.com' && r.frame === true), 'the frame');
  assert.ok(log.some((r) => r.kind === 'warn' && r.host === 'example.com'));
  assert.ok(log.some((r) => r.kind === 'continue' && r.host === 'example.com'));
  assert.deepEqual(await workerErrors(browser.sw), []);
});
