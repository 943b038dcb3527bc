// Node-only checks of the extension's pure modules (policy, incident helpers) and of the
// build's zip, with the package's Node build for real decisions. No browser.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normalisePolicy } from '../../extension/src/policy.js';
import { concernOf, pruneIncidents, searchExcerpt, severityOf } from '../../extension/src/incidents.js';
import { PAGE, REASON } from '../../extension/src/words.js';
import { createClassifier } from '../../npm/src/node.js';
import { extensionId } from './helpers.mjs';

test('no policy protects as a KS2 pupil', () => {
  const p = normalisePolicy(undefined);
  assert.equal(p.role, 'pupil');
  assert.deepEqual(p.classifierOptions, { ageBand: 'ks2' });
  assert.equal(p.failMode, 'closed');
  assert.equal(p.retentionDays, 30);
  assert.deepEqual(p.problems, []);
});

test('policy: staff role, age, lists and bad values', () => {
  assert.deepEqual(normalisePolicy({ role: 'teacher' }).classifierOptions, { ageBand: 'staff' });
  const aged = normalisePolicy({ age: 12, ageBand: 'ks2' });
  assert.deepEqual(aged.classifierOptions, { age: 12 });
  assert.equal(aged.ageBand, 'ks3');
  const lists = normalisePolicy({ allow: ['scratch.mit.edu', ''], deny: ['example.org', 3] });
  assert.deepEqual(lists.classifierOptions.overrides.allow.map((e) => e.target), ['scratch.mit.edu']);
  assert.deepEqual(lists.classifierOptions.overrides.deny.map((e) => e.target), ['example.org']);
  const bad = normalisePolicy({ ageBand: 'year6', age: 99, role: 'head', listPackUrl: 'ftp://x', failMode: 'open' });
  assert.deepEqual(bad.classifierOptions, { ageBand: 'ks2' });
  assert.equal(bad.listPackUrl, undefined);
  assert.equal(bad.failMode, 'open');
  assert.equal(bad.problems.length, 4);
});

test('the classifier accepts the options a policy makes', async () => {
  const p = normalisePolicy({ ageBand: 'ks3', allow: ['www.roblox.com'], deny: ['news.example.net'] });
  const c = await createClassifier(p.classifierOptions);
  assert.equal(c.classifyUrl('https://www.roblox.com/').action, 'allow');
  assert.equal(c.classifyUrl('https://news.example.net/').action, 'block');
});

test('incident helpers: deciding category, severity, search excerpt, retention', async () => {
  const c = await createClassifier({ ageBand: 'ks2' });
  const porn = c.classifyUrl('http://pornhub.com/');
  assert.equal(concernOf(porn), 'adult');
  assert.equal(severityOf(porn), 'medium');
  const search = c.classifyUrl('http://www.google.com/search?q=porn');
  assert.equal(concernOf(search), 'sexual');
  assert.equal(searchExcerpt(search), 'porn');
  const long = c.classifyUrl(`http://www.google.com/search?q=${'a'.repeat(200)}`);
  assert.equal([...searchExcerpt(long)].length, 81);
  assert.equal(concernOf(c.classifyUrl('http://www.facebook.com/')), 'social_media');
  assert.equal(concernOf(c.classifyUrl('https://www.ask.com/web?q=volcanoes')), 'search_engine');
  assert.equal(concernOf(c.classifyUrl('https://www.bing.com/search?q=volcanoes')), 'search');
  const now = Date.parse('2025-03-01T00:00:00Z');
  const list = [{ time: '2025-01-01T00:00:00Z' }, { time: '2025-02-20T00:00:00Z' }];
  assert.deepEqual(pruneIncidents(list, 30, now), [list[1]]);
});

test('every URL category has block-page words for every band group', () => {
  const cats = ['adult', 'gambling', 'dating', 'social_media', 'gaming', 'chat', 'drugs', 'violence', 'extremism',
    'discrimination', 'self_harm', 'malware', 'piracy', 'proxy', 'search', 'search_engine', 'illegal', 'other'];
  for (const cat of cats) for (const g of ['young', 'junior', 'teen']) assert.ok(REASON[cat]?.[g], `${cat}/${g}`);
  for (const g of ['young', 'junior', 'teen']) assert.equal(Object.keys(PAGE[g]).length, Object.keys(PAGE.junior).length);
});

test('the build wrote a valid zip of dist/', { skip: !existsSync(fileURLToPath(new URL('../../extension/dist.zip', import.meta.url))) }, () => {
  const zip = fileURLToPath(new URL('../../extension/dist.zip', import.meta.url));
  const out = execFileSync('python3', ['-c', `import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))`, zip], { encoding: 'utf8' });
  const names = out.trim().split('\n');
  for (const f of ['manifest.json', 'sw.js', 'blocked.html', 'managed_schema.json', 'lib/esafety/dist/web/esafety_wasm_bg.wasm']) {
    assert.ok(names.includes(f), f);
  }
});

test('the admin checklist and its example policy file name the same Chrome policies', () => {
  const doc = readFileSync(new URL('../../docs/admin-checklist.md', import.meta.url), 'utf8');
  const example = JSON.parse(readFileSync(new URL('../../docs/chrome-policies.example.json', import.meta.url), 'utf8'));
  // Policy names in the table: back-quoted CamelCase words followed by a colon.
  const table = doc.split('\n').filter((l) => /^\| \d+ \|/.test(l)).join('\n');
  const named = new Set([...table.matchAll(/`([A-Z][A-Za-z]+)`:/g)].map((m) => m[1]));
  const chromeOsOnly = new Set(['DeviceAllowNewUsers', 'DeviceUserAllowlist']);
  for (const name of named) if (!chromeOsOnly.has(name)) assert.ok(name in example, `${name} is in the checklist but not the example`);
  for (const name of Object.keys(example)) if (name !== '3rdparty') assert.ok(named.has(name), `${name} is in the example but not the checklist`);
  assert.ok(named.size >= 12, [...named].join(' '));
  // The extension's own policy in the example is one the extension accepts without problems.
  const own = example['3rdparty'].extensions[extensionId()];
  assert.deepEqual(normalisePolicy(own).problems, []);
});
