// Builds the WebAssembly for the three targets the package ships (web, bundler, nodejs)
// with wasm-pack, then shrinks each .wasm with binaryen's wasm-opt from node_modules
// (never a system wasm-opt: Debian's corrupts the module, see ../shared/TOOLCHAIN.md).
//
//   node scripts/build.mjs            build all three, and web-split for the extension
//   node scripts/build.mjs web        one target
//
// `web-split` is the extension's build (not in the npm tarball): the `web` target built with
// the `external-lexicon` feature, so the lexicon's 1.5 MB table is not in the .wasm but in
// `esafety_lexicon.bin` beside it (written by `esafety lexicon compile`, the same compiler
// as build.rs: the module refuses a table from any other build). The extension's worker
// decides URLs as soon as the smaller module is in, and installs the table when it arrives.
//
// Cargo compiles once (profile `wasm` in the workspace Cargo.toml); the later targets only
// re-run wasm-bindgen. wasm-opt is skipped when its output is newer than its input.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const crate = join(npmDir, '..', 'crates', 'wasm');
const wasmOpt = join(npmDir, 'node_modules', '.bin', 'wasm-opt');
const targets = { web: 'web', bundler: 'bundler', node: 'nodejs', 'web-split': 'web' };
const features = { 'web-split': ['--features', 'external-lexicon'] };
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(targets);

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: 'inherit', cwd: npmDir });
}

for (const dir of wanted) {
  const target = targets[dir];
  if (!target) throw new Error(`unknown target ${dir}; use ${Object.keys(targets).join(', ')}`);
  const out = join(npmDir, 'dist', dir);
  mkdirSync(out, { recursive: true });
  const wasm = join(out, 'esafety_wasm_bg.wasm');
  const raw = join(out, 'esafety_wasm_bg.raw.wasm');
  run('wasm-pack', [
    '--quiet', 'build', crate, '--profile', 'wasm', '--target', target,
    '--out-dir', out, '--out-name', 'esafety_wasm', '--no-pack', '--no-gitignore', '--weak-refs',
    ...(features[dir] ? ['--', ...features[dir]] : []),
  ]);
  if (features[dir]) {
    const lexicon = join(out, 'esafety_lexicon.bin');
    run('cargo', ['run', '--quiet', '--release', '-p', 'esafety-cli', '--', 'lexicon', 'compile',
      join(npmDir, '..', 'crates', 'core', 'data', 'text'), '-o', lexicon]);
  }
  // wasm-pack wrote a fresh module: keep it as the input of wasm-opt.
  renameSync(wasm, raw);
  if (!existsSync(wasmOpt)) throw new Error('wasm-opt missing: run npm install in npm/ first');
  run(wasmOpt, ['-O3', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
    '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types',
    '--enable-multivalue', raw, '-o', wasm]);
  if (target === 'nodejs') {
    // The package is "type": "module"; the nodejs glue is CommonJS.
    writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
  }
  const kb = (f) => (statSync(f).size / 1024).toFixed(0);
  console.log(`built dist/${dir}: ${kb(raw)} KiB → ${kb(wasm)} KiB after wasm-opt`);
}
