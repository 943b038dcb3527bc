// The packed tarball installs into an empty project and meets the contract there, on
// cases written for this test only, with strict TypeScript accepting the types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack → npm install in an empty project → it works', { timeout: 180_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'esafety-pack-'));
  try {
    const out = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], npmDir));
    const files = out[0].files.map((f) => f.path);
    for (const f of ['dist/web/esafety_wasm_bg.wasm', 'dist/node/esafety_wasm_bg.wasm',
      'dist/bundler/esafety_wasm_bg.wasm', 'src/index.d.ts', 'src/node.js', 'src/web.js', 'README.md']) {
      assert.ok(files.includes(f), `tarball lacks ${f}`);
    }
    assert.ok(!files.some((f) => f.startsWith('test/') || f.includes('.raw.wasm') || f.startsWith('demo/')),
      'tests, demo and intermediate builds stay out of the tarball');
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    const app = join(work, 'app');
    execFileSync('mkdir', [app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'vle-app', private: true, type: 'module' }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tgz)], app);
    assert.ok(existsSync(join(app, 'node_modules', 'esafety', 'package.json')));

    writeFileSync(join(app, 'main.mjs'), `
      import { createClassifier, EsafetyError } from 'esafety';
      const c = await createClassifier({ age: 10 });
      const msg = '🐶🐱 hiya!! whats ur address, ill come round when ur parents r out 🙂';
      const v = c.classifyText(msg);
      const spans = v.matches.map((m) => msg.slice(m.start, m.end));
      const u = c.classifyUrl('https://duckduckgo.com/?q=cheap+vapes+no+id');
      let err = null;
      try { c.classifyText(12); } catch (e) { err = [e instanceof EsafetyError, e.code]; }
      console.log(JSON.stringify({ band: c.ageBand, flagged: v.flagged, cats: v.categories, spans,
        same: v.matches.every((m) => m.text === msg.slice(m.start, m.end)), url: u.action,
        safe: u.safeSearchUrl, q: u.searchQuery?.text, err }));
    `);
    const got = JSON.parse(run('node', ['main.mjs'], app));
    assert.equal(got.band, 'ks2');
    assert.equal(got.flagged, true);
    assert.ok(got.cats.includes('grooming'), JSON.stringify(got));
    assert.ok(got.spans.length > 0 && got.same, JSON.stringify(got));
    assert.ok(got.spans.some((s) => /address|parents r out/.test(s)), JSON.stringify(got.spans));
    assert.equal(got.q, 'cheap vapes no id');
    assert.match(got.safe, /kp=1/);
    assert.deepEqual(got.err, [true, 'E_NOT_STRING']);

    // Strict TypeScript against the installed package's types.
    writeFileSync(join(app, 'check.ts'), `
      import { createClassifier, type TextVerdict, type UrlDecision, EsafetyError } from 'esafety';
      import { words } from 'esafety/vle';
      const c = await createClassifier({ ageBand: 'ks3', overrides: { allow: ['bbc.co.uk'] } });
      const v: TextVerdict = c.classifyText('hello');
      const start: number = v.matches[0]?.start ?? 0;
      const d: UrlDecision = c.classifyUrl('https://example.com');
      const safe: string | null = d.safeSearchUrl;
      // @ts-expect-error an unknown band is a type error
      await createClassifier({ ageBand: 'year7' });
      const e = new EsafetyError('E_BAD_URL', 'x');
      const heading: string = words.BLOCK_PAGE.junior.blockHeading;
      const reason: string | undefined = words.BLOCK_REASON['gambling']?.teen;
      console.log(start, safe, e.code, heading, reason);
    `);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext',
        target: 'es2022', lib: ['es2022', 'dom', 'esnext.disposable'], skipLibCheck: false },
      files: ['check.ts'],
    }));
    run(join(npmDir, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
