#!/usr/bin/env node
// Assembles the unpacked extension `extension/dist/` from `extension/src/` and the npm
// package's web build (glue, .wasm and the framework-free VLE modules), then zips it to
// `extension/dist.zip` for the Google Admin console / Chrome Web Store upload.
//
// Files are copied (never symlinked, so the folder can be zipped or loaded anywhere), the
// service worker is bundled into one file with esbuild (npm/'s devDependency), and the zip is
// written by hand with node:zlib's deflateRaw and a CRC-32 table.
// Idempotent: dist/ is rebuilt from scratch each time, and the zip is byte-for-byte the same
// for the same inputs (sorted entries, fixed timestamps). Does not build the WebAssembly:
// run `node scripts/build.mjs` in npm/ first if npm/dist/web-split is missing.
//
//   node extension/build.mjs            build dist/ and dist.zip
//   node extension/build.mjs --no-zip   build dist/ only

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, 'src');
const DIST = join(HERE, 'dist');
const ZIP = join(HERE, 'dist.zip');
const NPM = join(HERE, '..', 'npm');
/** Where the package lands inside dist/: the package's own layout, so its relative imports work. */
const LIB = join(DIST, 'lib', 'esafety');

const started = performance.now();
const noZip = process.argv.includes('--no-zip');

function fail(message) {
  console.error(`extension/build.mjs: ${message}`);
  process.exit(1);
}

// 1. Inputs present?
// The worker loads the `web-split` build (the module without the lexicon table, and the
// table beside it; see src/engine.js and npm/scripts/build.mjs).
const packageFiles = [
  'src/classifier.js',
  'dist/web-split/esafety_wasm.js',
  'dist/web-split/esafety_wasm_bg.wasm',
  'dist/web-split/esafety_lexicon.bin',
];
for (const f of packageFiles) {
  if (!existsSync(join(NPM, f))) fail(`missing npm/${f} (build the npm package first: node scripts/build.mjs in npm/)`);
}
const manifest = JSON.parse(readFileSync(join(SRC, 'manifest.json'), 'utf8'));

// 2. Fresh dist/.
rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });
cpSync(SRC, DIST, { recursive: true, dereference: true });
for (const f of packageFiles) {
  mkdirSync(dirname(join(LIB, f)), { recursive: true });
  cpSync(join(NPM, f), join(LIB, f), { dereference: true });
}
// The VLE helpers (words, routes, help list, report element, styles; guard and highlight
// for the message content script). Types and READMEs are not shipped.
const vleSrc = join(NPM, 'src', 'vle');
mkdirSync(join(LIB, 'src', 'vle'), { recursive: true });
for (const name of readdirSync(vleSrc)) {
  if (name.endsWith('.js')) cpSync(join(vleSrc, name), join(LIB, 'src', 'vle', name), { dereference: true });
}
for (const f of ['LICENSE', 'LICENSE-MIT', 'LICENSE-APACHE']) {
  if (existsSync(join(NPM, f))) cpSync(join(NPM, f), join(LIB, f));
}

// 3. Every file the manifest names exists.
const named = [
  manifest.background?.service_worker,
  manifest.storage?.managed_schema,
  manifest.options_ui?.page,
  ...(manifest.web_accessible_resources ?? []).flatMap((w) => w.resources.filter((r) => !r.includes('*'))),
].filter(Boolean);
for (const f of named) if (!existsSync(join(DIST, f))) fail(`manifest names ${f}, which is not in dist/`);
JSON.parse(readFileSync(join(DIST, manifest.storage.managed_schema), 'utf8'));

// 4. The worker as one file. A woken worker loads its script before it can decide anything,
// and each module of an import graph is one more request to the extension's resource loader
// (measured in extension/bench: ten modules cost ~20 ms of the cold start). esbuild (an npm
// devDependency) joins sw.js and its imports into one ES module. The modules stay in dist/
// as well: the block page, the options page and the content scripts import them.
const esbuildMain = join(NPM, 'node_modules', 'esbuild', 'lib', 'main.js');
if (!existsSync(esbuildMain)) fail('missing esbuild (run npm ci in npm/ first, or bash scripts/setup.sh)');
const { build: bundle } = await import(esbuildMain);
await bundle({
  entryPoints: [join(DIST, manifest.background.service_worker)],
  outfile: join(DIST, manifest.background.service_worker),
  allowOverwrite: true,
  bundle: true,
  format: 'esm',
  target: 'chrome120',
  charset: 'utf8',
  legalComments: 'inline',
  logLevel: 'error',
});

// 5. The zip.
function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of `files` ([name, bytes]) with fixed timestamps (1980-01-01 00:00). */
function makeZip(files) {
  const DOS_TIME = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const stored = deflated.length >= data.length;
    const body = stored ? data : deflated;
    const crc = crc32(data);
    // The local header (from byte 4) and the central header (from byte 6) share one run:
    // version needed, flags (UTF-8 names), method, time, date, crc, sizes, name length.
    const shared = Buffer.alloc(24);
    shared.writeUInt16LE(20, 0); // version needed
    shared.writeUInt16LE(0x0800, 2); // UTF-8 names
    shared.writeUInt16LE(stored ? 0 : 8, 4);
    shared.writeUInt16LE(DOS_TIME, 6);
    shared.writeUInt16LE(DOS_DATE, 8);
    shared.writeUInt32LE(crc, 10);
    shared.writeUInt32LE(body.length, 14);
    shared.writeUInt32LE(data.length, 18);
    shared.writeUInt16LE(nameBytes.length, 22);

    const local = Buffer.alloc(30); // extra length at 28: 0
    local.writeUInt32LE(0x04034b50, 0);
    shared.copy(local, 4);
    locals.push(local, nameBytes, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    shared.copy(central, 6);
    // extra, comment, disk, internal attributes, external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const files = listFiles(DIST)
  .map((p) => [relative(DIST, p).split(sep).join('/'), readFileSync(p)])
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
let zipNote = '';
if (!noZip) {
  const zip = makeZip(files);
  writeFileSync(ZIP, zip);
  zipNote = `, ${relative(process.cwd(), ZIP) || ZIP} ${(zip.length / 1024).toFixed(0)} KiB`;
}
const total = files.reduce((n, [, b]) => n + b.length, 0);
console.log(
  `extension: ${relative(process.cwd(), DIST) || DIST}/ ${files.length} files ${(total / 1024).toFixed(0)} KiB${zipNote}` +
    ` (${(performance.now() - started).toFixed(0)} ms)`,
);
