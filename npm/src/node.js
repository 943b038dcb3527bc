// Node entry (≥ 18): the `nodejs` build, which reads and compiles its .wasm on first use.
import { createRequire } from 'node:module';
import { makeApi, EsafetyError } from './classifier.js';

const require = createRequire(import.meta.url);
let glue;
const api = makeApi(async () => (glue ??= require('../dist/node/esafety_wasm.js')));

export { EsafetyError };
export const { createClassifier, helpRoutes, version, memoryBytes } = api;
