// A tiny static server for the demo VLE (no dependencies): serves the npm/ folder so the
// page can import ../src/web.js and fetch the .wasm with the right MIME type, and records
// "Report a worry" POSTs in memory so the demo (and the browser tests) can see exactly
// what a report carries.
//
//   node demo/serve.mjs [port]      (or PORT=…; default 8080; 0 picks a free port)
//
// Routes: GET any file under npm/ (not dotfiles or node_modules); / → /demo/;
// POST /api/report records a JSON report (add ?fail=1 to get a 503, for trying the
// failure message); GET /api/reports lists what was recorded.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// The demo runs under a strict policy: no inline script or style, WebAssembly allowed.
// A VLE with a CSP like this can use esafety/vle unchanged.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const MAX_BODY = 16 * 1024;

function send(res, status, body, type = 'text/plain; charset=utf-8', extra = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

/** Reads a small request body; rejects past MAX_BODY. */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the server. Resolves once it is listening.
 * @param {{port?: number, host?: string, root?: string, log?: boolean}} [opts]
 * @returns {Promise<{server: import('node:http').Server, port: number, url: string, reports: object[], close(): Promise<void>}>}
 */
export function startDemoServer({ port = 8080, host = '127.0.0.1', root = ROOT, log = false } = {}) {
  const reports = [];
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/api/report') {
        if (req.method !== 'POST') return send(res, 405, 'POST only', undefined, { allow: 'POST' });
        let body;
        try {
          body = JSON.parse(await readBody(req));
        } catch {
          return send(res, 400, 'bad JSON');
        }
        if (url.searchParams.has('fail')) return send(res, 503, 'unavailable (test)');
        reports.push({ body, contentType: req.headers['content-type'] ?? '', cookie: req.headers.cookie ?? null, receivedAt: new Date().toISOString() });
        return send(res, 201, JSON.stringify({ ok: true }), MIME['.json']);
      }
      if (url.pathname === '/api/reports') return send(res, 200, JSON.stringify(reports), MIME['.json']);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only', undefined, { allow: 'GET, HEAD' });
      if (url.pathname === '/') return send(res, 302, '', undefined, { location: '/demo/' });

      const rel = normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]+/, '');
      const parts = rel.split(/[/\\]/);
      if (parts.some((p) => p.startsWith('.') || p === 'node_modules')) return send(res, 404, 'not found');
      let file = join(root, rel);
      if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return send(res, 404, 'not found');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!url.pathname.endsWith('/')) return send(res, 301, '', undefined, { location: `${url.pathname}/` });
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(res, 404, 'not found');
      const type = MIME[extname(file)] ?? 'application/octet-stream';
      const extra = type.startsWith('text/html') ? { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' } : {};
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': type, 'content-length': data.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch (e) {
      if (log) console.error(e);
      if (!res.headersSent) send(res, 500, 'server error');
      else res.destroy();
    } finally {
      if (log) console.log(`${req.method} ${req.url} ${res.statusCode}`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
      resolve({
        server,
        port: actual,
        url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actual}/`,
        reports,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = process.argv[2] ?? process.env.PORT ?? '8080';
  const port = Number(arg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`usage: node demo/serve.mjs [port]   (got ${JSON.stringify(arg)})`);
    process.exit(2);
  }
  startDemoServer({ port, log: process.env.ESAFETY_DEMO_LOG === '1' }).then(
    ({ url }) => console.log(`esafety demo VLE: ${url}demo/   (Ctrl+C to stop)`),
    (e) => {
      console.error(`could not start the demo server: ${e.message}`);
      process.exit(1);
    },
  );
}
