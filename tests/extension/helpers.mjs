// Shared set-up for the extension's end-to-end tests: a local HTTP server that answers for
// every host name (Chromium maps all names to it with --host-resolver-rules) and records
// each request, and one headless Chromium (Debian's, driven by playwright-core from
// npm/node_modules) with extension/dist loaded unpacked into a fresh profile.

import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extensionIdOf, folderFiles, makeZip, packCrx, updateManifest } from '../../extension/pack.mjs';

const NPM = fileURLToPath(new URL('../../npm/', import.meta.url));
const require = createRequire(join(NPM, 'package.json'));
const { chromium } = require('playwright-core');

export const EXT = fileURLToPath(new URL('../../extension/dist/', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/lib/chromium/chromium';
/** Chromium's machine-wide managed policy folder on Linux (writing it needs root). */
export const POLICY_DIR = '/etc/chromium/policies/managed';
const FORCED_POLICY = join(POLICY_DIR, 'esafety-forced-install-test.json');

/** The extension ID Chromium derives from the manifest key (see extension/pack.mjs). */
export function extensionId() {
  const { key } = JSON.parse(readFileSync(join(EXT, 'manifest.json'), 'utf8'));
  return extensionIdOf(Buffer.from(key, 'base64'));
}

/**
 * Waits until the worker has read the machine's managed policy: the first read can take
 * seconds, and decisions never wait for it (the extension protects as KS2 meanwhile); a test
 * of the policy must.
 */
export async function waitForManagedPolicy(sw, timeout = 20000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    const state = await sw.evaluate(() => globalThis.esafetyState?.());
    if (state?.policySource === 'managed') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the managed policy never reached the extension');
}

/** A throw-away self-signed certificate (HSTS-preloaded hosts such as YouTube need https). */
function selfSigned(dir) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=esafety-test',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

/**
 * A page for any host and path, over http and https on the same port (the first byte of a
 * connection tells them apart); every request is recorded. `pages` (also returned, a Map that
 * tests may change later) maps `host/path` (no scheme, no query), or `/path` for every host,
 * to what to serve there instead of the plain test page: HTML, or `{ body, type?, status?, headers? }`.
 * @param {Record<string, string | {body: string | Buffer, type?: string, status?: number, headers?: Record<string, string>}>} [initial]
 */
export async function startServer(initial = {}) {
  /** @type {{host: string, url: string, headers: Record<string, string | string[] | undefined>}[]} */
  const requests = [];
  /** @type {Map<string, string | {body: string | Buffer, type?: string, status?: number, headers?: Record<string, string>}>} */
  const pages = new Map(Object.entries(initial));
  const handler = (req, res) => {
    requests.push({ host: String(req.headers.host ?? '').replace(/:\d+$/, ''), url: req.url ?? '/', headers: req.headers });
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '').replace(/[^a-z0-9.-]/gi, '');
    const path = String(req.url ?? '/').split('?')[0];
    const own = pages.get(host + path) ?? pages.get(path);
    if (own !== undefined && typeof own !== 'string') {
      res.writeHead(own.status ?? 200, { 'content-type': own.type ?? 'text/html; charset=utf-8', 'cache-control': 'no-store', ...own.headers });
      res.end(own.body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(own ?? `<!doctype html><title>Test page ${host}</title><h1 id="test-page">Test page for ${host}</h1>`);
  };
  const certDir = mkdtempSync(join(tmpdir(), 'esafety-cert-'));
  const plain = createServer(handler);
  const tls = createTlsServer(selfSigned(certDir), handler);
  rmSync(certDir, { recursive: true, force: true });
  const sockets = new Set();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const first = socket.read(1);
      if (!first) return;
      socket.unshift(first);
      (first[0] === 0x16 ? tls : plain).emit('connection', socket);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port,
    requests,
    pages,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(resolve);
    }),
  };
}

/**
 * Chromium's switches for every test browser: all names to the local server, nothing else.
 * A force-install needs the extension updater, which `--disable-background-networking` stops.
 */
function browserArgs(port, { updater = false } = {}) {
  return [
    `--host-resolver-rules=MAP * 127.0.0.1:${port}`,
    '--no-sandbox', '--disable-gpu', '--disable-component-update',
    ...(updater ? [] : ['--disable-background-networking']),
    '--disable-sync', '--no-first-run', '--disable-quic',
  ];
}

/** Launches Chromium with the extension and returns the context and its service worker. */
export async function launch(port) {
  return launchWith(port, [`--disable-extensions-except=${EXT}`, `--load-extension=${EXT}`], extensionId());
}

/**
 * Launches Chromium with the extension in a fresh profile (`args` say how it gets there) and
 * waits for the worker of extension `id` to decide a navigation.
 */
async function launchWith(port, args, id, { updater = false, workerTimeout = 15000 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'esafety-ext-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions', ...(updater ? ['--disable-background-networking'] : [])],
    args: [...args, ...browserArgs(port, { updater })],
    viewport: { width: 1000, height: 900 },
    ignoreHTTPSErrors: true,
  });
  const close = async () => {
    await ctx.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    const mine = (w) => w.url().startsWith(`chrome-extension://${id}/`);
    const sw = ctx.serviceWorkers().find(mine)
      ?? (await ctx.waitForEvent('serviceworker', { predicate: mine, timeout: workerTimeout }));
    await waitUntilDeciding(ctx, sw);
    return { ctx, sw, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Launches Chromium with the extension force-installed by policy, as a school's Admin console
 * installs it: `extension/dist` signed into a CRX with a throw-away key (so the ID differs
 * from the unpacked one), served with its update manifest by the test server, and named in
 * a Chromium managed-policy file (ExtensionInstallForcelist) with `policy` as its own
 * managed policy. Only a force-installed extension may block requests synchronously
 * (webRequestBlocking). The policy file affects the whole machine: `close` removes it, and
 * so does a failed launch. DevTools are allowed for force-installed extensions in this file
 * (DeveloperToolsAvailability 1; Chromium's default refuses them, and the test reads the
 * worker through them); schools set 2 (see the README's admin checklist).
 * @param {{port: number, pages: Map<string, unknown>}} server from startServer
 * @returns {Promise<{ctx: any, sw: any, id: string, close: () => Promise<void>}>}
 */
export async function launchForced(server, policy = {}) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { crx, id } = packCrx(makeZip(folderFiles(EXT)), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const { version } = JSON.parse(readFileSync(join(EXT, 'manifest.json'), 'utf8'));
  const base = `http://127.0.0.1:${server.port}`;
  server.pages.set('127.0.0.1/esafety-forced.crx', { body: crx, type: 'application/x-chrome-extension' });
  server.pages.set('127.0.0.1/esafety-forced.xml', { body: updateManifest(id, version, `${base}/esafety-forced.crx`), type: 'text/xml' });
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(FORCED_POLICY, JSON.stringify({
    ExtensionInstallForcelist: [`${id};${base}/esafety-forced.xml`],
    DeveloperToolsAvailability: 1,
    '3rdparty': { extensions: { [id]: policy } },
  }));
  try {
    // Installing means an update check and a download first: give the worker longer to appear.
    const browser = await launchWith(server.port, [], id, { updater: true, workerTimeout: 30000 });
    return {
      ...browser,
      id,
      async close() {
        await browser.close();
        rmSync(FORCED_POLICY, { force: true });
      },
    };
  } catch (e) {
    rmSync(FORCED_POLICY, { force: true });
    throw e;
  }
}

/**
 * Waits until the worker has decided a navigation. A fresh profile installs the extension as
 * the browser starts, and Chromium drops navigation events sent before the worker's first run
 * has registered its listeners (it only queues events for listeners it already knows), so a
 * test that navigates the moment the worker appears can go unseen.
 */
async function waitUntilDeciding(ctx, sw) {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const end = Date.now() + 15000;
  for (let n = 0; ; n++) {
    await page.goto(`http://warm-up-${n}.esafety.test/`, { waitUntil: 'load', timeout: 5000 }).catch(() => {});
    const decided = await sw.evaluate(() => globalThis.esafetyState?.().timings.firstDecision ?? null).catch(() => null);
    if (decided !== null) break;
    if (Date.now() > end) throw new Error('the extension never decided a navigation');
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.goto('about:blank').catch(() => {});
}

/** The worker's state for a failure message (errors, timings, hot rules; not the policy). */
async function workerState(page) {
  const sw = page.context().serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (!sw) return 'no extension worker';
  return sw
    .evaluate(() => {
      const { policy, ...rest } = globalThis.esafetyState();
      return JSON.stringify({ ...rest, role: policy.role, ageBand: policy.ageBand });
    })
    .catch((e) => `worker state unavailable: ${e}`);
}

/**
 * Starts a navigation and waits until the tab's address satisfies `until` (extension
 * redirects make `goto` throw ERR_ABORTED, so the address is polled instead).
 */
export async function navigate(page, url, until, timeout = 10000) {
  page.goto(url, { waitUntil: 'commit', timeout }).catch(() => {});
  return waitForAddress(page, until, `navigation to ${url}`, timeout);
}

/** Waits (without navigating) until the tab's address satisfies `until`. */
export async function waitForAddress(page, until, what = 'the page', timeout = 10000) {
  const end = Date.now() + timeout;
  for (;;) {
    const now = page.url();
    if (until(now)) {
      await page.waitForLoadState('load', { timeout: 5000 }).catch(() => {});
      // A redirect may still replace the page that matched: check once more.
      if (until(page.url())) return page.url();
    }
    if (Date.now() > end) throw new Error(`${what} ended at ${now}; worker: ${await workerState(page)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The incident log from the extension's storage. */
export function incidents(sw) {
  return sw.evaluate(async () => (await chrome.storage.local.get('incidents')).incidents ?? []);
}

export function workerErrors(sw) {
  return sw.evaluate(() => globalThis.esafetyErrors ?? ['esafetyErrors missing']);
}

/** The extension's service worker playwright knows now (a restart brings a new one). */
export function currentWorker(ctx) {
  const all = ctx.serviceWorkers().filter((w) => w.url().startsWith('chrome-extension://'));
  return all[all.length - 1];
}

/**
 * Stops the extension's service worker, as Chromium does when it is idle, and resolves once
 * it is gone (its next event starts a new one). The stop is asked through the DevTools
 * protocol from a page in the extension's own origin (that page's storage partition holds
 * the worker).
 */
export async function stopWorker(ctx) {
  const before = currentWorker(ctx);
  const origin = await before.evaluate(() => performance.timeOrigin);
  const stopper = await workerStopper(ctx);
  try {
    await stopper.stop();
  } finally {
    await stopper.close();
  }
  // Gone when evaluating in it fails or answers from a new worker.
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const now = await before.evaluate(() => performance.timeOrigin).catch(() => null);
    if (now !== origin) return origin;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the worker did not stop');
}

/**
 * A DevTools session in a page of the extension's own origin (whose storage partition holds
 * the worker) that can stop the worker again and again. Closing it closes that tab, and a
 * closed tab is itself an event that wakes the worker (it listens to tabs.onRemoved): a
 * measurement of real cold starts keeps the stopper open.
 */
export async function workerStopper(ctx) {
  const page = await ctx.newPage();
  await page.goto(`chrome-extension://${extensionId()}/manifest.json`);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  return {
    stop: () => cdp.send('ServiceWorker.stopAllWorkers'),
    async close() {
      await cdp.detach().catch(() => {});
      await page.close();
    },
  };
}

/** A promise's value, or null if it fails or takes longer than `ms` (a stopped worker may never answer). */
export function within(promise, ms) {
  return Promise.race([promise.catch(() => null), new Promise((r) => setTimeout(() => r(null), ms))]);
}

/**
 * One cold start, for the benchmarks: with `page` open and idle, stops the worker (with a
 * `workerStopper` kept open for the whole run, since closing its tab would wake the worker),
 * lets `page` navigate to `url` (the event that wakes it) and returns the new worker's start-up
 * timings (`esafetyState().timings`, ms from its start), or null if it decided nothing in 10 s.
 */
export async function coldStart(ctx, page, stopper, url) {
  await page.goto('about:blank');
  const origin = await within(currentWorker(ctx).evaluate(() => performance.timeOrigin), 2000);
  await stopper.stop();
  await new Promise((r) => setTimeout(r, 300));
  await page.goto(url, { waitUntil: 'commit', timeout: 10000 }).catch(() => {});
  const end = Date.now() + 10000;
  while (Date.now() < end) {
    const w = currentWorker(ctx);
    const s = w ? await within(w.evaluate(() => [performance.timeOrigin, globalThis.esafetyState().timings]), 1000) : null;
    if (s && s[0] !== origin && s[1].firstDecision != null) return s[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/**
 * For a test file: node:test hooks that start the local server (with `pages`, as
 * startServer takes them) and Chromium with the extension before its tests, and close both
 * after. The returned object's `server`, `browser` and `blockPage` are set once `before` ran.
 */
export function browserSession(pages) {
  const session = { server: null, browser: null, blockPage: '' };
  before(async () => {
    session.server = await startServer(pages);
    session.browser = await launch(session.server.port);
    session.blockPage = `chrome-extension://${extensionId()}/blocked.html`;
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}
