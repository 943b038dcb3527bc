// Spans are UTF-16 offsets into the caller's string: `text.slice(start, end)` is the
// match after emoji, accents, ZWJ sequences, fullwidth letters and lone surrogates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createClassifier } from 'esafety';

const c = await createClassifier({ ageBand: 'ks2' });
// The raw glue, to see the text Rust itself reports (the wrapper replaces `text`).
const glue = createRequire(import.meta.url)('../dist/node/esafety_wasm.js');
const raw = new glue.Esafety({ ageBand: 'ks2' });

function spans(text) {
  return c.classifyText(text).matches.map((m) => text.slice(m.start, m.end));
}

test('after emoji, ZWJ families, flags and skin tones', () => {
  assert.deepEqual(spans('😀😀 kill yourself'), ['kill yourself']);
  assert.deepEqual(spans('👩‍👩‍👧‍👦🇬🇧👍🏽 kill yourself 😀'), ['kill yourself']);
  const t = '🔥🔥🔥 my number is 07700 900123 🔥';
  const v = c.classifyText(t);
  const m = v.matches.find((x) => x.category === 'personal_info');
  assert.ok(m, JSON.stringify(v.matches));
  assert.match(t.slice(m.start, m.end), /07700 900123/);
});

test('after accents, combining marks and fullwidth or mathematical letters', () => {
  assert.deepEqual(spans('Café crème — kill yourself'), ['kill yourself']);
  assert.deepEqual(spans('e\u0301e\u0301 kill yourself'), ['kill yourself']);
  assert.deepEqual(spans('ｋｉｌｌ ｙｏｕｒｓｅｌｆ'), ['ｋｉｌｌ ｙｏｕｒｓｅｌｆ']);
  assert.deepEqual(spans('😀 𝐤𝐢𝐥𝐥 𝐲𝐨𝐮𝐫𝐬𝐞𝐥𝐟'), ['𝐤𝐢𝐥𝐥 𝐲𝐨𝐮𝐫𝐬𝐞𝐥𝐟']);
});

test('lone surrogates before, inside and after a match keep offsets exact', () => {
  assert.deepEqual(spans('\uD800 kill yourself'), ['kill yourself']);
  assert.deepEqual(spans('\uDC00\uDC00 kill yourself \uD83D'), ['kill yourself']);
  const v = c.classifyText('kill\uD800 yourself');
  for (const m of v.matches) assert.ok(m.end <= 'kill\uD800 yourself'.length);
});

test('random text: every span is in bounds and is exactly what Rust matched', () => {
  const pieces = ['kill yourself', 'are you alone', 'dont tell your mum', 'f u c k', 'sh!t',
    '07700 900123', 'send nudes', ' ', '  ', 'hello', '😀', '👩‍👧', 'é', 'e\u0301', '\uD800',
    '\uDFFF', '\u200b', 'ｘ', '𝐤', '\n', 'Scunthorpe', '🔪', 'ß', '中文', 'ﬁ'];
  let seed = 12345;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < 3000; i++) {
    let text = '';
    for (let k = rand(12); k >= 0; k--) text += pieces[rand(pieces.length)];
    const mine = c.classifyText(text);
    const theirs = JSON.parse(raw.classifyTextChecked(text));
    assert.equal(mine.matches.length, theirs.matches.length);
    mine.matches.forEach((m, j) => {
      assert.ok(m.start >= 0 && m.start < m.end && m.end <= text.length, JSON.stringify({ text, m }));
      // Rust saw lone surrogates as U+FFFD; apart from that the slice is its match.
      const asRustSaw = m.text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
      assert.equal(asRustSaw, theirs.matches[j].text, JSON.stringify(text));
    });
  }
});

test('search-term spans are offsets into searchQuery.text', () => {
  const d = c.classifyUrl('https://www.bing.com/search?q=%F0%9F%98%80+kill+yourself');
  const q = d.searchQuery;
  assert.ok(q.verdict.matches.length > 0);
  for (const m of q.verdict.matches) assert.equal(q.text.slice(m.start, m.end), 'kill yourself');
});
