// Bad input gets a typed, readable EsafetyError — never a crash of the module — and the
// module keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier, EsafetyError } from 'esafety';

const isCode = (code) => (e) => {
  assert.ok(e instanceof EsafetyError, `expected EsafetyError, got ${e?.constructor?.name}: ${e?.message}`);
  assert.equal(e.name, 'EsafetyError');
  assert.equal(e.code, code, e.message);
  assert.ok(e.message.length > 10);
  return true;
};

test('non-strings are refused with E_NOT_STRING naming the type', async () => {
  const c = await createClassifier();
  for (const v of [undefined, null, 42, {}, [], true, Symbol('x'), () => 1, 10n, new String('hi')]) {
    assert.throws(() => c.classifyText(v), isCode('E_NOT_STRING'));
    assert.throws(() => c.classifyUrl(v), isCode('E_NOT_STRING'));
  }
  assert.throws(() => c.classifyText(), /text must be a string, not undefined/);
  assert.equal(c.classifyText('still works').action, 'allow');
});

test('huge strings: E_TOO_LONG above maxTextLength, fine at the limit', async () => {
  const c = await createClassifier({ maxTextLength: 1000 });
  assert.equal(c.maxTextLength, 1000);
  assert.equal(c.classifyText('a'.repeat(1000)).flagged, false);
  assert.throws(() => c.classifyText('a'.repeat(1001)), isCode('E_TOO_LONG'));
  const big = await createClassifier();
  assert.throws(() => big.classifyText('x '.repeat(600_000)), isCode('E_TOO_LONG'));
  // A long adversarial text at the default limit is read, linearly.
  const v = big.classifyText('a\u200bb k.i.l.l y0urself '.repeat(60_000).slice(0, 1 << 20));
  assert.equal(v.flagged, true);
  assert.throws(() => big.classifyUrl('https://a.test/' + 'a'.repeat(70_000)), isCode('E_BAD_URL'));
});

test('unknown, mistyped and conflicting options', async () => {
  const bad = [
    [{ ageBand: 'year7' }, /unknown ageBand "year7"; use one of eyfs, ks1, ks2/],
    [{ agebnd: 'ks2' }, /unknown option "agebnd"/],
    [{ ageBand: 7 }, /ageBand must be a string/],
    [{ age: 9.5 }, /age must be a whole number/],
    [{ age: -1 }, /age must be a whole number/],
    [{ age: 200 }, /age must be a whole number/],
    [{ age: 9, ageBand: 'ks2' }, /either age or ageBand/],
    [{ maxTextLength: 0 }, /maxTextLength/],
    [{ builtinList: 'no' }, /builtinList/],
    [{ packs: 'x' }, /packs must be an array/],
    [{ packs: [42] }, /packs\[0\]/],
    [{ overrides: { block: ['a.com'] } }, /unknown overrides key "block"/],
    [{ overrides: { allow: [{}] } }, /overrides.allow\[0\]/],
  ];
  for (const [opts, msg] of bad) {
    await assert.rejects(createClassifier(opts), (e) => isCode('E_BAD_OPTION')(e) && msg.test(e.message));
  }
  for (const opts of [null, 'ks2', 7, []]) {
    await assert.rejects(createClassifier(opts), isCode('E_BAD_OPTION'));
  }
});

test('broken packs and overrides logs are refused with their own codes', async () => {
  await assert.rejects(createClassifier({ packs: [new Uint8Array([1, 2, 3])] }), isCode('E_BAD_PACK'));
  await assert.rejects(createClassifier({ packs: [{ name: 'school', bytes: new TextEncoder().encode('ESAFPACK but not really a pack at all, sorry') }] }),
    (e) => isCode('E_BAD_PACK')(e) && /school/.test(e.message));
  await assert.rejects(createClassifier({ overrides: 'not a log line' }), (e) => isCode('E_BAD_OVERRIDES')(e) && /line 1/.test(e.message));
  await assert.rejects(createClassifier({ overrides: { allow: ['http://'] } }), isCode('E_BAD_OVERRIDES'));
});

test('malformed URLs get E_BAD_URL; odd but valid ones a decision', async () => {
  const c = await createClassifier();
  for (const u of ['', 'http://', 'https://[::1', 'http://exa mple.com/']) {
    assert.throws(() => c.classifyUrl(u), isCode('E_BAD_URL'), u);
  }
  for (const u of ['HTTP://EXAMPLE.COM.', 'http://0x7f.1/', 'data:text/html,hi', 'javascript:alert(1)', 'example.com/path']) {
    assert.ok(['allow', 'warn', 'block'].includes(c.classifyUrl(u).action), u);
  }
});

test('binary and random UTF-16 never crash the module', async () => {
  const c = await createClassifier();
  let seed = 7;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 2000; i++) {
    const units = Array.from({ length: rand(200) }, () => rand(0x10000));
    const s = String.fromCharCode(...units);
    const v = c.classifyText(s);
    for (const m of v.matches) assert.ok(m.end <= s.length);
    try {
      c.classifyUrl(s);
    } catch (e) {
      isCode('E_BAD_URL')(e);
    }
  }
  assert.equal(c.classifyText('kill yourself').action, 'block');
});
