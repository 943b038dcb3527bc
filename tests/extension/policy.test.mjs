// End to end with a school policy: a Chromium managed-policy file naming the extension's
// fixed ID reaches chrome.storage.managed. The file affects the whole machine, so it is
// written here (needs root) and removed after. Skipped when the policy folder cannot be
// written.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { extensionId, incidents, launch, navigate, POLICY_DIR, startServer, waitForManagedPolicy, workerErrors } from './helpers.mjs';

const DIR = POLICY_DIR;
const FILE = `${DIR}/esafety-extension-test.json`;
const POLICY = {
  role: 'staff',
  schoolName: 'Oakfield Test School',
  dslContact: 'Mrs Khan, our Designated Safeguarding Lead',
  deny: ['news.example.net'],
  retentionDays: 7,
};

let canWrite = true;
/** The first folder this test created (mkdir -p), removed again after if empty. */
let createdRoot;
let server;
let browser;
try {
  if (!existsSync(DIR)) createdRoot = mkdirSync(DIR, { recursive: true });
  writeFileSync(FILE, JSON.stringify({ '3rdparty': { extensions: { [extensionId()]: POLICY } } }));
} catch {
  canWrite = false;
}

before(async () => {
  if (!canWrite) return;
  server = await startServer();
  browser = await launch(server.port);
  await waitForManagedPolicy(browser.sw);
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(FILE, { force: true });
  // Remove the empty folders this test made, deepest first, up to the first one it created.
  for (let d = DIR; createdRoot && d.startsWith(createdRoot); d = dirname(d)) {
    if (!existsSync(d) || readdirSync(d).length !== 0) break;
    rmdirSync(d);
  }
});

test('a staff policy lets social media through', { skip: !canWrite && 'cannot write the policy file' }, async () => {
  const state = await browser.sw.evaluate(() => globalThis.esafetyState());
  assert.equal(state.policy.role, 'staff');
  assert.equal(state.policy.ageBand, 'staff');
  // A managed device: the worker is kept warm (Chrome allows it for managed education installs).
  assert.equal(state.keepAlive, true);
  const page = await browser.ctx.newPage();
  // facebook.com is HSTS-preloaded: Chromium goes to https whatever we ask.
  await navigate(page, 'https://www.facebook.com/', (u) => u === 'https://www.facebook.com/');
  await page.waitForSelector('#test-page');
  await page.close();
});

test('the school deny list blocks, and the block page names the school and the DSL', { skip: !canWrite && 'cannot write the policy file' }, async () => {
  const page = await browser.ctx.newPage();
  const blockPage = `chrome-extension://${extensionId()}/blocked.html`;
  await navigate(page, 'http://news.example.net/', (u) => u.startsWith(blockPage));
  await page.waitForSelector('html[data-ready="true"]');
  assert.equal(await page.textContent('h1'), 'This site is blocked'); // staff read the teen words
  await page.click('#adult');
  const panel = await page.textContent('#adult-panel');
  assert.match(panel, /Oakfield Test School/);
  assert.match(panel, /Mrs Khan/);
  const log = await incidents(browser.sw);
  assert.ok(log.some((r) => r.kind === 'block' && r.host === 'news.example.net' && r.ageBand === 'staff'), JSON.stringify(log));
  assert.deepEqual(await workerErrors(browser.sw), []);
  await page.close();
});
