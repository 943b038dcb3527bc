// The demo server (npm/demo/serve.mjs): MIME types the browser needs (application/wasm
// for streaming compilation), the demo's Content-Security-Policy, no files outside npm/,
// and the report recorder.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { serverModule } from './helpers.mjs';

let srv;
before(async () => {
  const { startDemoServer } = await serverModule();
  srv = await startDemoServer({ port: 0 });
});
after(() => srv?.close());

const get = (path, init) => fetch(`http://127.0.0.1:${srv.port}${path}`, { redirect: 'manual', ...init });

/** A raw GET, so paths like /../ reach the server unnormalised. */
function rawGet(path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: srv.port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the package with the right MIME types', async () => {
  for (const [path, type] of [
    ['/demo/', 'text/html'],
    ['/demo/demo.js', 'text/javascript'],
    ['/demo/demo.css', 'text/css'],
    ['/src/web.js', 'text/javascript'],
    ['/src/vle/index.js', 'text/javascript'],
    ['/dist/web/esafety_wasm_bg.wasm', 'application/wasm'],
  ]) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.ok(res.headers.get('content-type').startsWith(type), `${path}: ${res.headers.get('content-type')}`);
    await res.arrayBuffer();
  }
  const html = await get('/demo/');
  assert.match(html.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal((await get('/')).headers.get('location'), '/demo/');
});

test('nothing outside npm/, no dotfiles or node_modules', async () => {
  assert.equal(await rawGet('/../Cargo.toml'), 404);
  assert.equal(await rawGet('/%2e%2e/Cargo.toml'), 404);
  assert.equal(await rawGet('/node_modules/playwright-core/package.json'), 404);
  assert.equal(await rawGet('/demo/nope.js'), 404);
});

test('records report POSTs; rejects bad ones', async () => {
  const n = srv.reports.length;
  const ok = await get('/api/report', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"concern":"other","time":"t","origin":"o"}' });
  assert.equal(ok.status, 201);
  assert.equal(srv.reports.length, n + 1);
  assert.deepEqual(srv.reports.at(-1).body, { concern: 'other', time: 't', origin: 'o' });
  assert.equal((await get('/api/report', { method: 'POST', body: 'not json' })).status, 400);
  assert.equal((await get('/api/report?fail=1', { method: 'POST', body: '{}' })).status, 503);
  assert.equal((await get('/api/report')).status, 405);
  const big = await get('/api/report', { method: 'POST', body: JSON.stringify({ text: 'x'.repeat(20000) }) }).catch(() => null);
  assert.ok(big === null || big.status >= 400);
  assert.equal(srv.reports.length, n + 1);
  const listed = await (await get('/api/reports')).json();
  assert.equal(listed.length, srv.reports.length);
});
