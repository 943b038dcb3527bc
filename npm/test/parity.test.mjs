// The same corpus as the Rust tests (tests/corpus/{text,url}) gives the same verdicts
// through the package as through the native build: every field, every match, with the
// package's UTF-16 spans mapped back to the CLI's byte spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClassifier } from 'esafety';
import { readCorpus } from './corpus.mjs';
import { cliPath, runCli } from './cli.mjs';

const bytes = (s, units) => Buffer.byteLength(s.slice(0, units), 'utf8');

/** The package's text verdict in the CLI's JSON shape. */
function asCli(v, text) {
  return {
    flagged: v.flagged,
    severity: v.severity,
    categories: v.categories,
    action: v.action,
    alert: v.alert,
    matches: v.matches.map((m) => ({
      category: m.category, severity: m.severity, start: bytes(text, m.start), end: bytes(text, m.end),
      text: m.text, rule: m.rule, source: m.source,
    })),
    help: v.help,
    help_seeking: v.helpSeeking,
    help_topics: v.helpTopics,
    age_band: v.ageBand,
    truncated: v.truncated,
  };
}

/** Cases grouped by audience flags (`--age-band B` or `--age N`). */
function byAudience(files, key) {
  const groups = new Map();
  for (const f of files) {
    for (const c of f.cases) {
      const aud = c.age !== undefined ? ['--age', String(c.age)] : ['--age-band', c.band ?? f.band];
      const k = aud.join(' ');
      if (!groups.has(k)) groups.set(k, { aud, items: [] });
      groups.get(k).items.push({ input: c[key], where: `${f.file}:${c.line}` });
    }
  }
  return [...groups.values()];
}

const options = (aud) => (aud[0] === '--age' ? { age: Number(aud[1]) } : { ageBand: aud[1] });

test('text corpus: package verdicts equal the native CLI', async (t) => {
  if (!cliPath()) return t.skip('no esafety CLI built (cargo build --release -p esafety-cli)');
  let n = 0;
  for (const { aud, items } of byAudience(readCorpus('text'), 'text')) {
    const c = await createClassifier(options(aud));
    const native = runCli('text', aud, items.map((i) => i.input));
    items.forEach((item, j) => {
      assert.deepEqual(asCli(c.classifyText(item.input), item.input), native[j], item.where);
      n++;
    });
  }
  assert.ok(n > 1000, `only ${n} text cases read`);
});

test('URL corpus: package decisions equal the native CLI', async (t) => {
  if (!cliPath()) return t.skip('no esafety CLI built (cargo build --release -p esafety-cli)');
  let n = 0;
  for (const { aud, items } of byAudience(readCorpus('url'), 'url')) {
    const c = await createClassifier(options(aud));
    // The CLI prints an error object for refused URLs: compare those separately.
    const native = runCli('url', aud, items.map((i) => i.input));
    items.forEach((item, j) => {
      const want = native[j];
      let got;
      try {
        got = c.classifyUrl(item.input);
      } catch (e) {
        assert.ok(want.error, `${item.where}: package refused (${e.message}) but the CLI decided`);
        assert.equal(e.code, 'E_BAD_URL');
        n++;
        return;
      }
      assert.equal(want.error, undefined, `${item.where}: CLI refused but the package decided`);
      assert.equal(got.action, want.action, item.where);
      assert.deepEqual(got.categories, want.categories, item.where);
      assert.equal(got.minAge, want.min_age, item.where);
      assert.equal(got.safeSearchUrl, want.safe_search_url, item.where);
      assert.equal(got.carriedUrl, want.carried_url, item.where);
      assert.equal(got.alert, want.alert, item.where);
      assert.deepEqual(got.reasons, want.reasons, item.where);
      assert.deepEqual(got.help, want.help, item.where);
      assert.deepEqual(got.headers, want.headers, item.where);
      assert.equal(got.searchQuery?.text ?? null, want.search_query?.text ?? null, item.where);
      if (got.searchQuery) {
        assert.deepEqual(asCli(got.searchQuery.verdict, got.searchQuery.text), want.search_query.verdict, item.where);
      }
      n++;
    });
  }
  assert.ok(n > 90, `only ${n} URL cases read`);
});
