#!/usr/bin/env node
// Assembles the unpacked extension `extension/dist/` from `extension/src/` and the npm
// package's web build (glue, .wasm and the framework-free VLE modules), then zips it to
// `extension/dist.zip` for the Google Admin console / Chrome Web Store upload.
//
// Files are copied (never symlinked, so the folder can be zipped or loaded anywhere), the
// service worker is bundled into one file with esbuild (npm/'s devDependency), and the zip is
// written by pack.mjs (node:zlib's deflateRaw and a CRC-32 table).
// Idempotent: dist/ is rebuilt from scratch each time, and the zip is byte-for-byte the same
// for the same inputs (sorted entries, fixed timestamps). Does not build the WebAssembly:
// run `node scripts/build.mjs` in npm/ first if npm/dist/web-split is missing.
//
//   node extension/build.mjs            build dist/ and dist.zip
//   node extension/build.mjs --no-zip   build dist/ only
//   node extension/build.mjs --crx KEY.pem --codebase URL
//       also sign the zip into dist.crx with the school's RSA key and write update.xml naming
//       URL (where dist.crx will be served) for a self-hosted force-install (see pack.mjs)

import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { folderFiles, makeZip, packCrx, updateManifest } from './pack.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, 'src');
const DIST = join(HERE, 'dist');
const ZIP = join(HERE, 'dist.zip');
const CRX = join(HERE, 'dist.crx');
const UPDATE_XML = join(HERE, 'update.xml');
const NPM = join(HERE, '..', 'npm');
/** Where the package lands inside dist/: the package's own layout, so its relative imports work. */
const LIB = join(DIST, 'lib', 'esafety');

const started = performance.now();
const noZip = process.argv.includes('--no-zip');
/** The value after a flag, or null when the flag is absent. */
function option(flag) {
  const at = process.argv.indexOf(flag);
  if (at < 0) return null;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
  return value;
}
const crxKey = option('--crx');
const codebase = option('--codebase');
if (crxKey && noZip) fail('--crx signs the zip: drop --no-zip');
if (Boolean(crxKey) !== Boolean(codebase)) fail('--crx KEY.pem and --codebase URL go together');
if (codebase && !/^https?:\/\//.test(codebase)) fail(`--codebase must be an http(s) URL: ${codebase}`);

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

// 5. The zip (and, when asked, the signed CRX).
const files = folderFiles(DIST);
let zipNote = '';
if (!noZip) {
  const zip = makeZip(files);
  writeFileSync(ZIP, zip);
  zipNote = `, ${relative(process.cwd(), ZIP) || ZIP} ${(zip.length / 1024).toFixed(0)} KiB`;
  if (crxKey) {
    let pem;
    try {
      pem = readFileSync(crxKey);
    } catch (e) {
      fail(`cannot read the signing key ${crxKey}: ${e.message}`);
    }
    let packed;
    try {
      packed = packCrx(zip, pem);
    } catch (e) {
      fail(`cannot sign with ${crxKey}: ${e.message}`);
    }
    writeFileSync(CRX, packed.crx);
    writeFileSync(UPDATE_XML, updateManifest(packed.id, manifest.version, codebase));
    zipNote += `, ${relative(process.cwd(), CRX) || CRX} (ID ${packed.id}) and update.xml`;
  }
}
const total = files.reduce((n, [, b]) => n + b.length, 0);
console.log(
  `extension: ${relative(process.cwd(), DIST) || DIST}/ ${files.length} files ${(total / 1024).toFixed(0)} KiB${zipNote}` +
    ` (${(performance.now() - started).toFixed(0)} ms)`,
);
