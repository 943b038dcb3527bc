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
import { currentWorker, launch, startServer, workerStopper } from '../../tests/extension/helpers.mjs';

const [file, a, b, n = '20'] = process.argv.slice(2);
if (!file || !a || !b || !(Number(n) > 0)) {
  console.error('usage: node extension/bench/ab.mjs FILE A B [N]');
  process.exit(2);
}
const MOMENTS = ['script', 'compiled', 'classifier', 'firstEvent', 'firstDecision'];

/** A promise's value, or null if it fails or takes longer than `ms`. */
const within = (p, ms) => Promise.race([p.catch(() => null), new Promise((r) => setTimeout(() => r(null), ms))]);

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
    await page.goto('about:blank');
    const origin = await within(currentWorker(browser.ctx).evaluate(() => performance.timeOrigin), 2000);
    await stopper.stop();
    await new Promise((r) => setTimeout(r, 300));
    await page.goto(`http://ab-${i}.example.org/`, { waitUntil: 'commit', timeout: 10000 }).catch(() => {});
    const end = Date.now() + 10000;
    while (Date.now() < end) {
      const w = currentWorker(browser.ctx);
      const s = w ? await within(w.evaluate(() => [performance.timeOrigin, globalThis.esafetyState().timings]), 1000) : null;
      if (s && s[0] !== origin && s[1].firstDecision != null) {
        runs[v].push(s[1]);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
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
