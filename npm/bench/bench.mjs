// esafety's WebAssembly benchmark: size, cold start, text throughput (beside rustrict in
// WebAssembly, same inputs, same chunking), per-message latency, URL latency, memory.
//
//   npm run bench                  full run (1.5–2.5 min on 2 shared cores)
//   npm run bench -- --quick       smaller run for CI (≤ 20 s)
//   node bench/bench.mjs --no-rustrict --children 30 --out /tmp/r.json
//   node bench/bench.mjs --profile 8   where classifyText's time goes (V8 sampling profiler)
//
// Prints a table with pass/fail against each target and writes bench/results.json. The
// targets are informational: the exit code is 0 whatever they say (non-zero only when the
// benchmark itself cannot run).
//
// Corpus: chat-style messages from tests/eval/*.tsv and tests/samples/messages.txt, plus
// the public development data in ../shared/eval/dev (Davidson tweets, SemEval toxic spans),
// read in place and never copied into the repository. Set ESAFETY_EVAL_DIR to point
// elsewhere; without it the corpus is the repository's own text only (and says so).
//
// rustrict baseline: bench/build-rustrict.sh builds bench/rustrict/pkg (a full run calls it,
// and it does nothing when pkg/ is up to date; --quick uses pkg/ only if it is already built,
// unless given --rustrict; --no-rustrict skips the comparison).
//
// This file also serves as the child process of the start-up measurement
// (`--child esafety|rustrict`): it imports only Node built-ins statically, so a child's
// clock starts before any of esafety's code is read.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zc } from 'node:zlib';
import { createHash } from 'node:crypto';

const benchDir = dirname(fileURLToPath(import.meta.url));
const npmDir = join(benchDir, '..');
const repoDir = join(npmDir, '..');
const require = createRequire(import.meta.url);
const rustrictPkg = join(benchDir, 'rustrict', 'pkg', 'rustrict_bench.js');

// ---------------------------------------------------------------------------------------
// Child process: cold start, measured from before the first import to a ready classifier.
// ---------------------------------------------------------------------------------------

/** Wraps WebAssembly.Module / Instance to time compile and instantiate (a few ns each). */
function timeWasmConstructors(rec) {
  const wrap = (Ctor, key) =>
    new Proxy(Ctor, {
      construct(target, args) {
        const a = performance.now();
        const r = Reflect.construct(target, args);
        const b = performance.now();
        rec[key] = (rec[key] ?? 0) + b - a;
        rec[`${key}End`] = b;
        if (key === 'instantiateMs' && r.exports.memory) rec.memory = r.exports.memory;
        return r;
      },
    });
  WebAssembly.Module = wrap(WebAssembly.Module, 'compileMs');
  WebAssembly.Instance = wrap(WebAssembly.Instance, 'instantiateMs');
}

async function child(which) {
  const t0 = performance.now();
  const rec = {};
  timeWasmConstructors(rec);
  // The nodejs glue reads its .wasm with require('fs').readFileSync at load time.
  const fs = require('node:fs');
  const readFileSync = fs.readFileSync;
  fs.readFileSync = function (...args) {
    const a = performance.now();
    const r = readFileSync.apply(this, args);
    if (String(args[0]).endsWith('.wasm')) rec.readMs = (rec.readMs ?? 0) + performance.now() - a;
    return r;
  };
  let out;
  if (which === 'esafety') {
    const { createClassifier } = await import('esafety');
    const tImport = performance.now();
    const c = await createClassifier({ ageBand: 'ks2' });
    const tReady = performance.now();
    c.classifyText('are you coming to football after school?');
    const tFirst = performance.now();
    out = {
      readyMs: tReady - t0,
      importMs: tImport - t0,
      loadMs: tReady - tImport,
      firstClassifyMs: tFirst - tReady,
      // Glue set-up after instantiation, `new Esafety(options)` and the JS wrapper.
      afterInstantiateMs: tReady - (rec.instantiateMsEnd ?? tReady),
      sinceProcessStartMs: tReady,
    };
  } else {
    const r = require(rustrictPkg);
    const tLoad = performance.now();
    r.warm_up();
    const tReady = performance.now();
    out = { readyMs: tReady - t0, loadMs: tLoad - t0, firstClassifyMs: tReady - tLoad, sinceProcessStartMs: tReady };
  }
  out.readMs = rec.readMs ?? 0;
  out.compileMs = rec.compileMs ?? 0;
  out.instantiateMs = rec.instantiateMs ?? 0;
  out.memoryBytes = rec.memory?.buffer.byteLength ?? null;
  process.stdout.write(JSON.stringify(out) + '\n');
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  await child(process.argv[childAt + 1]);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// --profile: where the time of classifyText goes, from V8's sampling profiler.
// ---------------------------------------------------------------------------------------

/** Which part of the pipeline a sampled leaf frame belongs to. */
function bucketOf(frame) {
  if (/^esafety::matcher::find/.test(frame)) return 'core: matcher::find (DFA walk from each word start)';
  if (/^esafety::normalize/.test(frame)) return 'core: normalize + squeeze';
  if (/sort/.test(frame) && /^core::slice/.test(frame)) return 'core: sorting hits';
  if (/^esafety::/.test(frame)) return 'core: classify_with / verdict / join_parts';
  if (/dlmalloc|__rust_(alloc|dealloc|realloc)|__rdl_|raw_vec|RawVec|^memcpy|^memset|^memmove/.test(frame)) return 'allocator, memcpy (wasm)';
  // wasm-to-js wrappers are shared by imports of one signature, so their names can
  // mislead: `Array<T>::length` (n → i) is the JsString length check of the input.
  if (/string_get|is_string|passStringToWasm|writeUtf8|encodeInto|string_arg|::length::|JsString/.test(frame)) return 'input: JsValue → Rust String (checks, UTF-8 copy)';
  if (/serde|esafety_wasm::|static_str_to_js/.test(frame)) return 'result: serialise in wasm';
  if (/__wbg_|wasm-to-js|__wbindgen|externref|getStringFromWasm|getUint8ArrayMemory|getDataViewMemory|decode|F64 ->|js_sys::/.test(frame)) return 'result: into JS (strings out, objects)';
  // JSON.parse and the wrapper's own work are inlined into these frames.
  if (/^(exactText|classifyText|rethrow|#live|parse)$/.test(frame)) return 'JS wrapper (src/classifier.js, incl. JSON.parse)';
  if (frame === '(garbage collector)') return 'GC';
  if (frame === 'profile') return 'benchmark loop';
  return `other: ${frame}`;
}

async function profile(seconds) {
  // Load dist/node's glue over the pre-wasm-opt module (it keeps the function names the
  // optimised one drops), by swapping the bytes the glue compiles.
  const optimised = join(npmDir, 'dist', 'node', 'esafety_wasm_bg.wasm');
  const named = join(npmDir, 'dist', 'node', 'esafety_wasm_bg.raw.wasm');
  const size = statSync(optimised).size;
  const Module = WebAssembly.Module;
  let swapped = false;
  WebAssembly.Module = new Proxy(Module, {
    construct(t, [bytes, ...rest]) {
      if (existsSync(named) && bytes.byteLength === size) {
        bytes = readFileSync(named);
        swapped = true;
      }
      return Reflect.construct(t, [bytes, ...rest]);
    },
  });
  const { createClassifier } = await import('esafety');
  const c = await createClassifier({ ageBand: 'ks2' });
  const { all } = loadCorpus();
  const { messages, bytes } = takeBytes(all, 1024 * 1024);
  warm((t) => c.classifyText(t), messages, 1000);
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((res, rej) => session.post(method, params, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const a = performance.now();
  while (performance.now() < end) {
    for (const t of messages) c.classifyText(t);
    n++;
  }
  const ms = performance.now() - a;
  const { profile: p } = await post('Profiler.stop');
  session.disconnect();
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const buckets = new Map();
  const frames = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id).callFrame;
    const name = f.functionName || `(${f.url.split('/').pop() || 'anonymous'})`;
    // `dispatch` is node:inspector's own message handling (the profiler in this thread).
    if (name === '(idle)' || name === '(program)' || name === '(root)' || name === 'dispatch') return;
    total += dt;
    const b = bucketOf(name);
    buckets.set(b, (buckets.get(b) ?? 0) + dt);
    frames.set(name, (frames.get(name) ?? 0) + dt);
  });
  const show = (map, k) =>
    [...map].sort((x, y) => y[1] - x[1]).slice(0, k).map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(6)} %  ${name.slice(0, 110)}`).join('\n');
  console.log(`classifyText over ${messages.length} messages (${fmt(bytes / MB, 2)} MB), ${n} passes in ${fmt(ms / 1000)} s: ${fmt((n * bytes) / MB / (ms / 1000))} MB/s under the profiler`);
  console.log(swapped ? 'module: dist/node/esafety_wasm_bg.raw.wasm (named functions; not wasm-opt\'d)' : 'module: dist/node/esafety_wasm_bg.wasm (no function names)');
  console.log(`\nself time by part:\n${show(buckets, 12)}\n\nhottest functions (self time):\n${show(frames, 20)}`);
}

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : dflt;
};
if (flag('--help') || flag('-h')) {
  console.log(`usage: node bench/bench.mjs [--quick] [--no-rustrict] [--children N] [--out FILE]
  --quick        smaller run (≤ 20 s) for CI
  --no-rustrict  skip the rustrict comparison (and its build)
  --rustrict     with --quick: build the rustrict baseline if it is missing (default: skip)
  --children N   fresh processes for the start-up figure (default 15, quick 5)
  --out FILE     results JSON (default bench/results.json)
  --profile [S]  instead: sample classifyText over chat messages for S seconds (default 8)
                 and print where the time goes (core, result object, glue, GC)
  --dump-corpus FILE  instead: write the corpus's distinct messages, one a line, in the
                 benchmark's order (line breaks inside a message become spaces), for
                 native profiling (cargo run -p esafety-bench --bin text_profile)`);
  process.exit(0);
}
const quick = flag('--quick');
const opts = {
  quick,
  children: Number(value('--children', quick ? 5 : 15)),
  rustrictChildren: quick ? 3 : 5,
  corpusBytes: quick ? 384 * 1024 : 4 * 1024 * 1024, // UTF-8 bytes through the throughput runs
  chunkBytes: 64 * 1024,
  passes: quick ? 2 : 5, // timed passes per esafety throughput mode (median reported)
  rustrictPasses: quick ? 1 : 3,
  warmupMs: quick ? 300 : 1500,
  latencyMessages: 20_000,
  urls: quick ? 1500 : 5000,
  // --quick compares with rustrict only when bench/rustrict/pkg is already built (its
  // first build takes a minute); --rustrict builds it anyway, --no-rustrict skips it.
  rustrict: flag('--no-rustrict') ? false : quick && !flag('--rustrict') ? existsSync(rustrictPkg) : true,
};
const outFile = value('--out', join(benchDir, 'results.json'));

const TARGETS = {
  wasmGzBytes: 1_000_000, // ≤ 1 MB gzip -9 (aim 500 KB)
  wasmGzAimBytes: 500_000,
  readyMs: 20, // median cold start ≤ 20 ms
  textMBps: 50, // ≥ 50 MB/s
  vsRustrict: 10, // ≥ 10× rustrict
  p99Us: 50, // per-message p99 ≤ 50 µs
};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const enc = new TextEncoder();
const utf8Len = (s) => Buffer.byteLength(s, 'utf8');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank percentile of a sorted array. */
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
const MB = 1e6;
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const kb = (b) => `${(b / 1024).toFixed(0)} KiB`;
const log = (...a) => console.error(...a); // progress on stderr, the table on stdout

/** SplitMix32-ish deterministic PRNG so every run classifies the same order. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Tweets carry HTML entities (&amp;, &#128514;): decode them so emoji reach the classifier. */
const decodeEntities = (s) =>
  s
    .replace(/&#(\d+);/g, (_, n) => (Number(n) <= 0x10ffff ? String.fromCodePoint(Number(n)) : _))
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);

function csvColumn(file, name, map = (x) => x) {
  const rows = parseCsv(readFileSync(file, 'utf8'));
  const col = rows[0].indexOf(name);
  if (col < 0) throw new Error(`${file}: no column ${name}`);
  return rows.slice(1).map((r) => r[col]).filter((t) => t && t.trim()).map(map);
}

/** One column (`text` or `url`) of a tab-separated file whose header is its first non-# line. */
function tsvColumn(file, name) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const col = lines[0].split('\t').indexOf(name);
  if (col < 0) throw new Error(`${file}: no column ${name}`);
  return lines.slice(1).map((l) => l.split('\t')[col]).filter((t) => t && t.trim());
}

// ---------------------------------------------------------------------------------------
// Corpus
// ---------------------------------------------------------------------------------------

function loadCorpus() {
  const sources = [];
  const add = (name, texts) => {
    sources.push({ name, messages: texts.length, bytes: texts.reduce((a, t) => a + utf8Len(t), 0), texts });
  };
  const tests = join(repoDir, 'tests');
  for (const f of ['eval/blind.tsv', 'eval/heldout.tsv']) {
    const p = join(tests, f);
    if (existsSync(p)) add(`tests/${f}`, tsvColumn(p, 'text'));
  }
  const samples = join(tests, 'samples', 'messages.txt');
  if (existsSync(samples)) add('tests/samples/messages.txt', readFileSync(samples, 'utf8').split('\n').filter((l) => l.trim()));

  const evalDir = process.env.ESAFETY_EVAL_DIR ?? join(repoDir, '..', 'shared', 'eval', 'dev');
  const shared = [
    ['davidson_labeled_data.csv', 'tweet', decodeEntities],
    ['toxic_spans_train.csv', 'text'],
    ['toxic_spans_trial.csv', 'text'],
  ];
  let sharedFound = false;
  for (const [file, column, map] of shared) {
    const p = join(evalDir, file);
    if (existsSync(p)) {
      add(`shared/eval/dev/${file}`, csvColumn(p, column, map));
      sharedFound = true;
    }
  }
  // Interleave all sources in a fixed pseudo-random order, so 64 KiB chunks mix them.
  const all = sources.flatMap((s) => s.texts);
  const rand = rng(20250101);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  for (const s of sources) delete s.texts;
  return { sources, all, sharedFound, evalDir };
}

/** The first messages of `all` (cycling if needed) up to `bytes` UTF-8 bytes. */
function takeBytes(all, bytes) {
  const out = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const t = all[i % all.length];
    out.push(t);
    n += utf8Len(t);
  }
  return { messages: out, bytes: n };
}

/** Messages joined with '\n' into chunks of at most `size` UTF-8 bytes (and ≤ maxUnits UTF-16). */
function chunk(messages, size, maxUnits = Infinity) {
  const chunks = [];
  let cur = [];
  let bytes = 0;
  let units = 0;
  for (const m of messages) {
    const b = utf8Len(m) + 1;
    if (cur.length && (bytes + b > size || units + m.length + 1 > maxUnits)) {
      chunks.push(cur.join('\n'));
      cur = [];
      bytes = 0;
      units = 0;
    }
    cur.push(m);
    bytes += b;
    units += m.length + 1;
  }
  if (cur.length) chunks.push(cur.join('\n'));
  return chunks;
}

// ---------------------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------------------

function wasmSizes() {
  const rows = [];
  for (const dir of ['web', 'node', 'bundler']) {
    const f = join(npmDir, 'dist', dir, 'esafety_wasm_bg.wasm');
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    rows.push({
      file: relative(npmDir, f),
      raw: bytes.length,
      gzip9: gzipSync(bytes, { level: zc.Z_BEST_COMPRESSION }).length,
      sha256: createHash('sha256').update(bytes).digest('hex').slice(0, 16),
      mtime: statSync(f).mtime.toISOString(),
    });
  }
  return rows;
}

function startup(which, n) {
  const runs = [];
  for (let i = 0; i < n; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', which], {
      cwd: npmDir,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`start-up child (${which}) failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
  const stat = (k) => {
    const xs = runs.map((r) => r[k]);
    return { median: median(xs), max: Math.max(...xs), min: Math.min(...xs) };
  };
  const keys = Object.keys(runs[0]).filter((k) => typeof runs[0][k] === 'number' && k !== 'memoryBytes');
  return { runs: n, ...Object.fromEntries(keys.map((k) => [k, stat(k)])), memoryBytes: runs[0].memoryBytes };
}

/** Runs `fn` over `inputs` until at least `ms` have passed (at least once): JIT and tier-up. */
function warm(fn, inputs, ms) {
  const end = performance.now() + ms;
  let passes = 0;
  do {
    for (const t of inputs) fn(t);
    passes++;
  } while (performance.now() < end);
  return passes;
}

/** One timed pass: wall-clock ms and this process's CPU ms (user + system). */
function pass(fn, inputs) {
  const c0 = process.cpuUsage();
  const a = performance.now();
  for (let i = 0; i < inputs.length; i++) fn(inputs[i]);
  const ms = performance.now() - a;
  const c = process.cpuUsage(c0);
  return [ms, (c.user + c.system) / 1000];
}

function summarize(walls, cpus, inputs, bytes) {
  const ms = median(walls);
  const cpuMs = median(cpus);
  return { MBps: bytes / MB / (ms / 1000), cpuMBps: bytes / MB / (cpuMs / 1000), ms, cpuMs, passes: walls.length, inputs: inputs.length, bytes };
}

/**
 * Median MB/s over `passes` timed passes of `fn` over every input, by the wall clock and
 * by this process's CPU time (on a shared machine the CPU figure is the steadier one; it
 * also counts V8's helper threads, so it can read lower than the wall clock when idle).
 */
function throughput(fn, inputs, bytes, passes) {
  const walls = [];
  const cpus = [];
  for (let p = 0; p < passes; p++) {
    const [w, c] = pass(fn, inputs);
    walls.push(w);
    cpus.push(c);
  }
  return summarize(walls, cpus, inputs, bytes);
}

/**
 * As `throughput` for several `[fn, inputs]` runs over the same bytes, their passes
 * interleaved so that drifts in machine load hit all of them alike.
 */
function interleaved(runs, bytes, passes) {
  const walls = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  const cpus = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (let p = 0; p < passes; p++) {
    for (const [k, [fn, inputs]] of Object.entries(runs)) {
      const [w, c] = pass(fn, inputs);
      walls[k].push(w);
      cpus[k].push(c);
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([k, [, inputs]]) => [k, summarize(walls[k], cpus[k], inputs, bytes)]));
}

function latency(fn, inputs) {
  const us = new Float64Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const a = performance.now();
    fn(inputs[i]);
    us[i] = (performance.now() - a) * 1000;
  }
  us.sort();
  const sum = us.reduce((a, b) => a + b, 0);
  return { n: us.length, meanUs: sum / us.length, p50Us: pct(us, 50), p90Us: pct(us, 90), p99Us: pct(us, 99), p999Us: pct(us, 99.9), maxUs: us[us.length - 1] };
}

function loadUrls() {
  const urls = [];
  for (const f of ['eval/urls_blind.tsv', 'eval/urls_blind2.tsv']) {
    const p = join(repoDir, 'tests', f);
    if (existsSync(p)) urls.push(...tsvColumn(p, 'url'));
  }
  const s = join(repoDir, 'tests', 'samples', 'urls.txt');
  if (existsSync(s)) urls.push(...readFileSync(s, 'utf8').split('\n').filter((l) => l.trim()));
  return urls;
}

function ensureRustrict() {
  const script = join(benchDir, 'build-rustrict.sh');
  try {
    execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    if (!existsSync(rustrictPkg)) throw e;
    log(`build-rustrict.sh failed; using the existing ${relative(npmDir, rustrictPkg)}`);
  }
  let optimised = 'unknown';
  try {
    optimised = readFileSync(join(benchDir, 'rustrict', 'pkg', 'OPTIMISED'), 'utf8').trim();
  } catch {}
  const lock = readFileSync(join(benchDir, 'rustrict', 'Cargo.lock'), 'utf8');
  const version = /name = "rustrict"\nversion = "([^"]+)"/.exec(lock)?.[1] ?? 'unknown';
  const wasm = readFileSync(join(benchDir, 'rustrict', 'pkg', 'rustrict_bench_bg.wasm'));
  return { version, features: 'default (censor, context)', wasmOpt: optimised, raw: wasm.length, gzip9: gzipSync(wasm, { level: 9 }).length };
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

if (flag('--dump-corpus')) {
  const file = value('--dump-corpus', '');
  if (!file) throw new Error('--dump-corpus needs a FILE');
  const { all, sources } = loadCorpus();
  writeFileSync(file, all.map((t) => t.replace(/[\r\n]+/g, ' ')).join('\n') + '\n');
  console.log(`${all.length} messages from ${sources.map((s) => s.name).join(', ')} → ${file}`);
  process.exit(0);
}

if (flag('--profile')) {
  await profile(Number(value('--profile', '')) || 8);
  process.exit(0);
}

const started = performance.now();
const results = {
  date: new Date().toISOString(),
  quick,
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  },
};
try {
  results.commit = execFileSync('git', ['-C', repoDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
} catch {}

// The esafety module for the throughput runs (memory captured at instantiation).
const mem = {};
{
  const origInstance = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(origInstance, {
    construct(t, args) {
      const r = Reflect.construct(t, args);
      (mem.instances ??= []).push(r.exports.memory);
      return r;
    },
  });
}
const esafety = await import('esafety');
const c = await esafety.createClassifier({ ageBand: 'ks2' });
const esafetyMemory = mem.instances?.[0];
const glue = require(join(npmDir, 'dist', 'node', 'esafety_wasm.js')); // the same instance (require cache)
const raw = new glue.Esafety({ ageBand: 'ks2' });
results.esafetyVersion = await esafety.version();
// The glue hands the verdict over as a JS object (serde-wasm-bindgen) or as JSON text
// that the wrapper parses (and `undefined` for a quiet verdict, which the wrapper builds);
// the breakdown below names the wrapper's work accordingly. Asked with a flagged text.
results.glueResult = typeof raw.classifyText('kill yourself') === 'string' ? 'json' : 'object';
const memAfterLoad = esafetyMemory?.buffer.byteLength ?? null;

log('sizes…');
results.size = { esafety: wasmSizes() };
let rustrict = null;
if (opts.rustrict) {
  log('rustrict baseline…');
  try {
    results.size.rustrict = ensureRustrict();
    rustrict = require(rustrictPkg);
    rustrict.warm_up();
  } catch (e) {
    log(`rustrict baseline unavailable, comparison skipped: ${e.message}`);
    opts.rustrict = false;
  }
}
if (!opts.rustrict) {
  results.rustrictSkipped = flag('--no-rustrict') ? '--no-rustrict' : 'baseline not built: run bench/build-rustrict.sh (or pass --rustrict)';
}
const rustrictMemory = opts.rustrict ? mem.instances?.[mem.instances.length - 1] : null;

log(`start-up: ${opts.children} fresh processes…`);
results.startup = { esafety: startup('esafety', opts.children) };
if (opts.rustrict) results.startup.rustrict = startup('rustrict', opts.rustrictChildren);

log('corpus…');
const corpus = loadCorpus();
const { messages, bytes } = takeBytes(corpus.all, Math.min(opts.corpusBytes, corpus.sources.reduce((a, s) => a + s.bytes, 0)));
const chunks64 = chunk(messages, opts.chunkBytes);
const chunks1M = chunk(messages, 1024 * 1024, c.maxTextLength); // as large as one call allows
results.corpus = {
  sources: corpus.sources,
  sharedEvalData: corpus.sharedFound ? corpus.evalDir : `not found (${corpus.evalDir}): repository text only`,
  distinctMessages: corpus.all.length,
  timedMessages: messages.length,
  timedBytes: bytes,
  meanMessageBytes: +(bytes / messages.length).toFixed(1),
  chunks64KiB: chunks64.length,
  chunks1MiB: chunks1M.length,
};

// Counts, so the runs are seen to do comparable work.
const esafetyText = (t) => c.classifyText(t);
const rawText = (t) => raw.classifyText(t);
const rustrictText = rustrict ? (t) => rustrict.analyze(t) : null;
let flagged = 0;
let matchCount = 0;
for (const m of messages) {
  const v = c.classifyText(m);
  if (v.flagged) flagged++;
  matchCount += v.matches.length;
}
results.corpus.esafetyFlaggedMessages = flagged;
results.corpus.esafetyMatches = matchCount;
if (rustrict) {
  const mask = rustrict.inappropriate_mask();
  results.corpus.rustrictInappropriateMessages = messages.filter((m) => rustrict.analyze(m) & mask).length;
}

log(`throughput: ${(bytes / MB).toFixed(2)} MB in ${messages.length} messages / ${chunks64.length} chunks of 64 KiB / ${chunks1M.length} chunks of ≤ 1 MiB…`);
const modes = { messages, chunks64KiB: chunks64, chunks1MiB: chunks1M };
results.throughput = { esafety: {}, rustrict: rustrict ? {} : null, ratio: {}, cpuRatio: {} };
for (const [mode, inputs] of Object.entries(modes)) {
  warm(esafetyText, inputs, opts.warmupMs);
  // What the classifier reports in this mode (the same text in every mode): a core that
  // stops collecting hits in long texts shows here as fewer matches.
  let modeFlagged = 0;
  let modeMatches = 0;
  for (const t of inputs) {
    const v = c.classifyText(t);
    if (v.flagged) modeFlagged++;
    modeMatches += v.matches.length;
  }
  results.throughput.esafety[mode] = { ...throughput(esafetyText, inputs, bytes, opts.passes), flaggedInputs: modeFlagged, matches: modeMatches };
  if (rustrict) {
    warm(rustrictText, inputs.slice(0, Math.max(1, inputs.length >> 3)), 0);
    results.throughput.rustrict[mode] = throughput(rustrictText, inputs, bytes, opts.rustrictPasses);
    results.throughput.ratio[mode] = results.throughput.esafety[mode].MBps / results.throughput.rustrict[mode].MBps;
    results.throughput.cpuRatio[mode] = results.throughput.esafety[mode].cpuMBps / results.throughput.rustrict[mode].cpuMBps;
  }
  log(`  ${mode}: esafety ${fmt(results.throughput.esafety[mode].MBps)} MB/s` + (rustrict ? `, rustrict ${fmt(results.throughput.rustrict[mode].MBps, 2)} MB/s` : ''));
}

// Where the time goes for single messages, all on the same bytes, passes interleaved:
// - the public API against the raw glue (no JS wrapper: exactText, #live, try/catch);
// - the same messages joined into 4 KiB chunks: ~35× fewer calls, hence fewer result
//   objects and boundary crossings, yet short enough that the core finds the same matches
//   and nothing superlinear in the text length kicks in. The difference per call is the
//   fixed cost of one call (crossing in and out, building the result object);
// - UTF-8 encoding alone (TextEncoder.encodeInto), the floor for passing the string in.
{
  const chunks4 = chunk(messages, 4096);
  const scratch = new Uint8Array(4 * 1024 * 1024);
  const encodeOnly = (t) => enc.encodeInto(t, scratch);
  warm(rawText, messages, opts.warmupMs / 3);
  warm(esafetyText, chunks4, opts.warmupMs / 3);
  warm(encodeOnly, messages, 100);
  const t = interleaved(
    { publicApi: [esafetyText, messages], rawGlue: [rawText, messages], chunks4KiB: [esafetyText, chunks4], utf8Encode: [encodeOnly, messages] },
    bytes,
    opts.passes,
  );
  let chunkMatches = 0;
  for (const x of chunks4) chunkMatches += c.classifyText(x).matches.length;
  // CPU time: steadier than the wall clock on a shared machine.
  const perMsg = (x) => (x.cpuMs * 1000) / messages.length;
  results.breakdown = {
    note: 'µs of CPU per message (mean) in the messages mode; publicApi, rawGlue, chunks4KiB and utf8Encode passes interleaved. rawGlue: the wasm-bindgen call alone (its result is JSON text when glueResult is json, undefined for a quiet verdict); jsWrapper: what src/classifier.js adds (JSON.parse when json, exact match text, checks). perCallUs < 0: longer inputs cost more per byte',
    glueResult: results.glueResult,
    publicApiUs: perMsg(t.publicApi),
    rawGlueUs: perMsg(t.rawGlue),
    jsWrapperUs: perMsg(t.publicApi) - perMsg(t.rawGlue),
    utf8EncodeUs: perMsg(t.utf8Encode),
    publicApiMBps: t.publicApi.cpuMBps,
    chunks4KiBMBps: t.chunks4KiB.cpuMBps,
    chunks4KiB: chunks4.length,
    chunks4KiBMatches: chunkMatches,
    messagesMatches: results.throughput.esafety.messages.matches,
    // Fixed cost of one classifyText call, beyond its bytes.
    perCallUs: ((t.publicApi.cpuMs - t.chunks4KiB.cpuMs) * 1000) / (messages.length - chunks4.length),
  };
  results.breakdown.perCallShare = (results.breakdown.perCallUs * messages.length) / (t.publicApi.cpuMs * 1000);
}

log(`latency: ${opts.latencyMessages} messages…`);
{
  // At least latencyMessages, and every distinct message when there are more.
  const n = Math.max(opts.latencyMessages, quick ? 0 : corpus.all.length);
  const latInputs = Array.from({ length: n }, (_, i) => corpus.all[i % corpus.all.length]);
  warm(esafetyText, latInputs.slice(0, 2000), 200);
  results.latency = { esafety: latency(esafetyText, latInputs) };
  if (rustrict) results.latency.rustrict = latency(rustrictText, latInputs.slice(0, quick ? 5000 : latInputs.length));
}

log('URLs…');
{
  const base = loadUrls();
  const urls = [];
  for (let i = 0; urls.length < opts.urls; i++) urls.push(base[i % base.length]);
  let errors = 0;
  const urlFn = (u) => {
    try {
      c.classifyUrl(u);
    } catch {
      errors++;
    }
  };
  warm(urlFn, base, 300);
  errors = 0;
  results.url = { distinct: base.length, ...latency(urlFn, urls), errors };
  const t = throughput(urlFn, urls, 0, 1);
  results.url.perSecond = urls.length / (t.ms / 1000);
}

results.memory = {
  esafetyWasmAfterLoad: memAfterLoad,
  esafetyWasmAfterRun: esafetyMemory?.buffer.byteLength ?? null,
  rustrictWasmAfterRun: rustrictMemory?.buffer.byteLength ?? null,
  startupChildWasm: results.startup.esafety.memoryBytes,
  nodeRss: process.memoryUsage().rss,
};
raw.free();
results.elapsedS = +((performance.now() - started) / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

const web = results.size.esafety.find((r) => r.file.includes('web')) ?? results.size.esafety[0];
const checks = [];
const check = (name, val, unit, target, pass) => checks.push({ name, value: val, unit, target, pass });
check('wasm size, gzip -9 (dist/web)', web.gzip9 / 1000, 'KB', `≤ ${TARGETS.wasmGzBytes / 1000} KB (aim ${TARGETS.wasmGzAimBytes / 1000})`, web.gzip9 <= TARGETS.wasmGzBytes);
check('cold start to ready, median', results.startup.esafety.readyMs.median, 'ms', `≤ ${TARGETS.readyMs} ms`, results.startup.esafety.readyMs.median <= TARGETS.readyMs);
check('text throughput, messages', results.throughput.esafety.messages.MBps, 'MB/s', `≥ ${TARGETS.textMBps} MB/s`, results.throughput.esafety.messages.MBps >= TARGETS.textMBps);
check('text throughput, 64 KiB chunks', results.throughput.esafety.chunks64KiB.MBps, 'MB/s', `≥ ${TARGETS.textMBps} MB/s`, results.throughput.esafety.chunks64KiB.MBps >= TARGETS.textMBps);
if (rustrict) {
  check('vs rustrict, messages', results.throughput.ratio.messages, '×', `≥ ${TARGETS.vsRustrict}×`, results.throughput.ratio.messages >= TARGETS.vsRustrict);
  check('vs rustrict, 64 KiB chunks', results.throughput.ratio.chunks64KiB, '×', `≥ ${TARGETS.vsRustrict}×`, results.throughput.ratio.chunks64KiB >= TARGETS.vsRustrict);
}
check('per-message latency p99', results.latency.esafety.p99Us, 'µs', `≤ ${TARGETS.p99Us} µs`, results.latency.esafety.p99Us <= TARGETS.p99Us);
results.targets = checks;

const m = results.machine;
const lines = [];
const row = (a, b, cc = '', d = '') => lines.push(`${a.padEnd(40)} ${String(b).padStart(14)}  ${cc.padEnd(22)} ${d}`);
lines.push(`esafety ${results.esafetyVersion} bench${quick ? ' (--quick)' : ''} — ${m.cpus} × ${m.cpuModel}, node ${m.node} (V8 ${m.v8}), load ${m.loadavg.join(' ')}`);
lines.push(`corpus: ${results.corpus.timedMessages} messages, ${fmt(bytes / MB, 2)} MB UTF-8 (mean ${results.corpus.meanMessageBytes} B) from ${corpus.sources.length} sources; ${results.corpus.sharedEvalData === corpus.evalDir ? 'with shared/eval/dev' : results.corpus.sharedEvalData}`);
lines.push('');
row('measure', 'value', 'target', 'result');
row('-------', '-----', '------', '------');
for (const r of results.size.esafety) row(`wasm ${r.file}`, `${kb(r.raw)} raw`, `gzip -9 ${kb(r.gzip9)}`);
if (results.size.rustrict) row(`wasm rustrict ${results.size.rustrict.version}`, `${kb(results.size.rustrict.raw)} raw`, `gzip -9 ${kb(results.size.rustrict.gzip9)}`);
const st = results.startup.esafety;
row(`cold start, ${st.runs} processes`, `${fmt(st.readyMs.median)} ms`, `max ${fmt(st.readyMs.max)} ms`, `medians: JS import ${fmt(st.importMs.median)}, read .wasm ${fmt(st.readMs.median)}, compile ${fmt(st.compileMs.median)}, instantiate ${fmt(st.instantiateMs.median)}, constructor ${fmt(st.afterInstantiateMs.median)} ms; first call ${fmt(st.firstClassifyMs.median, 2)} ms`);
if (results.startup.rustrict) {
  const rs = results.startup.rustrict;
  row(`rustrict cold start, ${rs.runs} processes`, `${fmt(rs.readyMs.median)} ms`, `max ${fmt(rs.readyMs.max)} ms`, `(includes its first call, which builds its tables: ${fmt(rs.firstClassifyMs.median)} ms)`);
}
for (const mode of Object.keys(modes)) {
  const e = results.throughput.esafety[mode];
  const r = results.throughput.rustrict?.[mode];
  row(`throughput ${mode} (${e.inputs})`, `${fmt(e.MBps)} MB/s`, r ? `rustrict ${fmt(r.MBps, 2)} MB/s` : '', (r ? `ratio ${fmt(results.throughput.ratio[mode])}×; ` : '') + `CPU time: ${fmt(e.cpuMBps)}` + (r ? ` vs ${fmt(r.cpuMBps, 2)} MB/s (${fmt(results.throughput.cpuRatio[mode])}×)` : ' MB/s') + `; ${e.matches} matches`);
}
const b = results.breakdown;
row('CPU per message: public API', `${fmt(b.publicApiUs, 2)} µs`, `glue call ${fmt(b.rawGlueUs, 2)} µs`, `JS wrapper${b.glueResult === 'json' ? ' (JSON.parse, exact text)' : ''} ${fmt(b.jsWrapperUs, 2)} µs; UTF-8 encode alone ${fmt(b.utf8EncodeUs, 3)} µs`);
row('fixed cost per call (vs 4 KiB chunks)', `${fmt(b.perCallUs, 2)} µs`, `${fmt(100 * b.perCallShare, 0)} % of msg time`, `4 KiB chunks ${fmt(b.chunks4KiBMBps)} MB/s CPU (${b.chunks4KiBMatches} vs ${b.messagesMatches} matches)${b.perCallUs < 0 ? '; < 0: longer inputs cost more per byte' : ''}`);
const L = results.latency.esafety;
row(`latency per message (${L.n})`, `p99 ${fmt(L.p99Us)} µs`, `p50 ${fmt(L.p50Us)} µs`, `p99.9 ${fmt(L.p999Us)} µs, max ${fmt(L.maxUs)} µs`);
if (results.latency.rustrict) {
  const R = results.latency.rustrict;
  row(`rustrict latency (${R.n})`, `p99 ${fmt(R.p99Us)} µs`, `p50 ${fmt(R.p50Us)} µs`, `max ${fmt(R.maxUs)} µs`);
}
const U = results.url;
row(`classifyUrl (${U.n}, ${U.distinct} distinct)`, `p99 ${fmt(U.p99Us)} µs`, `p50 ${fmt(U.p50Us)} µs`, `max ${fmt(U.maxUs)} µs; ${fmt(U.perSecond / 1000, 0)}k/s; ${U.errors} refused`);
const M = results.memory;
row('wasm memory after load / after run', kb(M.esafetyWasmAfterLoad), kb(M.esafetyWasmAfterRun), M.rustrictWasmAfterRun ? `rustrict ${kb(M.rustrictWasmAfterRun)}; node RSS ${kb(M.nodeRss)}` : `node RSS ${kb(M.nodeRss)}`);
if (results.rustrictSkipped) lines.push(`rustrict comparison skipped (${results.rustrictSkipped})`);
lines.push('');
lines.push('targets (informational):');
for (const t of checks) {
  lines.push(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(34)} ${fmt(t.value, t.unit === '×' ? 1 : 1).padStart(9)} ${t.unit.padEnd(5)} target ${t.target}`);
}
lines.push(`\n${checks.filter((t) => t.pass).length}/${checks.length} targets met; ${results.elapsedS} s; results in ${relative(process.cwd(), outFile) || outFile}`);
console.log(lines.join('\n'));
writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
