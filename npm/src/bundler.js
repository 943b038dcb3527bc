// Entry for bundlers (webpack, Vite, Rollup with a wasm plugin): the `bundler` build,
// whose .wasm is imported as a module and instantiated by the bundler.
import * as glue from '../dist/bundler/esafety_wasm.js';
import { makeApi, EsafetyError } from './classifier.js';

const api = makeApi(async () => glue);

export { EsafetyError };
export const { createClassifier, helpRoutes, version, memoryBytes } = api;
