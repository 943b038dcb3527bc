// The classifier in a module Web Worker: a VLE can check long texts or many messages off
// the main thread. Post { text, ageBand? }; the reply is { ok, verdict } or { ok, error }.

import { createClassifier } from '../src/web.js';

/** One classifier per age band, created on first use. */
const classifiers = new Map();

self.addEventListener('message', async (e) => {
  const { id, text, ageBand = 'ks2' } = e.data ?? {};
  try {
    if (!classifiers.has(ageBand)) classifiers.set(ageBand, createClassifier({ ageBand }));
    const c = await classifiers.get(ageBand);
    self.postMessage({ id, ok: true, verdict: c.classifyText(text) });
  } catch (err) {
    self.postMessage({ id, ok: false, error: String(err?.message ?? err) });
  }
});
