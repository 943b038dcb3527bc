// The package's contract: createClassifier options, the shape of text and URL verdicts,
// help routes, overrides, packs, and releasing memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createClassifier, helpRoutes, version, EsafetyError } from 'esafety';

test('text verdict has the documented shape and UTF-16 spans', async () => {
  const c = await createClassifier({ ageBand: 'ks2' });
  const text = 'hey are you alone? dont tell your mum';
  const v = c.classifyText(text);
  assert.deepEqual(Object.keys(v).sort(), [
    'action', 'ageBand', 'alert', 'categories', 'flagged', 'help', 'helpSeeking',
    'helpTopics', 'matches', 'severity', 'truncated',
  ]);
  assert.equal(v.flagged, true);
  assert.equal(v.action, 'block');
  assert.equal(v.ageBand, 'ks2');
  assert.ok(v.categories.includes('grooming'));
  assert.ok(v.help.some((h) => h.id === 'ceop'), 'grooming offers CEOP');
  for (const m of v.matches) {
    assert.deepEqual(Object.keys(m).sort(), ['category', 'end', 'rule', 'severity', 'source', 'start', 'text']);
    assert.equal(text.slice(m.start, m.end), m.text);
    assert.match(m.source, /^rules\/\w+\.tsv:\d+$/);
  }
  assert.ok(v.matches.some((m) => m.text === 'dont tell your mum'));
  c.free();
});

test('a quiet verdict (built by the wrapper) is the module\'s own JSON, key for key', async () => {
  const { createRequire } = await import('node:module');
  const glue = createRequire(import.meta.url)('../dist/node/esafety_wasm.js');
  for (const options of [{ ageBand: 'ks2' }, { ageBand: 'staff' }, { age: 15 }]) {
    const c = await createClassifier(options);
    const raw = new glue.Esafety(options);
    let quiet = 0;
    for (const text of ['', ' ', 'see you at lunch', 'I nearly died laughing', 'Scunthorpe United',
      'childline number', 'kill yourself', '😀', '\uD800', 'sex education lesson', 'x'.repeat(5000)]) {
      const mine = c.classifyText(text);
      const theirs = JSON.parse(raw.classifyTextChecked(text));
      theirs.help = theirs.help.map((id) => helpRouteById(mine, id));
      for (const m of theirs.matches) m.text = text.slice(m.start, m.end);
      assert.deepEqual(mine, theirs, JSON.stringify({ options, text }));
      assert.deepEqual(Object.keys(mine), Object.keys(theirs));
      if (raw.classifyText(text) === undefined) quiet++;
    }
    // Some texts took the shortcut and some did not, so both paths were compared.
    assert.ok(quiet >= 5 && quiet <= 9, `quiet: ${quiet}`);
    c.free();
    raw.free();
  }
});

/** The route object a verdict carries for `id` (help is compared by id above). */
function helpRouteById(verdict, id) {
  return verdict.help.find((h) => h.id === id) ?? id;
}

test('innocent school text is not flagged', async () => {
  const c = await createClassifier();
  for (const t of ['We won at Scunthorpe on Saturday', 'Dick Whittington is the school play',
    'Our sex education lesson is on Tuesday', 'This homework is killing me',
    'The Holocaust unit starts next week']) {
    const v = c.classifyText(t);
    assert.equal(v.flagged, false, t);
    assert.equal(v.action, 'allow', t);
  }
});

test('age picks the band and the social-media minimum age', async () => {
  const twelve = await createClassifier({ age: 12 });
  const fourteen = await createClassifier({ age: 14 });
  assert.equal(twelve.ageBand, 'ks3');
  const d12 = twelve.classifyUrl('https://www.tiktok.com/@someone');
  const d14 = fourteen.classifyUrl('https://www.tiktok.com/@someone');
  assert.equal(d12.minAge, 13);
  assert.equal(d12.action, 'block');
  assert.notEqual(d14.action, 'block');
  assert.ok(d12.reasons.some((r) => r.kind === 'min_age'));
});

test('URL decision has the documented shape, SafeSearch and search terms', async () => {
  const c = await createClassifier({ ageBand: 'ks2' });
  const d = c.classifyUrl('https://www.google.co.uk/search?q=how+to+stop+self+harming');
  for (const k of ['action', 'categories', 'minAge', 'safeSearchUrl', 'searchQuery', 'reasons', 'alert', 'help']) {
    assert.ok(k in d, k);
  }
  assert.equal(d.action, 'allow', 'help searches are always allowed');
  assert.match(d.safeSearchUrl, /safe=active/);
  assert.equal(d.searchQuery.engine, 'google');
  assert.equal(d.searchQuery.text, 'how to stop self harming');
  assert.equal(d.searchQuery.verdict.helpSeeking, true);
  assert.ok(d.help.length > 0);
  const porn = c.classifyUrl('http://google.com@pornhub.com/');
  assert.equal(porn.action, 'block');
  assert.ok(porn.categories.includes('adult'));
  assert.equal(c.classifyUrl('https://www.childline.org.uk/').action, 'allow');
});

test('overrides as lists and as a change log', async () => {
  const deny = await createClassifier({ overrides: { deny: [{ target: 'bbc.co.uk', reason: 'exam week', who: 'it' }] } });
  const d = deny.classifyUrl('https://www.bbc.co.uk/news');
  assert.equal(d.action, 'block');
  const r = d.reasons.find((x) => x.kind === 'override');
  assert.ok(r, 'the override is named as the reason');
  assert.match(r.detail + r.source, /exam week|it/);
  const log = 'when\twho\tchange\ttarget\treason\n2026-11-20T09:14:00Z\tj.smith\tallow\tcoolmathgames.com\tmaths club\n';
  const allow = await createClassifier({ overrides: log });
  assert.equal(allow.classifyUrl('https://coolmathgames.com/').action, 'allow');
});

test('packs from the CLI add categories; the built-in list can be left out', async (t) => {
  const { cliPath } = await import('./cli.mjs');
  if (!cliPath()) return t.skip('no esafety CLI built (cargo build -p esafety-cli)');
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/esafety-pack-`);
  writeFileSync(`${dir}/games.txt`, 'example-games.test\n');
  execFileSync(cliPath(), ['lists', 'compile', `gaming=${dir}/games.txt`, '-o', `${dir}/p.pack`]);
  const bytes = readFileSync(`${dir}/p.pack`);
  const c = await createClassifier({ ageBand: 'ks2', packs: [{ name: 'school', bytes }] });
  const d = c.classifyUrl('https://play.example-games.test/');
  assert.ok(d.categories.includes('gaming'));
  assert.ok(d.reasons.some((r) => r.source.includes('school')), JSON.stringify(d.reasons));
  const bare = await createClassifier({ builtinList: false, packs: [new Uint8Array(bytes)] });
  assert.deepEqual(bare.classifyUrl('https://www.tiktok.com/').categories, []);
});

test('helpRoutes lists every route with routing facts and sources', async () => {
  const routes = await helpRoutes();
  const ids = routes.map((r) => r.id);
  for (const id of ['ceop', 'iwf', 'childline', 'samaritans', 'shout', 'school', 'act', 'true_vision', 'frank']) {
    assert.ok(ids.includes(id), id);
  }
  const ceop = routes.find((r) => r.id === 'ceop');
  assert.ok(ceop.categories.includes('grooming'));
  assert.ok(ceop.source.length > 0);
  assert.equal(typeof (await version()), 'string');
});

test('free releases the classifier; later calls throw E_FREED; free twice is fine', async () => {
  const c = await createClassifier();
  c.free();
  c.free();
  assert.throws(() => c.classifyText('hi'), (e) => e instanceof EsafetyError && e.code === 'E_FREED');
  const d = await createClassifier();
  d[Symbol.dispose ?? Symbol.for('Symbol.dispose')]();
  assert.throws(() => d.classifyUrl('https://a.test/'), { code: 'E_FREED' });
});

test('many classifiers created and freed do not grow memory without bound', async () => {
  const { memoryBytes } = await import('esafety');
  for (let i = 0; i < 50; i++) (await createClassifier()).free();
  const before = await memoryBytes();
  assert.ok(before > 0);
  for (let i = 0; i < 300; i++) {
    const c = await createClassifier({ ageBand: 'ks3' });
    c.classifyText('you are such a loser lol');
    c.free();
  }
  const after = await memoryBytes();
  assert.ok(after - before < 4 << 20, `memory grew ${before} → ${after}`);
});

test('the web build also loads in Node when given the .wasm bytes, after a failed load', async () => {
  const web = await import('../src/web.js');
  // Bytes that are no WebAssembly: a load error, and the next call may load again.
  await assert.rejects(web.createClassifier({ wasm: new Uint8Array([1, 2, 3]) }), { code: 'E_LOAD' });
  const bytes = readFileSync(new URL('../dist/web/esafety_wasm_bg.wasm', import.meta.url));
  const c = await web.createClassifier({ ageBand: 'ks4', wasm: bytes });
  assert.equal(c.classifyText('kill yourself').action, 'block');
  assert.equal(c.ageBand, 'ks4');
});
