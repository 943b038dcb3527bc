// Messages on an origin the school's policy lists (scanOrigins). Pupils: the package's
// guardInput on every message box, now and as the page adds them (a kind nudge before a risky
// message is sent). Teachers and staff: highlightMessages on the message lists (severity badge
// and <mark>). The worker answers `scan-config` only for listed origins; elsewhere this
// module does nothing at all.
//
// Classification happens in the worker: a page's Content-Security-Policy without
// 'wasm-unsafe-eval' stops WebAssembly in content scripts too (measured: extension/README.md,
// "Messages"), and one classifier per frame would cost megabytes. The package's helpers call
// classifyText synchronously, so `RemoteClassifier` answers from a cache of the worker's
// verdicts, filled while the pupil types; a send whose text has no verdict yet is held for
// the one round trip (a few ms) and then replayed, so guardInput always decides with a verdict.
//
// The page must never break because of us: every step is inside try/catch, a failure lets the
// message go through as normal, and errors go to the worker's error list, never to the page.

import { guardInput } from '../lib/esafety/src/vle/guard.js';
import { highlightMessages } from '../lib/esafety/src/vle/highlight.js';

/** Message boxes when the policy gives no `input` selector. */
export const DEFAULT_INPUT =
  'textarea, input[type="text"], input:not([type]), [contenteditable=""], [contenteditable="true"], ' +
  '[contenteditable="plaintext-only"], [role="textbox"]';
/** Message lists when the policy gives no `messages` selector (ARIA's roles for a chat log). */
export const DEFAULT_MESSAGES = '[role="log"], [role="feed"]';
/** Verdicts kept (texts typed or read lately). */
const CACHE_SIZE = 300;
/** Longest wait for the worker before a held send goes through unchecked. */
const HOLD_MS = 1500;
/** Pause in typing before the text is sent for a verdict. */
const PREFETCH_MS = 80;

/** Tells the worker; never throws (the extension may have been reloaded under the page). */
function tell(msg) {
  try {
    return chrome.runtime.sendMessage(msg).catch(() => null);
  } catch {
    return Promise.resolve(null);
  }
}

function reportError(where, e) {
  tell({ type: 'content-error', where, error: String(e?.message ?? e).slice(0, 300) });
}

/** Started by content/loader.js. */
export async function start() {
  const t0 = performance.now();
  const res = await tell({ type: 'scan-config' });
  if (!res?.ok) return; // not a listed origin: nothing is added to the page
  try {
    new Scanner(res.config, t0, performance.now() - t0).watch();
  } catch (e) {
    reportError('start', e);
  }
}

/** Thrown by RemoteClassifier when a text has no verdict yet; the helpers catch it. */
class NotYet extends Error {
  constructor() {
    super('no verdict yet');
    this.code = 'E_NOT_YET';
  }
}

/**
 * Classifier-shaped (classifyText, ageBand) over the worker's classifier. `classifyText` is
 * synchronous, as the package's helpers need: a verdict from the cache, or NotYet (and the
 * question goes to the worker; `onVerdict` runs when the answer is in).
 */
class RemoteClassifier {
  constructor(ageBand) {
    this.ageBand = ageBand;
    /** text → verdict, or null when the worker could not classify it; oldest first */
    this.cache = new Map();
    /** text → promise of the worker's answer */
    this.pending = new Map();
    /** @type {(() => void) | null} */
    this.onVerdict = null;
    /** @type {((ms: number) => void) | null} */
    this.onFirst = null;
  }

  has(text) {
    return this.cache.has(text);
  }

  classifyText(text) {
    if (this.cache.has(text)) {
      const v = this.cache.get(text);
      this.cache.delete(text);
      this.cache.set(text, v);
      if (v === null) throw Object.assign(new Error('the worker could not check this text'), { code: 'E_UNCHECKED' });
      return v;
    }
    this.ask(text);
    throw new NotYet();
  }

  /** Asks the worker once per text; resolves when the cache has the answer (never rejects). */
  ask(text) {
    if (this.cache.has(text)) return Promise.resolve();
    let p = this.pending.get(text);
    if (p) return p;
    const t = performance.now();
    p = tell({ type: 'classify-text', text }).then((res) => {
      this.pending.delete(text);
      this.cache.set(text, res?.ok ? res.verdict : null);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value);
      if (this.onFirst) {
        this.onFirst(performance.now() - t);
        this.onFirst = null;
      }
      try {
        this.onVerdict?.();
      } catch (e) {
        reportError('verdict', e);
      }
    });
    this.pending.set(text, p);
    return p;
  }
}

/** The text in a textarea, input or contenteditable box (as guardInput reads it). */
function readText(el) {
  return 'value' in el && typeof el.value === 'string' ? el.value : el.innerText ?? el.textContent ?? '';
}

/** Not worth reporting: the helpers skip the text and carry on. */
const quiet = (e) => e?.code === 'E_NOT_YET' || e?.code === 'E_UNCHECKED';

class Scanner {
  constructor(config, t0, configMs) {
    this.config = config;
    this.mode = config.mode;
    this.selector = this.mode === 'guard' ? config.input || DEFAULT_INPUT : config.messages || DEFAULT_MESSAGES;
    this.classifier = new RemoteClassifier(config.ageBand);
    /** element → guard or highlight handle, for the elements in the page now */
    this.handles = new Map();
    /** elements handled once: never attached twice */
    this.seen = new WeakSet();
    /** boxes that already ask for verdicts as the pupil types */
    this.prefetching = new WeakSet();
    this.selectorBroken = false;
    this.refreshQueued = false;
    this.classifier.onVerdict = () => this.queueRefresh();
    this.classifier.onFirst = (roundTripMs) =>
      tell({ type: 'scan-ready', mode: this.mode, configMs: Math.round(configMs),
        firstCheckMs: Math.round(performance.now() - t0), roundTripMs: Math.round(roundTripMs * 10) / 10 });
  }

  watch() {
    // Before any guardInput: these capture listeners run first, so a send whose text has no
    // verdict yet is held here (and replayed) rather than reaching guardInput unchecked.
    if (this.mode === 'guard') {
      window.addEventListener('keydown', (e) => this.safely('hold', () => this.onKeydown(e)), true);
      window.addEventListener('submit', (e) => this.safely('hold', () => this.onSubmit(e)), true);
      if (this.config.send) window.addEventListener('click', (e) => this.safely('hold', () => this.onClick(e)), true);
    }
    this.scan(document.documentElement);
    this.observer = new MutationObserver((records) => this.safely('mutations', () => this.onMutations(records)));
    this.observer.observe(document.documentElement, { childList: true, subtree: true });
  }

  safely(where, fn) {
    try {
      fn();
    } catch (e) {
      reportError(where, e);
    }
  }

  onMutations(records) {
    let removed = false;
    for (const r of records) {
      for (const n of r.addedNodes) if (n.nodeType === 1) this.scan(n);
      if (r.removedNodes.length) removed = true;
    }
    if (removed) this.sweep();
  }

  /** Finds message boxes (or lists) at or under `root` that are not handled yet. */
  scan(root) {
    if (this.selectorBroken) return;
    let found;
    try {
      found = root.matches(this.selector) ? [root] : [];
      found.push(...root.querySelectorAll(this.selector));
    } catch (e) {
      // The policy's selector is not one this browser accepts: say so once, then stop.
      this.selectorBroken = true;
      reportError(`selector ${JSON.stringify(this.selector)}`, e);
      return;
    }
    for (const el of found) {
      if (this.seen.has(el) || !this.wanted(el)) continue;
      this.seen.add(el);
      this.safely(this.mode, () => this.handles.set(el, this.mode === 'guard' ? this.guard(el) : this.highlight(el)));
    }
  }

  /** Skips our own nudge, read-only boxes and elements inside one already handled. */
  wanted(el) {
    if (el.closest('.esafety-nudge-region, [data-esafety-own]')) return false;
    if (el.readOnly || el.disabled || el.type === 'password') return false;
    return !el.parentElement?.closest(this.selector);
  }

  guard(el) {
    const c = this.classifier;
    let timer = 0;
    // Ask for a verdict while the pupil types, so the send finds it ready (once per element).
    if (!this.prefetching.has(el)) {
      this.prefetching.add(el);
      el.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const text = readText(el);
          if (text.trim()) c.ask(text);
        }, PREFETCH_MS);
      });
    }
    let logged = null;
    let lastId = null;
    return guardInput(el, c, {
      ...(this.config.send ? { sendButton: this.config.send } : {}),
      enterSends: this.config.enterSends,
      schoolName: this.config.schoolName ?? undefined,
      dslContact: this.config.dslContact ?? undefined,
      ageBand: this.config.ageBand,
      onNudge: (verdict, info) => {
        if (info.trigger !== 'send') return; // drafts are the pupil's own business
        const now = readText(el);
        if (logged === now) return; // the same message tried twice: one record
        logged = now;
        tell({ type: 'message-incident', ...fields(verdict), action: info.kind }).then((r) => {
          lastId = r?.id ?? null;
        });
      },
      onSendAnyway: (verdict) => {
        tell({ type: 'message-incident', ...fields(verdict), action: 'send_anyway', ...(lastId ? { ref: lastId } : {}) });
      },
      onError: (e) => quiet(e) || reportError('guardInput', e),
    });
  }

  highlight(el) {
    return highlightMessages(el, this.classifier, {
      ...(this.config.item ? { selector: this.config.item } : {}),
      // A message without a verdict yet is skipped; queueRefresh checks it again when it is in.
      onError: (e) => quiet(e) || reportError('highlightMessages', e),
    });
  }

  /** Verdicts arrived: the teacher's lists look again (answers from the cache now). */
  queueRefresh() {
    if (this.mode !== 'highlight' || this.refreshQueued) return;
    this.refreshQueued = true;
    setTimeout(() => {
      this.refreshQueued = false;
      for (const h of this.handles.values()) this.safely('refresh', () => h.refresh());
    }, 30);
  }

  /** The guarded box a send concerns, if its text still needs a verdict. */
  unchecked(el) {
    if (!el || !this.handles.has(el)) return null;
    const text = readText(el);
    return text.trim() && !this.classifier.has(text) ? text : null;
  }

  /** Holds the send, waits for the verdict (or HOLD_MS), then sends again the same way. */
  hold(e, text, replay) {
    e.preventDefault();
    e.stopImmediatePropagation();
    const timeout = new Promise((r) => setTimeout(r, HOLD_MS));
    Promise.race([this.classifier.ask(text), timeout]).then(() => {
      if (!this.classifier.has(text)) this.classifier.cache.set(text, null); // let it through unchecked
      this.safely('replay', replay);
    });
  }

  onKeydown(e) {
    if (!this.config.enterSends || e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing) return;
    const el = e.composedPath().find((n) => this.handles.has(n));
    const text = this.unchecked(el);
    if (text === null) return;
    this.hold(e, text, () =>
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, composed: true })));
  }

  /** A click on the policy's send button while a guarded box's text has no verdict yet. */
  onClick(e) {
    const button = e.composedPath().find((n) => n instanceof Element && n.matches(this.config.send));
    if (!button) return;
    for (const el of this.handles.keys()) {
      const text = this.unchecked(el);
      if (text === null) continue;
      this.hold(e, text, () => (button.isConnected ? button : document.querySelector(this.config.send))?.click());
      return;
    }
  }

  onSubmit(e) {
    const form = e.target;
    for (const el of this.handles.keys()) {
      if ((el.form ?? el.closest('form')) !== form) continue;
      const text = this.unchecked(el);
      if (text === null) continue;
      const submitter = e.submitter ?? null;
      this.hold(e, text, () => form.requestSubmit(submitter && submitter.form === form ? submitter : undefined));
      return;
    }
  }

  /** Lets go of elements the page removed (their listeners and nudges go with them). */
  sweep() {
    for (const [el, handle] of this.handles) {
      if (el.isConnected) continue;
      this.handles.delete(el);
      this.seen.delete(el); // handled again if the page puts it back
      this.safely('destroy', () => handle.destroy());
    }
  }
}

/** What a record may say about a verdict: categories and severity, never the words. */
function fields(verdict) {
  const categories = verdict.categories ?? [];
  return {
    category: categories[0] ?? (verdict.helpSeeking ? 'help_seeking' : 'other'),
    categories,
    severity: verdict.severity,
  };
}
