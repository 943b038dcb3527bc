// End to end in headless Chromium: incidents seeded into the extension's storage, then its
// summary page (chrome-extension://ID/summary.html) shows the right totals, a bar for each
// seeded day and category, urgent incidents first, log text as text only, and downloads the
// same CSV and JSON the pure module makes. Also: the period picker, a live update when a
// record arrives, the options-page entry, and no console errors.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { extensionId, launch, startServer, workerErrors } from './helpers.mjs';
import { CSV_COLUMNS, isoWeekPeriod, periodFor, summarise, toCsv } from '../../extension/src/summary-data.js';

let server;
let browser;
let base;

// Week 45 of 2026 (2–8 November); midday times, so the day is the same in any UK-ish zone.
const WEEK = '2026-W45';
const XSS = '<img src=x onerror="document.title=1">';
const seeded = [
  { id: 'a1', time: '2026-11-02T12:00:00.000Z', kind: 'block', host: 'pornhub.com', category: 'adult', categories: ['adult'], severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false },
  { id: 'a2', time: '2026-11-02T12:30:00.000Z', kind: 'unblock_request', host: 'pornhub.com', category: 'adult', categories: [], severity: 'none', action: 'block', alert: 'weekly', ageBand: 'ks2', ref: 'a1', sent: false },
  { id: 'g1', time: '2026-11-02T13:00:00.000Z', kind: 'block', host: 'www.bet365.com', category: 'gambling', categories: ['gambling'], severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false },
  { id: 'h1', time: '2026-11-04T11:00:00.000Z', kind: 'block', host: 'www.google.com', search: 'how to hurt myself', category: 'self_harm', categories: ['search'], severity: 'high', action: 'block', alert: 'urgent', ageBand: 'ks2', sent: false },
  { id: 'c1', time: '2026-11-05T10:00:00.000Z', kind: 'block', host: 'iwf-listed.example', category: 'illegal', categories: ['illegal'], severity: 'critical', action: 'block', alert: 'urgent', ageBand: 'ks2', sent: false },
  { id: 'w1', time: '2026-11-06T14:00:00.000Z', kind: 'warn', host: 'example.com', category: 'gambling', categories: ['gambling'], severity: 'low', action: 'warn', alert: 'weekly', ageBand: 'ks2', sent: false },
  { id: 'w2', time: '2026-11-06T14:01:00.000Z', kind: 'continue', host: 'example.com', category: 'gambling', categories: [], severity: 'none', action: 'warn', alert: 'weekly', ageBand: 'ks2', ref: 'w1', sent: false },
  { id: 's1', time: '2026-11-08T12:00:00.000Z', kind: 'block', host: 'www.bing.com', search: `=cmd, "quoted" ${XSS}`, category: 'sexual', categories: ['search'], severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false },
  // Outside the week: the Sunday before and the Monday after.
  { id: 'x1', time: '2026-11-01T12:00:00.000Z', kind: 'block', host: 'before.example', category: 'proxy', categories: ['proxy'], severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false },
  { id: 'x2', time: '2026-11-09T12:00:00.000Z', kind: 'block', host: 'after.example', category: 'proxy', categories: ['proxy'], severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false },
];

before(async () => {
  server = await startServer();
  browser = await launch(server.port);
  base = `chrome-extension://${extensionId()}/summary.html`;
  await setLog(seeded);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function setLog(log) {
  return browser.sw.evaluate((incidents) => chrome.storage.local.set({ incidents }), log);
}

async function open(query = '') {
  const page = await browser.ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`${base}${query}`);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10000 });
  return { page, problems };
}

const total = (page, key) => page.textContent(`#totals [data-total="${key}"] dd`);

test('one ISO week: totals, a bar for each day and category, urgent first, text as text', async () => {
  const { page, problems } = await open(`?week=${WEEK}`);
  assert.equal(await page.title(), 'Safeguarding summary — esafety');
  assert.equal(await page.textContent('h1'), 'Safeguarding summary');
  assert.equal(await page.inputValue('#period'), 'week:2026-W45');
  assert.match(await page.textContent('#period-dates'), /Mon 2 Nov 2026 to Sun 8 Nov 2026/);

  assert.equal(await total(page, 'incidents'), '8');
  assert.equal(await total(page, 'urgent'), '2');
  assert.equal(await total(page, 'block'), '5');
  assert.equal(await total(page, 'warn'), '1');
  assert.equal(await total(page, 'continue'), '1');
  assert.equal(await total(page, 'unblock_request'), '1');

  // The chart: one group per day, one bar segment per category that day.
  const svg = await page.$eval('#chart svg', (s) => ({
    role: s.getAttribute('role'),
    title: s.querySelector('title').textContent,
    desc: s.querySelector('desc').textContent,
    days: [...s.querySelectorAll('g[data-date]')].map((g) => [g.dataset.date, Number(g.dataset.total)]),
    rects: [...s.querySelectorAll('rect[data-category]')].map((r) => [r.closest('g').dataset.date, r.dataset.category, Number(r.dataset.count), r.getAttribute('fill'), Number(r.getAttribute('height'))]),
  }));
  assert.equal(svg.role, 'img');
  assert.match(svg.title, /Incidents by day/);
  assert.match(svg.desc, /8 incidents over 7 days; the busiest day was Mon 2 Nov with 3/);
  assert.deepEqual(svg.days, [['2026-11-02', 3], ['2026-11-03', 0], ['2026-11-04', 1], ['2026-11-05', 1], ['2026-11-06', 2], ['2026-11-07', 0], ['2026-11-08', 1]]);
  assert.deepEqual(svg.rects.map(([d, c, n]) => [d, c, n]), [
    ['2026-11-02', 'gambling', 1], ['2026-11-02', 'adult', 2],
    ['2026-11-04', 'self_harm', 1], ['2026-11-05', 'illegal', 1], ['2026-11-06', 'gambling', 2], ['2026-11-08', 'sexual', 1],
  ]);
  // Heights follow the counts; each category keeps one colour.
  const h = Object.fromEntries(svg.rects.map(([d, c, , , height]) => [`${d}/${c}`, height]));
  assert.ok(Math.abs(h['2026-11-02/adult'] - 2 * h['2026-11-04/self_harm']) < 0.01, JSON.stringify(h));
  const fills = new Map();
  for (const [, c, , fill] of svg.rects) {
    if (fills.has(c)) assert.equal(fills.get(c), fill);
    fills.set(c, fill);
  }
  assert.equal(new Set(fills.values()).size, fills.size);
  assert.deepEqual(await page.$$eval('#legend li', (lis) => lis.map((li) => li.dataset.category)), ['gambling', 'adult', 'illegal', 'self_harm', 'sexual']);
  // The text table behind "Show the chart as a table".
  await page.click('.as-table summary');
  const row = await page.$$eval('#chart-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  // Columns in the legend's order: gambling, adult, illegal, self_harm, sexual, then the total.
  assert.deepEqual(row[0], ['Mon 2 Nov', '1', '2', '0', '0', '0', '3']);
  assert.deepEqual(row[5], ['Sat 7 Nov', '0', '0', '0', '0', '0', '0']);

  // Urgent: the critical one first, then the high one.
  assert.deepEqual(await page.$$eval('#urgent-table tbody tr', (trs) => trs.map((tr) => tr.dataset.id)), ['c1', 'h1']);
  assert.match(await page.textContent('#urgent-table tbody tr:first-child'), /Urgent Critical/);
  assert.match(await page.textContent('#urgent-table tbody tr:first-child'), /Illegal content/);
  const all = await page.$$eval('#all-table tbody tr', (trs) => trs.map((tr) => tr.dataset.id));
  assert.deepEqual(all, ['c1', 'h1', 's1', 'w2', 'w1', 'g1', 'a2', 'a1']);

  // Top sites and searches; the log's markup-looking search is shown as text, never run.
  assert.deepEqual(await page.$$eval('#hosts li', (lis) => lis.map((li) => li.textContent)), [
    'example.com — 2', 'pornhub.com — 2', 'iwf-listed.example — 1', 'www.bet365.com — 1', 'www.bing.com — 1', 'www.google.com — 1',
  ]);
  const searches = await page.$$eval('#searches tbody td.search', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(searches, ['how to hurt myself', `=cmd, "quoted" ${XSS}`]);
  assert.equal(await page.$('main img'), null);
  assert.equal(await page.title(), 'Safeguarding summary — esafety');
  assert.deepEqual(problems, []);
  await page.close();
});

test('"Download CSV" (by keyboard) and "Download JSON" give the module\'s exports with dated names', async () => {
  const { page, problems } = await open(`?week=${WEEK}`);
  await page.focus('#download-csv');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(csvDownload.suggestedFilename(), 'esafety-summary-2026-11-02_to_2026-11-08.csv');
  const bytes = readFileSync(await csvDownload.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const csv = bytes.toString('utf8');
  // Byte for byte what the module gives in Node (same machine, same zone).
  assert.equal(csv, toCsv(summarise(seeded, isoWeekPeriod(WEEK)).records));
  const lines = csv.slice(1).split('\r\n');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.equal(lines.length, 1 + 8 + 1); // header, 8 records, the final CRLF
  assert.match(lines[1], /^2026-11-05T10:00:00\.000Z,2026-11-05,\d\d:00,yes,block,illegal,illegal,critical,block,urgent,iwf-listed\.example,,ks2,c1,,,$/);
  const guarded = `"'${seeded.find((r) => r.id === 's1').search.replace(/"/g, '""')}"`;
  assert.ok(lines.some((l) => l.includes(`,${guarded},`)), `formula guarded and quoted: ${guarded}`);
  assert.match(await page.textContent('#status'), /Downloaded esafety-summary-2026-11-02_to_2026-11-08\.csv/);

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
  assert.equal(jsonDownload.suggestedFilename(), 'esafety-summary-2026-11-02_to_2026-11-08.json');
  const j = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'));
  assert.deepEqual(Object.keys(j), ['generatedAt', 'period', 'totals', 'byCategory', 'byDay', 'records']);
  assert.equal(j.totals.incidents, 8);
  assert.equal(j.records[0].id, 'c1');
  assert.ok(Math.abs(Date.parse(j.generatedAt) - Date.now()) < 60000);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the period picker, an empty period, and a live update when a record arrives', async () => {
  const now = Date.now();
  const recent = { id: 'n1', time: new Date(now - 60000).toISOString(), kind: 'block', host: 'www.hidemyass.com', category: 'proxy', categories: ['proxy'], severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false };
  await setLog([...seeded, recent]);
  const { page, problems } = await open();
  assert.equal(await page.inputValue('#period'), 'last7');
  assert.equal(await total(page, 'incidents'), '1');
  assert.equal(await page.$$eval('#chart svg g[data-date]', (gs) => gs.length), 7);
  assert.equal(await page.$$eval('#chart svg rect[data-category="proxy"]', (rs) => rs.length), 1);
  assert.equal(await page.isVisible('#urgent-none'), true);
  assert.equal(await page.isVisible('#urgent-table'), false);

  await page.selectOption('#period', 'last30');
  await page.waitForSelector('html[data-ready="true"][data-period="last30"]');
  assert.equal(await page.$$eval('#chart svg g[data-date]', (gs) => gs.length), 30);
  // Whatever today is: the same count as the module gives in Node (same machine, same zone).
  const expected = summarise([...seeded, recent], periodFor('last30', now)).totals.incidents;
  assert.equal(await total(page, 'incidents'), String(expected));

  // A new record: the page redraws on its own.
  await page.selectOption('#period', 'last7');
  await page.waitForSelector('html[data-ready="true"][data-period="last7"]');
  await browser.sw.evaluate(async (r) => {
    const { incidents } = await chrome.storage.local.get('incidents');
    await chrome.storage.local.set({ incidents: [...incidents, r] });
  }, { ...recent, id: 'n2', alert: 'urgent', severity: 'high' });
  await page.waitForFunction(() => document.querySelector('#totals [data-total="incidents"] dd')?.textContent === '2');
  assert.equal(await total(page, 'urgent'), '1');
  assert.deepEqual(await page.$$eval('#urgent-table tbody tr', (trs) => trs.map((tr) => tr.dataset.id)), ['n2']);
  assert.deepEqual(problems, []);
  await page.close();

  const empty = await open('?week=2020-W01');
  assert.equal(await total(empty.page, 'incidents'), '0');
  assert.equal(await empty.page.$$eval('#chart svg rect[data-category]', (rs) => rs.length), 0);
  assert.equal(await empty.page.isVisible('#all-none'), true);
  assert.match(await empty.page.textContent('#chart svg desc'), /No incidents/);
  assert.deepEqual(empty.problems, []);
  await empty.page.close();
});

test('it is the options page, and web pages cannot load it', async () => {
  // Chromium may open it in a new tab or in a blank one it already has: ask the tabs.
  await browser.sw.evaluate(() => chrome.runtime.openOptionsPage());
  const end = Date.now() + 10000;
  let urls = [];
  while (Date.now() < end) {
    urls = await browser.sw.evaluate(async () => (await chrome.tabs.query({})).map((t) => t.url || t.pendingUrl));
    if (urls.includes(base)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(urls.includes(base), JSON.stringify(urls));

  const page = await browser.ctx.newPage();
  await page.goto('http://school.example/');
  const load = (file) => page.evaluate((url) => fetch(url).then(() => 'loaded', () => 'refused'), base.replace('summary.html', file));
  assert.equal(await load('blocked.html'), 'loaded'); // web-accessible: shows the check can tell
  assert.equal(await load('summary.html'), 'refused');
  assert.equal(await load('summary-data.js'), 'refused');
  await page.close();
  assert.deepEqual(await workerErrors(browser.sw), []);
});
