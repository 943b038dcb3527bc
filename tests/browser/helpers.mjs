// Shared set-up for the browser tests: the demo server on a free port, one headless
// Chromium (Debian's, driven by playwright-core from npm/node_modules) with a fresh
// profile, and pages that record every console error and page error so each test can
// assert there were none.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NPM = fileURLToPath(new URL('../../npm/', import.meta.url));
const require = createRequire(join(NPM, 'package.json'));
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

/** The demo server module and the package's own modules, imported from npm/. */
export const serverModule = () => import(new URL('../../npm/demo/serve.mjs', import.meta.url).href);
export const wordsModule = () => import(new URL('../../npm/src/vle/words.js', import.meta.url).href);
export const nodeEntry = () => import(new URL('../../npm/src/node.js', import.meta.url).href);

/**
 * Starts the server and the browser.
 * @returns {Promise<{base: string, reports: any[], newPage: (path?: string, opts?: {allow?: RegExp[]}) => Promise<any>, errorsOf: (page: any) => string[], close: () => Promise<void>}>}
 */
export async function setup() {
  const { startDemoServer } = await serverModule();
  const srv = await startDemoServer({ port: 0 });
  const profile = mkdtempSync(join(tmpdir(), 'esafety-browser-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 900 },
  });
  const base = `http://127.0.0.1:${srv.port}`;
  const errors = new WeakMap();

  async function newPage(path = '/demo/?band=ks2', { allow = [] } = {}) {
    const page = await ctx.newPage();
    const list = [];
    errors.set(page, list);
    page.on('console', (m) => {
      if (m.type() === 'error' && !allow.some((re) => re.test(m.text()))) list.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => list.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      list.push(`unexpected dialog: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    await page.goto(base + path);
    if (path.startsWith('/demo/') && !path.includes('.')) {
      await page.waitForSelector('html[data-ready]', { timeout: 15000 });
      if ((await page.getAttribute('html', 'data-ready')) !== 'true') {
        // Usually npm/dist/web out of step with npm/src (rebuild with npm run build).
        throw new Error(`the demo's classifier did not load: ${list.join(' | ')}`);
      }
    }
    return page;
  }

  return {
    base,
    reports: srv.reports,
    newPage,
    errorsOf: (page) => errors.get(page) ?? [],
    async close() {
      await ctx.close().catch(() => {});
      await srv.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The element focused on the page, looking inside open shadow roots: "TAG.class" or the shadow's. */
export function activeInfo(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    const path = [];
    while (a) {
      path.push(a.tagName.toLowerCase() + (a.className && typeof a.className === 'string' ? `.${a.className.split(' ').join('.')}` : '') + (a.id ? `#${a.id}` : ''));
      a = a.shadowRoot?.activeElement ?? null;
    }
    return path.join(' > ');
  });
}

/** Opens `path` in a new page, runs `fn(page)`, then checks the page logged no console or
 * page errors; the page is closed either way. */
export async function openPage(env, path, fn, opts) {
  const page = await env.newPage(path, opts);
  try {
    await fn(page);
    assert.deepEqual(env.errorsOf(page), [], 'no console errors or page errors');
  } finally {
    await page.close();
  }
}
