// End to end, messages on the school's chosen origins: a small class chat (tests/extension/chat/)
// served with a strict Content-Security-Policy (no 'unsafe-inline', no 'wasm-unsafe-eval', as
// many VLEs have), a policy given to the worker through its test hook (esafetyTestPolicy: no
// machine-wide policy file), and the content script the worker registers for the listed
// origin. Pupils get the nudge before a risky message is sent; teachers see badges and marks
// on messages that arrive later; other origins get nothing; neither the page nor the worker
// reports an error.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { incidents, launch, startServer, workerErrors } from './helpers.mjs';

const CHAT = fileURLToPath(new URL('./chat/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const VLE = 'https://vle.oakfield.sch.uk';
const OTHER = 'https://learn.example.org';
const CSP = { 'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'" };
const RISKY = "what's your address? don't tell your mum";
const SCHOOL = { schoolName: 'Oakfield Primary', dslContact: 'Mrs Khan, our Designated Safeguarding Lead' };

let server;
let browser;
/** Console errors and uncaught exceptions from every page opened. */
const pageErrors = [];

before(async () => {
  const file = (name) => readFileSync(`${CHAT}${name}`, 'utf8');
  server = await startServer({
    '/chat': { body: file('chat.html'), headers: CSP },
    '/chat.js': { body: file('chat.js'), type: 'text/javascript; charset=utf-8' },
    '/chat.css': { body: file('chat.css'), type: 'text/css; charset=utf-8' },
    '/web-chat': { body: file('web-chat.html'), headers: CSP },
    '/web-chat.js': { body: file('web-chat.js'), type: 'text/javascript; charset=utf-8' },
  });
  browser = await launch(server.port);
  // The managed read (empty here) must be done, or it would replace the test policy.
  const end = Date.now() + 20000;
  while (!(await browser.sw.evaluate(() => globalThis.esafetyState?.().managedSeen))) {
    if (Date.now() > end) throw new Error('managed storage never answered');
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function setPolicy(raw) {
  const res = await browser.sw.evaluate((p) => globalThis.esafetyTestPolicy(p), raw);
  assert.equal(res.ok, true, JSON.stringify(res));
  return res.policy;
}

/** Opens the chat on an origin; for a listed origin, waits until the message box is guarded. */
async function openChat(origin, { guarded = true } = {}) {
  const page = await browser.ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${origin}: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`${origin}: ${m.text()}`));
  await page.goto(`${origin}/chat`);
  if (guarded) await page.waitForSelector('#msg + .esafety-nudge-region', { state: 'attached', timeout: 10000 });
  return page;
}

const sent = (page) => page.evaluate(() => window.sent);

test('the worker registers the content script for exactly the listed origins', async () => {
  const p = await setPolicy({ role: 'pupil', ...SCHOOL, scanOrigins: [VLE, 'https://*.chat.example.net', 'ftp://nope'] });
  assert.deepEqual(p.scanOrigins.map((e) => e.origin), [VLE, 'https://*.chat.example.net']);
  assert.equal(p.problems.length, 1);
  const scripts = await browser.sw.evaluate(() => chrome.scripting.getRegisteredContentScripts());
  assert.equal(scripts.length, 1);
  assert.deepEqual(scripts[0].matches, ['https://*.chat.example.net/*', 'https://vle.oakfield.sch.uk/*']);
  assert.equal(scripts[0].allFrames, true);
  assert.equal(scripts[0].runAt, 'document_idle');
});

test('pupil: a risky message gets a kind nudge and is not sent; the log has no words from it', async () => {
  const page = await openChat(VLE);
  await page.fill('#msg', RISKY);
  await page.waitForTimeout(300); // the verdict is fetched while typing
  await page.click('#send');
  const nudge = page.locator('.esafety-nudge');
  await nudge.waitFor({ timeout: 5000 });
  assert.equal(await nudge.getAttribute('data-kind'), 'block');
  const words = await nudge.innerText();
  assert.match(words, /Please change your message/);
  assert.match(words, /adult you trust at Oakfield Primary/);
  assert.match(words, /Mrs Khan/);
  assert.doesNotMatch(words, /\b(wrong|bad|naughty|trouble for)\b/i);
  assert.deepEqual(await sent(page), []);
  // Pressing Enter again sends nothing either, and makes no second record.
  await page.press('#msg', 'Enter');
  await page.waitForTimeout(200);
  assert.deepEqual(await sent(page), []);

  const log = (await incidents(browser.sw)).filter((r) => r.kind === 'message');
  assert.equal(log.length, 1, JSON.stringify(log));
  const r = log[0];
  assert.equal(r.host, 'vle.oakfield.sch.uk');
  assert.equal(r.category, 'grooming');
  assert.equal(r.severity, 'critical');
  assert.equal(r.action, 'block');
  assert.equal(r.alert, 'urgent');
  assert.equal(r.ageBand, 'ks2');
  assert.doesNotMatch(JSON.stringify(r), /address|mum/);

  // Changed into a safe message, it goes straight through and the nudge goes away.
  await page.fill('#msg', 'Volcanoes erupt when magma rises.');
  await page.waitForTimeout(300);
  await page.click('#send');
  await page.waitForFunction(() => window.sent.length === 1);
  assert.deepEqual(await sent(page), ['Volcanoes erupt when magma rises.']);
  assert.equal(await page.locator('.esafety-nudge').count(), 0);
  await page.close();
});

test('pupil: Enter straight after pasting waits for the verdict, then nudges or sends', async () => {
  const page = await openChat(VLE);
  // fill + Enter at once: no verdict yet, so the send is held for the worker's answer.
  await page.fill('#msg', RISKY);
  await page.press('#msg', 'Enter');
  await page.locator('.esafety-nudge').waitFor({ timeout: 5000 });
  assert.deepEqual(await sent(page), []);
  await page.fill('#msg', 'Can we do the quiz tomorrow?');
  await page.press('#msg', 'Enter');
  await page.waitForFunction(() => window.sent.length === 1, null, { timeout: 5000 });
  assert.deepEqual(await sent(page), ['Can we do the quiz tomorrow?']);
  await page.close();
});

test('pupil (KS4): a warning lets the pupil choose "Send anyway", which is logged', async () => {
  await setPolicy({ role: 'pupil', ageBand: 'ks4', ...SCHOOL, scanOrigins: [VLE] });
  const page = await openChat(VLE);
  const text = 'you are so stupid nobody likes you';
  await page.fill('#msg', text);
  await page.waitForTimeout(300);
  await page.click('#send');
  const nudge = page.locator('.esafety-nudge');
  await nudge.waitFor({ timeout: 5000 });
  assert.equal(await nudge.getAttribute('data-kind'), 'warn');
  assert.match(await nudge.innerText(), /Before you send/);
  assert.deepEqual(await sent(page), []);
  await page.getByRole('button', { name: 'Send anyway' }).click();
  await page.waitForFunction(() => window.sent.length === 1);
  assert.deepEqual(await sent(page), [text]);
  const log = (await incidents(browser.sw)).filter((r) => r.kind === 'message' && r.ageBand === 'ks4');
  assert.deepEqual(log.map((r) => [r.action, r.category, r.severity]), [['warn', 'bullying', 'high'], ['send_anyway', 'bullying', 'high']]);
  assert.equal(log[1].ref, log[0].id);
  await page.close();
});

test('an origin the policy does not list gets nothing', async () => {
  const page = await openChat(OTHER, { guarded: false });
  await page.fill('#msg', RISKY);
  await page.waitForTimeout(500);
  await page.click('#send');
  await page.waitForFunction(() => window.sent.length === 1);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('.esafety-nudge-region, .esafety-nudge, .esafety-badge').count(), 0);
  assert.equal(await page.evaluate(() => document.adoptedStyleSheets.length), 0);
  const stats = await browser.sw.evaluate(() => globalThis.esafetyState().scanStats);
  assert.ok(stats.every((s) => s.origin !== OTHER), JSON.stringify(stats));
  assert.ok((await incidents(browser.sw)).every((r) => r.host !== 'learn.example.org'));
  await page.close();
});

test('teacher: messages that arrive later get a severity badge and <mark>; safe ones nothing', async () => {
  await setPolicy({ role: 'teacher', ...SCHOOL, scanOrigins: [{ origin: VLE, messages: '#log', item: '.msg' }] });
  const before = (await incidents(browser.sw)).length;
  const page = await browser.ctx.newPage();
  await page.setViewportSize({ width: 1000, height: 700 });
  page.on('pageerror', (e) => pageErrors.push(`teacher: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`teacher: ${m.text()}`));
  await page.goto(`${VLE}/chat`);
  // The teacher's page has no nudge on the message box.
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.esafety-nudge-region').count(), 0);
  await page.evaluate((risky) => {
    window.addMessage('Amira', 'Magma is melted rock under the ground.');
    window.addMessage('Unknown user', risky);
    window.addMessage('Leo', 'you are so stupid nobody likes you');
  }, RISKY);
  const flagged = page.locator('#log .msg[data-esafety-severity]');
  await page.waitForFunction(() => document.querySelectorAll('#log .msg[data-esafety-severity]').length === 2, null, { timeout: 5000 });
  assert.equal(await flagged.count(), 2);
  const grooming = page.locator('#log .msg', { hasText: 'Unknown user' });
  assert.equal(await grooming.getAttribute('data-esafety-severity'), 'critical');
  assert.match(await grooming.locator('.esafety-badge').innerText(), /^Critical: .*grooming/i);
  assert.ok((await grooming.locator('mark').count()) >= 1);
  const bullying = page.locator('#log .msg', { hasText: 'Leo' });
  assert.match(await bullying.locator('.esafety-badge').innerText(), /^High: .*bullying/i);
  const safe = page.locator('#log .msg', { hasText: 'Amira' });
  assert.equal(await safe.locator('.esafety-badge, mark').count(), 0);
  // The message text itself is unchanged by the marks.
  assert.match(await grooming.innerText(), /what's your address\? don't tell your mum/);
  // Teachers' views make no incident records.
  assert.equal((await incidents(browser.sw)).length, before);
  // The README's screenshot, rewritten only when asked (UPDATE_SCREENSHOTS=1), so test runs leave the tree clean.
  const png = await page.screenshot();
  assert.ok(png.length > 10000);
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    writeFileSync(`${DOCS}extension-teacher-view.png`, png);
  }
  await page.close();
});

test('pupil, web chat: a send button outside any form, drawn again after each message, is guarded by its selector', async () => {
  await setPolicy({ role: 'pupil', ...SCHOOL, scanOrigins: [{ origin: VLE, input: '#box', send: '#go', enterSends: false }] });
  const page = await browser.ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`web chat: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`web chat: ${m.text()}`));
  await page.goto(`${VLE}/web-chat`);
  await page.waitForSelector('#box + .esafety-nudge-region', { state: 'attached', timeout: 10000 });

  // Checked while typing, then the click on the send button nudges and nothing is sent.
  await page.fill('#box', RISKY);
  await page.waitForTimeout(300);
  await page.click('#go');
  await page.locator('.esafety-nudge').waitFor({ timeout: 5000 });
  assert.equal(await page.locator('.esafety-nudge').getAttribute('data-kind'), 'block');
  assert.deepEqual(await sent(page), []);

  // A safe message goes; the page then draws a new button.
  await page.fill('#box', 'Volcanoes erupt when magma rises.');
  await page.waitForTimeout(300);
  const first = await page.$('#go');
  await page.click('#go');
  await page.waitForFunction(() => window.sent.length === 1);
  assert.equal(await first.evaluate((b) => b.isConnected), false, 'the page re-rendered its button');

  // The new button is guarded too, even clicked at once (no verdict yet: the click waits for one).
  await page.fill('#box', RISKY);
  await page.click('#go');
  await page.locator('.esafety-nudge').waitFor({ timeout: 5000 });
  assert.deepEqual(await sent(page), ['Volcanoes erupt when magma rises.']);
  await page.fill('#box', 'See you at the museum trip');
  await page.click('#go');
  await page.waitForFunction(() => window.sent.length === 2, null, { timeout: 5000 });
  assert.deepEqual(await sent(page), ['Volcanoes erupt when magma rises.', 'See you at the museum trip']);
  await page.close();
});

test('an empty list unregisters the content script', async () => {
  await setPolicy({ role: 'pupil', scanOrigins: [] });
  assert.deepEqual(await browser.sw.evaluate(() => chrome.scripting.getRegisteredContentScripts()), []);
  const page = await openChat(VLE, { guarded: false });
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.esafety-nudge-region').count(), 0);
  await page.close();
});

test('no page errors and no worker errors; start-up figures recorded', async () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(await workerErrors(browser.sw), []);
  const stats = await browser.sw.evaluate(() => globalThis.esafetyState().scanStats);
  assert.ok(stats.length >= 3, JSON.stringify(stats));
  for (const s of stats) assert.equal(s.origin, VLE);
  console.log('content script start-up (ms):', JSON.stringify(stats.map(({ mode, configMs, firstCheckMs, roundTripMs }) => ({ mode, configMs, firstCheckMs, roundTripMs }))));
});
