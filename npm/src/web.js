// Browser, Web Worker and MV3 service-worker entry: the `web` build, an ES module that
// fetches its .wasm next to itself (or takes `options.wasm`).
import init, * as glue from '../dist/web/esafety_wasm.js';
import { makeApi, webLoader, EsafetyError } from './classifier.js';

const api = makeApi(webLoader(init, glue));

export { EsafetyError };
export const { createClassifier, helpRoutes, version, memoryBytes } = api;
