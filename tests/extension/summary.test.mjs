// Node checks of the DSL summary's pure module (extension/src/summary-data.js): periods and ISO
// weeks, local days across midnight and the clock changes, counts, review order, the CSV
// (quoting, formula guard, BOM, CRLF, non-ASCII) and JSON exports, an empty log, a full log of
// 5,000 records, and the chart colours' contrast. Runs in UK time whatever the machine's zone.

process.env.TZ = 'Europe/London';

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  categoryColours, categoryLabel, csvCell, CSV_COLUMNS, daysOf, exportFileName, isoWeekOf, isoWeekPeriod, localDate,
  OTHER_COLOUR, PALETTE, periodFor, recordsIn, reviewOrder, summarise, toCsv, toJson,
} from '../../extension/src/summary-data.js';

const src = (name) => readFileSync(new URL(`../../extension/src/${name}`, import.meta.url), 'utf8');
const iso = (ms) => new Date(ms).toISOString();

let seq = 0;
/** A log record as the service worker writes it. */
function rec(time, fields = {}) {
  seq += 1;
  return {
    id: `id-${seq}`, time, kind: 'block', host: 'example.com', category: 'adult', categories: ['adult'],
    severity: 'medium', action: 'block', alert: 'weekly', ageBand: 'ks2', sent: false, ...fields,
  };
}

/** A small RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i += 1; continue; }
      cell += c; i += 1; continue;
    }
    if (c === '"' && cell === '') { quoted = true; i += 1; continue; }
    assert.notEqual(c, '"', `bare quote inside a cell at ${i}`);
    if (c === ',') { row.push(cell); cell = ''; i += 1; continue; }
    if (c === '\r') {
      assert.equal(text[i + 1], '\n', `CR without LF at ${i}`);
      row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue;
    }
    assert.notEqual(c, '\n', `LF without CR at ${i}`);
    cell += c; i += 1;
  }
  assert.equal(cell, '', 'the last row ends with CRLF');
  assert.equal(row.length, 0);
  return rows;
}

test('the zone is UK time (GMT in November, BST in June)', () => {
  assert.equal(new Date('2026-11-20T10:00:00Z').getHours(), 10);
  assert.equal(new Date('2026-06-20T10:00:00Z').getHours(), 11);
});

test('named periods: last 7 and 30 days end with today; this and last week run Monday to Sunday', () => {
  const now = Date.parse('2026-11-20T10:00:00Z'); // a Friday
  const last7 = periodFor('last7', now);
  assert.deepEqual([iso(last7.from), iso(last7.to)], ['2026-11-14T00:00:00.000Z', '2026-11-21T00:00:00.000Z']);
  assert.deepEqual(periodFor(undefined, now), last7);
  assert.equal(daysOf(periodFor('last30', now)).length, 30);
  assert.equal(daysOf(periodFor('last30', now))[0], '2026-10-22');
  const week = periodFor('thisWeek', now);
  assert.deepEqual(daysOf(week), ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
  assert.deepEqual(periodFor('lastWeek', now), { from: Date.parse('2026-11-09T00:00:00Z'), to: week.from });
  // Sunday evening and Monday morning belong to different weeks.
  assert.equal(daysOf(periodFor('thisWeek', Date.parse('2026-11-22T23:59:00Z')))[0], '2026-11-16');
  assert.equal(daysOf(periodFor('thisWeek', Date.parse('2026-11-23T00:00:00Z')))[0], '2026-11-23');
  assert.throws(() => periodFor('fortnight', now), RangeError);
});

test('ISO weeks: by text or number, year ends, week 53, bad weeks refused', () => {
  assert.deepEqual(isoWeekPeriod('2026-W47'), periodFor('thisWeek', Date.parse('2026-11-20T10:00:00Z')));
  assert.deepEqual(isoWeekPeriod('2026w47'), isoWeekPeriod(2026, 47));
  assert.deepEqual(isoWeekOf(Date.parse('2026-11-20T10:00:00Z')), { year: 2026, week: 47 });
  // 1 January 2027 is a Friday: still 2026's week 53 (2026 starts on a Thursday).
  assert.deepEqual(isoWeekOf(Date.parse('2027-01-01T12:00:00Z')), { year: 2026, week: 53 });
  assert.deepEqual(daysOf(isoWeekPeriod(2026, 53)), ['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']);
  // 30 December 2024 is a Monday in 2025's week 1.
  assert.deepEqual(isoWeekOf(Date.parse('2024-12-30T12:00:00Z')), { year: 2025, week: 1 });
  assert.equal(daysOf(isoWeekPeriod(2025, 1))[0], '2024-12-30');
  assert.throws(() => isoWeekPeriod(2025, 53), /2025 has no week 53/);
  assert.throws(() => isoWeekPeriod('2026-47'), RangeError);
  assert.throws(() => isoWeekPeriod(2026, 0), RangeError);
});

test('a week with the October clock change has 7 days and 169 hours; records fall on their UK day', () => {
  // Clocks went back at 02:00 BST on Sunday 25 October 2026.
  const p = isoWeekPeriod('2026-W43');
  assert.equal(iso(p.from), '2026-10-18T23:00:00.000Z'); // Monday 19th 00:00 BST
  assert.equal(iso(p.to), '2026-10-26T00:00:00.000Z'); // Monday 26th 00:00 GMT
  assert.equal((p.to - p.from) / 3600000, 169);
  assert.equal(daysOf(p).length, 7);
  const log = [
    rec('2026-10-18T22:59:59Z'), // Sunday 18th 23:59:59 BST: the week before
    rec('2026-10-18T23:00:00Z'), // Monday 19th 00:00 BST
    rec('2026-10-24T23:30:00Z'), // Sunday 25th 00:30 BST
    rec('2026-10-25T23:59:59Z'), // Sunday 25th 23:59:59 GMT
    rec('2026-10-26T00:00:00Z'), // Monday 26th: the week after
  ];
  const s = summarise(log, p);
  assert.equal(s.totals.incidents, 3);
  assert.deepEqual(s.byDay.map((d) => [d.date, d.total]), [
    ['2026-10-19', 1], ['2026-10-20', 0], ['2026-10-21', 0], ['2026-10-22', 0], ['2026-10-23', 0], ['2026-10-24', 0], ['2026-10-25', 2],
  ]);
  // And March: Sunday 29 March 2026 has 23 hours.
  const spring = isoWeekPeriod('2026-W13');
  assert.equal((spring.to - spring.from) / 3600000, 167);
  assert.equal(daysOf(spring).length, 7);
});

test('days are local: just before and after midnight, in GMT and in BST', () => {
  const nov = summarise([rec('2026-11-16T23:59:59Z'), rec('2026-11-17T00:00:00Z'), rec('2026-11-17T00:00:01Z', { category: 'gambling' })],
    isoWeekPeriod('2026-W47'));
  assert.deepEqual(nov.byDay.slice(0, 2), [
    { date: '2026-11-16', total: 1, byCategory: { adult: 1 } },
    { date: '2026-11-17', total: 2, byCategory: { adult: 1, gambling: 1 } },
  ]);
  // 23:30 UTC on 15 June is 00:30 on the 16th in London.
  const june = summarise([rec('2026-06-15T22:59:00Z'), rec('2026-06-15T23:30:00Z')], isoWeekPeriod('2026-W25'));
  assert.deepEqual(june.byDay.slice(0, 2).map((d) => [d.date, d.total]), [['2026-06-15', 1], ['2026-06-16', 1]]);
  assert.equal(localDate(Date.parse('2026-06-15T23:30:00Z')), '2026-06-16');
});

test('period filtering: from is in, to is out, unreadable entries are skipped, oldest first', () => {
  const p = isoWeekPeriod('2026-W47');
  const log = [
    rec('2026-11-20T09:00:00Z'),
    rec(iso(p.from)),
    rec(iso(p.to)),
    rec(iso(p.to - 1)),
    rec('not a time'),
    rec(undefined),
    null,
    'text',
    rec('2026-11-01T00:00:00Z'),
  ];
  const got = recordsIn(log, p);
  assert.deepEqual(got.map((r) => r.time), [iso(p.from), '2026-11-20T09:00:00.000Z', iso(p.to - 1)]);
  assert.deepEqual(recordsIn(undefined, p), []);
  assert.deepEqual(recordsIn({ incidents: [] }, p), []);
});

test('counts by category, kind, action, severity and alert; top hosts; flagged searches', () => {
  const p = isoWeekPeriod('2026-W47');
  const log = [
    rec('2026-11-16T09:00:00Z', { host: 'pornhub.com' }),
    rec('2026-11-16T09:01:00Z', { host: 'pornhub.com', kind: 'unblock_request', severity: 'none', ref: 'id-1' }),
    rec('2026-11-17T10:00:00Z', { host: 'www.bet365.com', category: 'gambling', categories: ['gambling'] }),
    rec('2026-11-17T11:00:00Z', { host: 'example.com', kind: 'warn', action: 'warn', category: 'gambling', severity: 'low' }),
    rec('2026-11-17T11:01:00Z', { host: 'example.com', kind: 'continue', action: 'warn', category: 'gambling', severity: 'none' }),
    rec('2026-11-18T12:00:00Z', { host: 'www.google.com', search: 'how to hurt myself', category: 'self_harm', severity: 'high', alert: 'urgent' }),
    rec('2026-11-18T13:00:00Z', { host: 'www.google.com', search: 'how to hurt myself', category: 'self_harm', severity: 'critical', alert: 'urgent' }),
    rec('2026-11-19T08:00:00Z', { host: 'www.bing.com', search: 'porn', category: 'sexual', severity: 'medium' }),
    rec('2026-11-19T08:05:00Z', { host: 'teams.example', kind: 'message', action: 'warn', category: 'bullying', severity: 'medium' }),
    rec('2026-11-19T08:06:00Z', { host: 'x.example', kind: 'something_new', action: '', category: 'zz_new' }),
  ];
  const s = summarise(log, p, { topHosts: 3 });
  assert.equal(s.totals.incidents, 10);
  assert.equal(s.totals.urgent, 2);
  assert.deepEqual(s.totals.byKind, { block: 5, warn: 1, continue: 1, unblock_request: 1, message: 1, something_new: 1 });
  assert.deepEqual(s.totals.byAction, { block: 6, warn: 3, allow: 0, none: 1 });
  assert.deepEqual(s.totals.bySeverity, { critical: 1, high: 1, medium: 5, low: 1, none: 2 });
  assert.deepEqual(s.totals.byAlert, { urgent: 2, weekly: 8, none: 0 });
  // Most first, ties by name.
  assert.deepEqual(s.byCategory, [
    { category: 'gambling', count: 3 }, { category: 'adult', count: 2 }, { category: 'self_harm', count: 2 },
    { category: 'bullying', count: 1 }, { category: 'sexual', count: 1 }, { category: 'zz_new', count: 1 },
  ]);
  assert.equal(s.byDay.reduce((n, d) => n + d.total, 0), 10);
  assert.deepEqual(s.byDay[1], { date: '2026-11-17', total: 3, byCategory: { gambling: 3 } });
  assert.deepEqual(s.topHosts, [{ host: 'example.com', count: 2 }, { host: 'pornhub.com', count: 2 }, { host: 'www.google.com', count: 2 }]);
  assert.deepEqual(s.searches.map((x) => [x.search, x.count, x.severity, x.category]), [
    ['how to hurt myself', 2, 'critical', 'self_harm'],
    ['porn', 1, 'medium', 'sexual'],
  ]);
  assert.equal(s.searches[0].last, '2026-11-18T13:00:00.000Z');
  // Records carry the exported fields only: the upload flag stays behind.
  assert.ok(s.records.every((r) => !('sent' in r)));
  assert.equal(s.records.find((r) => r.kind === 'unblock_request').ref, 'id-1');
  assert.equal(categoryLabel('zz_new'), 'Zz new');
  assert.equal(categoryLabel('self_harm'), 'Self-harm or suicide');
});

test('review order: urgent first (most serious, then newest), then the rest newest first', () => {
  const p = isoWeekPeriod('2026-W47');
  const log = [
    rec('2026-11-16T09:00:00Z', { id: 'old-weekly' }),
    rec('2026-11-16T10:00:00Z', { id: 'urgent-high-old', alert: 'urgent', severity: 'high' }),
    rec('2026-11-17T10:00:00Z', { id: 'urgent-critical', alert: 'urgent', severity: 'critical' }),
    rec('2026-11-18T10:00:00Z', { id: 'urgent-high-new', alert: 'urgent', severity: 'high' }),
    rec('2026-11-19T10:00:00Z', { id: 'new-weekly' }),
  ];
  const order = ['urgent-critical', 'urgent-high-new', 'urgent-high-old', 'new-weekly', 'old-weekly'];
  const s = summarise(log, p);
  assert.deepEqual(s.records.map((r) => r.id), order);
  assert.deepEqual(s.urgent.map((r) => r.id), order.slice(0, 3));
  assert.deepEqual(reviewOrder(recordsIn(log, p)).map((r) => r.id), order);
});

test('CSV cells: RFC 4180 quoting and the formula guard', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(3), '3');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('two\r\nlines'), '"two\r\nlines"');
  for (const lead of ['=', '+', '-', '@']) assert.equal(csvCell(`${lead}1+1`), `'${lead}1+1`);
  assert.equal(csvCell('\tcmd'), "'\tcmd");
  assert.equal(csvCell('\rcmd'), `"'\rcmd"`);
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  // Only the first character matters.
  assert.equal(csvCell('a=b'), 'a=b');
  assert.equal(csvCell(' =b'), ' =b');
});

test('CSV export: BOM, header, CRLF, every awkward value survives a round trip', () => {
  const p = isoWeekPeriod('2026-W47');
  const awkward = [
    'say "cheese", please',
    'line one\nline two',
    '=cmd|\' /C calc\'!A0',
    '+44 7700 900000',
    '-2+3',
    '@SUM(A1:A2)',
    '\tindent',
    'café naïve — ŵ ŷ 😀 日本語',
  ];
  const log = awkward.map((search, i) => rec(`2026-11-18T10:0${i}:00Z`, { search, host: 'www.google.com', category: 'search' }));
  log.push(rec('2026-11-18T11:00:00Z', { host: 'pornhub.com', categories: ['adult', 'video'], alert: 'urgent', severity: 'high', ref: 'r-1' }));
  const s = summarise(log, p);
  const csv = toCsv(s.records);
  const bytes = Buffer.from(csv, 'utf8');
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
  assert.ok(csv.endsWith('\r\n'));
  const rows = parseCsv(csv.slice(1));
  assert.deepEqual(rows[0], CSV_COLUMNS);
  assert.equal(rows.length, 1 + log.length);
  assert.ok(rows.every((r) => r.length === CSV_COLUMNS.length));
  const col = (name) => CSV_COLUMNS.indexOf(name);
  // Urgent first, with its fields.
  const first = rows[1];
  assert.equal(first[col('urgent')], 'yes');
  assert.equal(first[col('host')], 'pornhub.com');
  assert.equal(first[col('categories')], 'adult video');
  assert.equal(first[col('ref')], 'r-1');
  assert.equal(first[col('time_utc')], '2026-11-18T11:00:00.000Z');
  assert.equal(first[col('local_date')], '2026-11-18');
  assert.equal(first[col('local_time')], '11:00');
  // Searches: text kept exactly, formula starts disarmed with an apostrophe.
  const searches = rows.slice(2).map((r) => r[col('search')]).reverse();
  const guarded = awkward.map((t) => (/^[=+\-@\t\r]/.test(t) ? `'${t}` : t));
  assert.deepEqual(searches, guarded);
  for (const cell of rows.flat()) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
  // Non-ASCII is real UTF-8 in the bytes.
  assert.ok(bytes.includes(Buffer.from('😀 日本語', 'utf8')));
});

test('JSON export: generatedAt, period, totals, byCategory, byDay, records', () => {
  const p = isoWeekPeriod('2026-W47');
  const s = summarise([rec('2026-11-18T10:00:00Z', { search: 'a "quoted" search' }), rec('2026-11-19T10:00:00Z', { category: 'gambling' })], p);
  const text = toJson(s, Date.parse('2026-11-23T08:00:00Z'));
  const j = JSON.parse(text);
  assert.deepEqual(Object.keys(j), ['generatedAt', 'period', 'totals', 'byCategory', 'byDay', 'records']);
  assert.equal(j.generatedAt, '2026-11-23T08:00:00.000Z');
  assert.deepEqual(j.period, { from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' });
  assert.equal(j.totals.incidents, 2);
  assert.equal(j.byDay.length, 7);
  assert.deepEqual(j.byCategory, [{ category: 'adult', count: 1 }, { category: 'gambling', count: 1 }]);
  assert.equal(j.records[1].search, 'a "quoted" search');
  assert.ok(j.records.every((r) => !('sent' in r)));
});

test('an empty log: zero totals, every day present, a CSV with only its header', () => {
  const p = periodFor('last7', Date.parse('2026-11-20T10:00:00Z'));
  for (const log of [[], undefined]) {
    const s = summarise(log, p);
    assert.equal(s.totals.incidents, 0);
    assert.equal(s.totals.urgent, 0);
    assert.deepEqual(s.byCategory, []);
    assert.deepEqual(s.byDay.map((d) => d.total), [0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(s.urgent, []);
    assert.deepEqual(s.topHosts, []);
    assert.deepEqual(s.searches, []);
    assert.equal(toCsv(s.records), `\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    assert.deepEqual(JSON.parse(toJson(s, 0)).records, []);
  }
  assert.deepEqual(categoryColours([]), { colours: new Map(), shown: [] });
});

test('a full log of 5,000 records over 30 days is summarised and exported quickly', () => {
  const now = Date.parse('2026-11-20T15:00:00Z');
  const cats = ['adult', 'gambling', 'social_media', 'gaming', 'proxy', 'self_harm', 'drugs', 'violence', 'chat', 'piracy'];
  const log = [];
  for (let i = 0; i < 5000; i++) {
    log.push(rec(iso(now - i * 450000), {
      category: cats[i % cats.length],
      host: `site${i % 37}.example`,
      alert: i % 250 === 0 ? 'urgent' : 'weekly',
      search: i % 5 === 0 ? `search ${i % 11}, "x"` : undefined,
    }));
  }
  const started = performance.now();
  const s = summarise(log, periodFor('last30', now));
  const csv = toCsv(s.records);
  const json = toJson(s, now);
  const ms = performance.now() - started;
  assert.equal(s.totals.incidents, 5000); // 5,000 × 450 s is 26 days: all inside
  assert.equal(s.totals.urgent, 20);
  assert.equal(s.byDay.length, 30);
  assert.equal(s.byDay.reduce((n, d) => n + d.total, 0), 5000);
  assert.equal(s.byCategory.reduce((n, c) => n + c.count, 0), 5000);
  assert.equal(s.topHosts.length, 10);
  assert.equal(s.searches.length, 11);
  assert.equal(parseCsv(csv.slice(1)).length, 5001);
  assert.equal(JSON.parse(json).records.length, 5000);
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
});

test('chart colours: 3:1 against white, all different, the eighth and later share "other" only when needed', () => {
  const lum = (hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  for (const c of [...PALETTE, OTHER_COLOUR]) assert.ok(contrast(c, '#ffffff') >= 3, `${c} ${contrast(c, '#ffffff').toFixed(2)}`);
  assert.equal(new Set([...PALETTE, OTHER_COLOUR]).size, PALETTE.length + 1);

  const eight = Array.from({ length: 8 }, (_, i) => ({ category: `c${i}`, count: 10 - i }));
  assert.deepEqual(categoryColours(eight).shown.length, 8);
  assert.deepEqual([...categoryColours(eight).colours.values()], PALETTE);
  const ten = Array.from({ length: 10 }, (_, i) => ({ category: `c${i}`, count: 10 - i }));
  const { colours, shown } = categoryColours(ten);
  assert.equal(shown.length, 7);
  assert.deepEqual([...colours.values()].slice(7), [OTHER_COLOUR, OTHER_COLOUR, OTHER_COLOUR]);

  // The page's text colours (summary.css) meet 4.5:1 on their backgrounds.
  const css = src('summary.css');
  const v = (name) => css.match(new RegExp(`--${name}: (#[0-9a-f]{6})`))[1];
  for (const [fg, bg] of [[v('ink'), '#ffffff'], [v('muted'), '#ffffff'], [v('muted'), v('bg')], [v('urgent'), v('urgent-bg')],
    [v('ink'), v('urgent-bg')], ['#0d4580', '#ffffff'], ['#333333', '#ffffff'], ['#1b6e3a', v('bg')]]) {
    assert.ok(contrast(fg, bg) >= 4.5, `${fg} on ${bg}: ${contrast(fg, bg).toFixed(2)}`);
  }
});

test('export file names run from the first to the last day', () => {
  assert.equal(exportFileName(isoWeekPeriod('2026-W47'), 'csv'), 'esafety-summary-2026-11-16_to_2026-11-22.csv');
  assert.equal(exportFileName(periodFor('last7', Date.parse('2026-11-20T10:00:00Z')), 'json'), 'esafety-summary-2026-11-14_to_2026-11-20.json');
});

test('the manifest offers the summary as the options page, never to web pages', () => {
  const manifest = JSON.parse(src('manifest.json'));
  assert.deepEqual(manifest.options_ui, { page: 'summary.html', open_in_tab: true });
  const exposed = manifest.web_accessible_resources.flatMap((w) => w.resources);
  for (const f of ['summary.html', 'summary.js', 'summary-data.js', 'summary.css']) assert.ok(!exposed.includes(f), f);
  // Log text goes into the page as text only.
  assert.doesNotMatch(src('summary.js'), /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  assert.doesNotMatch(src('summary.html'), /<script>|style=|\son[a-z]+=/i);
});
