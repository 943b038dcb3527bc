// Cold starts of two variants of one extension file, alternated in one browser, so that a
// change to start-up can be told from the machine's drift (on the 2-core build machine two
// runs of the same build differ by 10 ms at p50; alternating cancels most of that).
//
//   node extension/bench/ab.mjs FILE A B [N]
//
// FILE is a file in extension/dist that the worker fetches at each start (the WebAssembly,
// the lexicon table); before each cold start A or B is copied over it, N starts each
// (default 20); FILE is left as A. The worker script itself cannot be swapped this way:
// Chromium keeps the registered script until the extension is reloaded. Prints the median of
// each start-up moment (ms from the worker's start) per variant.

import { copyFileSync } from 'node:fs';
import { coldStart, launch, startServer, workerStopper } from '../../tests/extension/helpers.mjs';

const [file, a, b, n = '20'] = process.argv.slice(2);
if (!file || !a || !b || !(Number(n) > 0)) {
  console.error('usage: node extension/bench/ab.mjs FILE A B [N]');
  process.exit(2);
}
const MOMENTS = ['script', 'compiled', 'classifier', 'firstEvent', 'firstDecision'];

const server = await startServer();
const browser = await launch(server.port);
const runs = { A: [], B: [] };
try {
  const page = await browser.ctx.newPage();
  // Open for the whole run: closing its tab would wake the worker.
  const stopper = await workerStopper(browser.ctx);
  for (let i = 0; i < 2 * Number(n); i++) {
    const v = i % 2 ? 'B' : 'A';
    copyFileSync(v === 'A' ? a : b, file);
    const t = await coldStart(browser.ctx, page, stopper, `http://ab-${i}.example.org/`);
    if (t) runs[v].push(t);
  }
  await stopper.close();
} finally {
  copyFileSync(a, file);
  await browser.close();
  await server.close();
}
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)].toFixed(1) : '-';
};
for (const v of ['A', 'B']) {
  console.log(`${v} (${runs[v].length} cold starts): ${MOMENTS.map((k) => `${k} ${median(runs[v].map((t) => t[k]))}`).join(' · ')}`);
}
