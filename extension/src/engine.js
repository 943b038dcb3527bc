// The classifier in the worker: the package's wrapper over its `web` build made without the
// lexicon table inside (npm/scripts/build.mjs, `web-split`). The module is 0.9 MB instead of
// 2.4 MB, so a worker that wakes cold can decide URLs sooner; the 1.5 MB table it needs for
// text (messages, search terms) comes after it and is installed once (`installLexicon`).
// Until then the classifier refuses text with `E_NOT_READY`, and a URL whose search terms
// need judging likewise: the worker waits for the table and asks again (see sw.js).
import init, * as glue from './lib/esafety/dist/web-split/esafety_wasm.js';
import { makeApi, webLoader } from './lib/esafety/src/classifier.js';

const ready = webLoader(init, glue);

export const { createClassifier, helpRoutes } = makeApi(ready);

/** Installs the lexicon table (`esafety_lexicon.bin`) into the module, loading it if need be. */
export async function installLexicon(bytes) {
  await ready();
  glue.installLexicon(bytes);
}
