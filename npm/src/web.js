// Browser, Web Worker and MV3 service-worker entry: the `web` build, an ES module that
// fetches its .wasm next to itself (or takes `options.wasm`).
import init, * as glue from '../dist/web/esafety_wasm.js';
import { makeApi, EsafetyError } from './classifier.js';

let loading;
const api = makeApi((wasm) => {
  loading ??= init(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => glue);
  // A failed load (a network error, a bad `wasm` option) is tried again by the next call.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
});

export { EsafetyError };
export const { createClassifier, helpRoutes, version, memoryBytes } = api;
