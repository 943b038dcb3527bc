// The package's one wrapper over the WebAssembly glue, shared by the web, bundler and
// Node entries: option checks that are easier in JS (overrides given as lists), typed
// errors, exact match text for the caller's own string, and free() bookkeeping.

/** Every refusal: a readable message and a stable `code`. */
export class EsafetyError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'EsafetyError';
    this.code = code;
  }
}

/** Re-throws errors from the glue as `EsafetyError` instances. */
function rethrow(e) {
  if (e instanceof EsafetyError) throw e;
  if (e && e.name === 'EsafetyError' && typeof e.code === 'string') {
    throw new EsafetyError(e.code, e.message);
  }
  throw e;
}

function optionError(message) {
  return new EsafetyError('E_BAD_OPTION', message);
}

/** `{ allow, deny }` lists become lines of the overrides change log. */
function overridesLog(overrides) {
  if (overrides === undefined || typeof overrides === 'string') return overrides;
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw optionError('overrides must be a change log (string) or { allow: [...], deny: [...] }');
  }
  for (const k of Object.keys(overrides)) {
    if (k !== 'allow' && k !== 'deny') {
      throw optionError(`unknown overrides key ${JSON.stringify(k)}; use allow and deny`);
    }
  }
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const clean = (s) => String(s).replace(/[\t\r\n]+/g, ' ').trim();
  const lines = [];
  for (const change of ['allow', 'deny']) {
    const list = overrides[change] ?? [];
    if (!Array.isArray(list)) throw optionError(`overrides.${change} must be an array`);
    list.forEach((entry, i) => {
      const e = typeof entry === 'string' ? { target: entry } : entry;
      if (!e || typeof e.target !== 'string') {
        throw optionError(`overrides.${change}[${i}] must be a string or { target, reason?, who? }`);
      }
      const who = clean(e.who ?? 'page options') || 'page options';
      const reason = clean(e.reason ?? 'set in createClassifier options') || 'set in createClassifier options';
      lines.push([when, who, change, clean(e.target), reason].join('\t'));
    });
  }
  return lines.join('\n');
}

/** Help routes by id, as verdicts show them (frozen: shared by every verdict). */
function routeTable(glue) {
  const table = new Map();
  for (const r of JSON.parse(glue.helpRoutes())) {
    const { id, name, url, phone, sms, summary } = r;
    table.set(id, Object.freeze({ id, name, url, phone, sms, summary }));
  }
  return table;
}

/** Verdicts carry help route ids over the boundary; this expands them. */
function withHelp(v, routes) {
  v.help = v.help.map((id) => routes.get(id));
  return v;
}

/** Puts the caller's own substring in `text` (lone surrogates reach Rust as U+FFFD). */
function exactText(verdict, input) {
  for (const m of verdict.matches) m.text = input.slice(m.start, m.end);
  return verdict;
}

/**
 * The verdict the module leaves to the wrapper (it returns `undefined`): nothing flagged,
 * matched or offered. The same fields, in the same order, as the JSON of any other verdict
 * (`TextOut` in crates/wasm/src/out.rs); a fresh object each time, as callers may keep or
 * change what they get.
 */
function quietVerdict(ageBand) {
  return {
    flagged: false,
    severity: 'none',
    categories: [],
    action: 'allow',
    alert: 'none',
    matches: [],
    help: [],
    helpSeeking: false,
    helpTopics: [],
    ageBand,
    truncated: false,
  };
}

const dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

class Classifier {
  #inner;
  #routes;
  /** Read once: every classifyText checks them, and a getter would cross into WebAssembly. */
  #maxText;
  #ageBand;
  constructor(inner, routes) {
    this.#inner = inner;
    this.#routes = routes;
    this.#maxText = inner.maxTextLength;
    this.#ageBand = inner.ageBand;
  }
  #live() {
    if (!this.#inner) throw new EsafetyError('E_FREED', 'this classifier was freed; create a new one');
    return this.#inner;
  }
  get ageBand() {
    this.#live();
    return this.#ageBand;
  }
  get maxTextLength() {
    this.#live();
    return this.#maxText;
  }
  classifyText(text) {
    const inner = this.#live();
    if (typeof text !== 'string') {
      // The checked entry names the type in its message.
      try {
        inner.classifyTextChecked(text);
      } catch (e) {
        rethrow(e);
      }
    }
    if (text.length > this.#maxText) {
      throw new EsafetyError('E_TOO_LONG',
        `text is ${text.length} UTF-16 code units long; the limit is ${this.#maxText} (maxTextLength)`);
    }
    let json;
    try {
      json = inner.classifyText(text);
    } catch (e) {
      rethrow(e);
    }
    if (json === undefined) return quietVerdict(this.#ageBand);
    return withHelp(exactText(JSON.parse(json), text), this.#routes);
  }
  classifyUrl(url) {
    const inner = this.#live();
    try {
      const d = withHelp(JSON.parse(inner.classifyUrl(url)), this.#routes);
      if (d.searchQuery) withHelp(exactText(d.searchQuery.verdict, d.searchQuery.text), this.#routes);
      return d;
    } catch (e) {
      rethrow(e);
    }
  }
  free() {
    if (this.#inner) {
      this.#inner.free();
      this.#inner = undefined;
    }
  }
  [dispose]() {
    this.free();
  }
}

/**
 * `ready(wasm)` for [makeApi] over a wasm-bindgen `web` glue: loads the module once (from
 * `wasm`: a URL, bytes or a compiled module; or next to the glue); a failed load (a network
 * error, a bad `wasm` option) is tried again by the next call.
 */
export function webLoader(init, glue) {
  let loading;
  return (wasm) => {
    loading ??= init(wasm === undefined ? undefined : { module_or_path: wasm }).then(() => glue);
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
}

/**
 * Builds the package's API over one glue module. `ready(wasm)` loads the WebAssembly
 * (once) and resolves to the glue's exports.
 */
export function makeApi(ready) {
  let routes;
  async function load(wasm) {
    try {
      return await ready(wasm);
    } catch (e) {
      throw new EsafetyError('E_LOAD', `could not load the esafety WebAssembly module: ${e?.message ?? e}`);
    }
  }
  return {
    async createClassifier(options = {}) {
      if (options === null || typeof options !== 'object' || Array.isArray(options)) {
        throw optionError("options must be an object such as { ageBand: 'ks2' }");
      }
      const { wasm, ...rest } = options;
      const glue = await load(wasm);
      routes ??= routeTable(glue);
      const opts = { ...rest };
      if ('overrides' in opts) opts.overrides = overridesLog(opts.overrides);
      try {
        return new Classifier(new glue.Esafety(opts), routes);
      } catch (e) {
        rethrow(e);
      }
    },
    async helpRoutes() {
      return JSON.parse((await load()).helpRoutes());
    },
    async version() {
      return (await load()).version();
    },
    async memoryBytes() {
      return (await load()).memoryBytes();
    },
  };
}
