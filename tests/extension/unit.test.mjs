// Node-only checks of the extension's pure modules (policy, incident helpers) and of the
// build's zip, with the package's Node build for real decisions. No browser.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normalisePolicy } from '../../extension/src/policy.js';
import { concernOf, pruneIncidents, searchExcerpt, severityOf } from '../../extension/src/incidents.js';
import { entryForOrigin, matchPatterns, messageIncident, scanConfig } from '../../extension/src/scan.js';
import { BLOCK_PAGE as PAGE, BLOCK_REASON as REASON } from '../../npm/src/vle/words.js';
import { createClassifier } from '../../npm/src/node.js';
import { extensionId } from './helpers.mjs';
import { extensionIdOf, makeZip, packCrx, updateManifest } from '../../extension/pack.mjs';
import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';

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

test('policy: scanOrigins as origins or { origin, selectors }, bad entries dropped with a note', () => {
  const p = normalisePolicy({
    scanOrigins: [
      'https://VLE.Oakfield.sch.uk/',
      { origin: 'https://chat.google.com', messages: '[role="main"] [role="list"]', item: '[role="listitem"]',
        input: 'div[contenteditable="true"][aria-label*="message" i]', enterSends: true },
      { origin: 'http://localhost:8080', input: 'textarea', send: 'button[aria-label="Send"]', enterSends: false },
      'https://*.teams.example.net',
      'https://vle.oakfield.sch.uk', // listed twice
      'https://vle.oakfield.sch.uk/forum', // a path, not an origin
      'javascript:alert(1)',
      { origin: 'https://bad.example', messages: 'div { color: red }', input: 'a[href', item: '' },
      { messages: '#log' },
      42,
    ],
  });
  assert.deepEqual(p.scanOrigins, [
    { origin: 'https://vle.oakfield.sch.uk' },
    { origin: 'https://chat.google.com', messages: '[role="main"] [role="list"]', item: '[role="listitem"]',
      input: 'div[contenteditable="true"][aria-label*="message" i]', enterSends: true },
    { origin: 'http://localhost:8080', input: 'textarea', send: 'button[aria-label="Send"]', enterSends: false },
    { origin: 'https://*.teams.example.net' },
    { origin: 'https://bad.example' },
  ]);
  assert.equal(p.problems.length, 8, p.problems.join('\n'));
  assert.ok(p.problems.some((m) => /scanOrigins\[7\]\.messages is not a CSS selector/.test(m)));
  assert.deepEqual(normalisePolicy({ scanOrigins: 'https://vle.example' }).scanOrigins, []);
  assert.deepEqual(normalisePolicy({ scanOrigins: 'https://vle.example' }).problems, ['scanOrigins is not a list']);
  assert.ok(normalisePolicy({ scanOrigins: [{ origin: 'https://x.example', input: 'x'.repeat(501) }] }).problems.length === 1);
});

test('scan: match patterns, the entry for a page origin, what the content script is told', () => {
  const { scanOrigins } = normalisePolicy({
    scanOrigins: ['https://vle.oakfield.sch.uk', 'http://localhost:8080', 'https://*.teams.example.net', 'https://vle.oakfield.sch.uk:8443'],
  });
  assert.deepEqual(matchPatterns(scanOrigins),
    ['http://localhost/*', 'https://*.teams.example.net/*', 'https://vle.oakfield.sch.uk/*']);
  assert.deepEqual(matchPatterns([]), []);
  const at = (o) => entryForOrigin(scanOrigins, o)?.origin;
  assert.equal(at('https://vle.oakfield.sch.uk'), 'https://vle.oakfield.sch.uk');
  assert.equal(at('https://vle.oakfield.sch.uk:443'), 'https://vle.oakfield.sch.uk');
  assert.equal(at('https://vle.oakfield.sch.uk:8443'), 'https://vle.oakfield.sch.uk:8443');
  assert.equal(at('http://vle.oakfield.sch.uk'), undefined); // another scheme
  assert.equal(at('https://evilvle.oakfield.sch.uk'), undefined);
  assert.equal(at('https://vle.oakfield.sch.uk.evil.example'), undefined);
  assert.equal(at('http://localhost:8080'), 'http://localhost:8080');
  assert.equal(at('http://localhost:9999'), undefined); // the pattern matches, the origin check does not
  assert.equal(at('https://teams.example.net'), 'https://*.teams.example.net');
  assert.equal(at('https://eu.teams.example.net'), 'https://*.teams.example.net');
  assert.equal(at('https://eu-teams.example.net'), undefined);
  assert.equal(at('null'), undefined);

  const pupil = normalisePolicy({ role: 'pupil', age: 12, schoolName: 'Oakfield', scanOrigins: [{ origin: 'https://a.example', input: '#m' }] });
  assert.deepEqual(scanConfig(pupil, pupil.scanOrigins[0]), {
    mode: 'guard', role: 'pupil', ageBand: 'ks3', schoolName: 'Oakfield', dslContact: null,
    messages: null, item: null, input: '#m', send: null, enterSends: true,
  });
  const withSend = normalisePolicy({ scanOrigins: [{ origin: 'https://a.example', send: '#go' }] });
  assert.equal(scanConfig(withSend, withSend.scanOrigins[0]).send, '#go');
  const teacher = normalisePolicy({ role: 'teacher', scanOrigins: ['https://a.example'] });
  assert.equal(scanConfig(teacher, teacher.scanOrigins[0]).mode, 'highlight');
  assert.equal(scanConfig(normalisePolicy({ role: 'staff' }), { origin: 'https://a.example' }).mode, 'highlight');
});

test('scan: a message record holds no words, checked fields only, alert by threshold', () => {
  const policy = normalisePolicy({ ageBand: 'ks2' });
  const r = messageIncident({ action: 'block', category: 'grooming', categories: ['grooming', 'made_up'], severity: 'critical',
    text: 'secret words', excerpt: 'secret' }, 'vle.oakfield.sch.uk', policy);
  assert.deepEqual(r, { kind: 'message', host: 'vle.oakfield.sch.uk', category: 'grooming', categories: ['grooming'],
    severity: 'critical', action: 'block', alert: 'urgent', ageBand: 'ks2' });
  assert.equal(messageIncident({ action: 'warn', category: 'bullying', severity: 'medium' }, 'h', policy).alert, 'weekly');
  assert.equal(messageIncident({ action: 'delete-everything' }, 'h', policy), null);
  const odd = messageIncident({ action: 'support', category: '<b>', severity: 'huge', ref: 'not-an-id' }, 'h', policy);
  assert.equal(odd.category, 'other');
  assert.equal(odd.severity, 'none');
  assert.equal(odd.alert, 'weekly');
  assert.equal('ref' in odd, false);
  const id = '0b8f9c1e-5a5b-4a7e-9d0e-2f1d3c4b5a69';
  assert.equal(messageIncident({ action: 'send_anyway', ref: id }, 'h', policy).ref, id);
});

test('the managed schema: one type per node (as Chrome requires), scanOrigins items as policy.js reads them', () => {
  const read = (f) => JSON.parse(readFileSync(fileURLToPath(new URL(f, import.meta.url)), 'utf8'));
  const schema = read('../../extension/src/managed_schema.json');
  const walk = (node, path) => {
    assert.equal(typeof node.type, 'string', `${path}: exactly one type`);
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, `${path}.${k}`);
    if (node.items) walk(node.items, `${path}[]`);
  };
  walk(schema, 'schema');
  assert.deepEqual(Object.keys(schema.properties.scanOrigins.items.properties), ['origin', 'messages', 'item', 'input', 'send', 'enterSends']);
  const example = read('../../extension/policy.example.json');
  for (const k of Object.keys(example)) assert.ok(schema.properties[k], k);
  const p = normalisePolicy(example);
  assert.deepEqual(p.problems, []);
  assert.equal(p.scanOrigins.length, example.scanOrigins.length);
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
  for (const f of ['manifest.json', 'sw.js', 'blocked.html', 'managed_schema.json', 'lib/esafety/dist/web-split/esafety_wasm_bg.wasm', 'lib/esafety/dist/web-split/esafety_lexicon.bin']) {
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

test('a CRX3 package carries the key, a signature that verifies, and the ID Chromium derives', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const zip = makeZip([['manifest.json', Buffer.from('{"manifest_version":3}')]]);
  const { crx, id, publicKey } = packCrx(zip, pem);
  assert.equal(crx.subarray(0, 4).toString('latin1'), 'Cr24');
  assert.equal(crx.readUInt32LE(4), 3);
  const headerEnd = 12 + crx.readUInt32LE(8);
  assert.deepEqual(crx.subarray(headerEnd), zip, 'the zip follows the header unchanged');
  const header = crx.subarray(12, headerEnd);
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  assert.equal(publicKey, der.toString('base64'));
  assert.equal(id, extensionIdOf(der));
  assert.match(id, /^[a-p]{32}$/);
  // The signed data is the last field (10000: tag bytes 0x82 0xf1 0x04, length 18, then field 1 with the 16-byte id).
  const signedData = header.subarray(header.length - 18);
  assert.deepEqual([...header.subarray(header.length - 22, header.length - 18)], [0x82, 0xf1, 0x04, 18]);
  assert.equal(signedData[0], 0x0a);
  assert.equal(signedData[1], 16);
  // The signature is the 256 bytes before the signed data's field, after its own tag and length (0x12 0x80 0x02).
  const sigEnd = header.length - 22;
  const signature = header.subarray(sigEnd - 256, sigEnd);
  assert.deepEqual([...header.subarray(sigEnd - 259, sigEnd - 256)], [0x12, 0x80, 0x02]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(signedData.length);
  const verify = createVerify('sha256');
  for (const part of [Buffer.from('CRX3 SignedData\x00', 'latin1'), len, signedData, zip]) verify.update(part);
  assert.equal(verify.verify(createPublicKey(privateKey), signature), true);
  // A different zip under the same header would not verify.
  const other = createVerify('sha256');
  for (const part of [Buffer.from('CRX3 SignedData\x00', 'latin1'), len, signedData, makeZip([])]) other.update(part);
  assert.equal(other.verify(createPublicKey(privateKey), signature), false);
});

test('the signing key must be RSA, and the update manifest refuses what Chromium would', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  assert.throws(() => packCrx(Buffer.alloc(0), privateKey.export({ type: 'pkcs8', format: 'pem' })), /must be RSA/);
  const id = 'a'.repeat(32);
  const xml = updateManifest(id, '0.1.0', "https://it.example.sch.uk/e?x=1&y='2'");
  assert.match(xml, new RegExp(`appid='${id}'`));
  assert.match(xml, /codebase='https:\/\/it\.example\.sch\.uk\/e\?x=1&amp;y=&apos;2&apos;'/);
  assert.match(xml, /version='0\.1\.0'/);
  assert.throws(() => updateManifest('Q'.repeat(32), '0.1.0', 'https://x/'), /not an extension ID/);
  assert.throws(() => updateManifest(id, '0.1.0-beta', 'https://x/'), /not an extension version/);
});
