// guardInput: a kind nudge next to a pupil's message box, shown before a risky message is
// sent. Design rules, from schools' safeguarding practice:
//  - Typing is never blocked. The only thing ever held back is the *send* (Enter, form
//    submit, the send button), and only while the text is unchanged since the nudge.
//  - `warn` explains and lets the pupil "send anyway"; `block` asks them to change the
//    message. Both say why in words for their age and show where to get help.
//  - A pupil asking for help, or telling us they are struggling (self-harm), is never told
//    their message is wrong: they get a kind "you're not on your own" panel with help
//    routes, and the message goes through.
//  - If anything here fails (classifier freed, text too long), the message is sent as
//    normal: a broken safety helper must not stop a child talking to their teacher.
//
// Send events are caught on `window` in the capture phase, so the nudge runs before the
// VLE's own handlers whatever order they were added in, and "send anyway" replays the
// same kind of send (button click, form submit or Enter) so the VLE needs no changes.

import { bandGroup, NUDGE, NUDGE_FALLBACK, SUPPORT, GUARD_UI } from './words.js';
import { routeList, el } from './help-list.js';
import { attach } from './attach.js';

/** Categories that describe the writer's own distress: shown support, never a nudge. */
const SUPPORT_CATEGORIES = new Set(['self_harm']);
/** Not worth nudging someone who is reaching out for help. */
const IGNORED_WHEN_SUPPORTING = new Set(['profanity']);

let nextId = 0;

/**
 * @typedef {import('../index.js').TextVerdict} TextVerdict
 * @typedef {import('../index.js').Classifier} Classifier
 * @typedef {import('./index.js').GuardOptions} GuardOptions
 * @typedef {import('./index.js').NudgeKind} NudgeKind
 * @typedef {{type: 'enter'} | {type: 'submit', submitter: HTMLElement | null} | {type: 'click', button: HTMLElement}} Trigger
 */

/**
 * What the nudge should do for a verdict.
 * @param {TextVerdict} verdict
 * @returns {{kind: 'none' | NudgeKind, nudge: string[], support: boolean}}
 *   `nudge`: categories to explain; `support`: also show the kind help panel
 */
export function decide(verdict) {
  const cats = verdict.categories ?? [];
  const supportive = verdict.helpSeeking === true || cats.some((c) => SUPPORT_CATEGORIES.has(c));
  if (verdict.action === 'allow') {
    return { kind: verdict.helpSeeking ? 'support' : 'none', nudge: [], support: verdict.helpSeeking === true };
  }
  const nudge = cats.filter(
    (c) => !SUPPORT_CATEGORIES.has(c) && !(supportive && IGNORED_WHEN_SUPPORTING.has(c)),
  );
  if (nudge.length === 0) return { kind: supportive ? 'support' : 'none', nudge, support: supportive };
  return { kind: verdict.action === 'block' ? 'block' : 'warn', nudge, support: supportive };
}

/** The text in a textarea, input or contenteditable element. */
function readText(element) {
  if ('value' in element && typeof element.value === 'string') return element.value;
  return element.innerText ?? element.textContent ?? '';
}

/** `el.matches(selector)`, false for a selector the browser does not accept. */
function matchesSafely(el, selector) {
  try {
    return el.matches(selector);
  } catch {
    return false;
  }
}

/**
 * Guards a message box: see the module comment. Returns a handle whose `destroy()`
 * removes every listener and the nudge.
 * @param {HTMLTextAreaElement | HTMLInputElement | HTMLElement} element
 * @param {Classifier} classifier
 * @param {GuardOptions} [options]
 * @returns {{ destroy(): void, check(): TextVerdict | null }}
 */
export function guardInput(element, classifier, options = {}) {
  const { doc, win } = attach('guardInput', 'element', element, classifier);

  // Send buttons: elements, or a CSS selector matched at click time (sites that re-render
  // their button on every message, such as web chat apps).
  const sendSelector = typeof options.sendButton === 'string' ? options.sendButton : null;
  const sendButtons = sendSelector === null ? [options.sendButton ?? []].flat().filter(Boolean) : [];
  /** The send button a click went through, if any. */
  const buttonOf = (e) =>
    sendButtons.find((b) => e.composedPath().includes(b)) ??
    (sendSelector === null
      ? undefined
      : e.composedPath().find((n) => n instanceof win.Element && matchesSafely(n, sendSelector)));
  /** A send button to replay a send with when the pupil's own way is not known. */
  const anyButton = () => {
    if (sendButtons[0] || sendSelector === null) return sendButtons[0] ?? null;
    try {
      return doc.querySelector(sendSelector);
    } catch {
      return null;
    }
  };
  const enterSends = options.enterSends ?? true;
  const debounceMs = options.debounceMs ?? 700;
  const maxRoutes = options.maxRoutes ?? 4;
  const formOf = () => options.form ?? /** @type {any} */ (element).form ?? element.closest('form');

  const id = `esafety-nudge-${++nextId}`;
  // A live region that stays in the page, so screen readers announce what appears in it.
  const region = el(doc, 'div', 'esafety-nudge-region');
  region.setAttribute('aria-live', 'polite');
  if (options.nudgeContainer) options.nudgeContainer.append(region);
  else element.after(region);
  const describedBy = element.getAttribute('aria-describedby');

  /** @type {string | null} text the pupil chose to send anyway */
  let ackText = null;
  /** @type {{text: string, verdict: TextVerdict, kind: string, sticky: boolean, sig: string, sendTrigger: Trigger | null} | null} */
  let shown = null;
  let timer = 0;
  let destroyed = false;

  const report = (e) => {
    try {
      options.onError?.(e);
    } catch {
      /* the page's handler failing must not break the guard */
    }
  };
  const call = (fn, ...args) => {
    try {
      fn?.(...args);
    } catch (e) {
      report(e);
    }
  };

  function classify(text) {
    try {
      return classifier.classifyText(text);
    } catch (e) {
      report(e);
      return null;
    }
  }

  function hide() {
    region.replaceChildren();
    shown = null;
    if (describedBy === null) element.removeAttribute('aria-describedby');
    else element.setAttribute('aria-describedby', describedBy);
  }

  function focusBox(selectFirstMatch) {
    element.focus();
    const v = shown?.verdict;
    if (selectFirstMatch && v && 'setSelectionRange' in element && v.matches.length) {
      const m = v.matches.find((x) => !SUPPORT_CATEGORIES.has(x.category)) ?? v.matches[0];
      try {
        /** @type {HTMLInputElement} */ (element).setSelectionRange(m.start, m.end);
      } catch {
        /* some input types have no selection */
      }
    }
  }

  /**
   * Shows the nudge (or support panel) for a verdict.
   * @param {TextVerdict} verdict
   * @param {ReturnType<typeof decide>} d
   * @param {'typing' | 'send'} trigger
   * @param {Trigger | null} sendTrigger
   * @param {string} text
   */
  function show(verdict, d, trigger, sendTrigger, text) {
    const group = bandGroup(options.ageBand ?? verdict.ageBand ?? classifier.ageBand);
    const ui = GUARD_UI[group];
    const kind = /** @type {NudgeKind} */ (d.kind);
    const sig = `${kind}|${d.nudge.join(',')}|${d.support}`;
    const repeat = shown !== null && shown.sig === sig && trigger === 'typing';
    shown = { text, verdict, kind, sticky: kind === 'support' && trigger === 'send', sig, sendTrigger };
    if (repeat) return; // same advice already on screen: don't re-announce while typing

    const box = el(doc, 'div', 'esafety-nudge');
    box.id = id;
    box.dataset.kind = kind;
    box.tabIndex = -1;
    if (trigger === 'send' && kind !== 'support') {
      // An interrupted send is announced at once; typing-time hints stay polite.
      region.setAttribute('aria-live', 'off');
      box.setAttribute('role', 'alert');
    } else {
      region.setAttribute('aria-live', 'polite');
    }
    const headingId = `${id}-h`;
    box.setAttribute('aria-labelledby', headingId);

    const heading = el(doc, 'p', 'esafety-nudge-heading');
    heading.id = headingId;
    box.append(heading);
    if (kind === 'support') {
      heading.textContent = SUPPORT[group].heading;
      box.append(el(doc, 'p', '', SUPPORT[group].body));
    } else {
      heading.textContent = kind === 'block' ? ui.blockHeading : ui.warnHeading;
      for (const c of d.nudge.slice(0, 3)) {
        const w = NUDGE[c]?.[group] ?? NUDGE_FALLBACK[group];
        const p = el(doc, 'p', 'esafety-nudge-reason');
        p.dataset.category = c;
        p.append(el(doc, 'span', 'esafety-nudge-why', w.why), ' ', el(doc, 'span', 'esafety-nudge-instead', w.instead));
        box.append(p);
      }
      if (d.support) box.append(el(doc, 'p', '', SUPPORT[group].body));
      if (kind === 'block') box.append(el(doc, 'p', 'esafety-nudge-ask', ui.blockAsk));
    }

    const actions = el(doc, 'div', 'esafety-nudge-actions');
    if (kind === 'support') {
      const close = el(doc, 'button', 'esafety-secondary', ui.close);
      close.type = 'button';
      close.addEventListener('click', () => {
        hide();
        focusBox(false);
      });
      actions.append(close);
    } else {
      const edit = el(doc, 'button', 'esafety-edit', ui.edit);
      edit.type = 'button';
      edit.addEventListener('click', () => focusBox(true));
      actions.append(edit);
      if (kind === 'warn') {
        const anyway = el(doc, 'button', 'esafety-secondary esafety-send-anyway', ui.sendAnyway);
        anyway.type = 'button';
        // Read at click time: typing may have updated the text behind the same advice.
        anyway.addEventListener('click', () => shown && sendAnyway(shown.verdict, shown.text, shown.sendTrigger));
        actions.append(anyway);
      }
    }
    // A nudge puts its actions first, so Tab from the box reaches "change" / "send anyway"
    // at once; the support panel leads with who can help and ends with "close".
    const help = [];
    const routes = pickRoutes(verdict.help ?? [], maxRoutes);
    if (routes.length) {
      help.push(el(doc, 'p', 'esafety-nudge-heading', kind === 'support' ? SUPPORT[group].next : ui.helpHeading));
      help.push(routeList(doc, routes, { schoolName: options.schoolName, dslContact: options.dslContact }));
    }
    if (kind === 'support') box.append(...help, actions);
    else box.append(actions, ...help);
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        hide();
        focusBox(false);
      }
    });

    region.replaceChildren(box);
    element.setAttribute('aria-describedby', [describedBy, id].filter(Boolean).join(' '));
    call(options.onNudge, verdict, { trigger, kind });
  }

  /** The pupil chose "send anyway": let this exact text through and send it. */
  function sendAnyway(verdict, text, trigger) {
    if (readText(element) !== text) {
      // Edited since the nudge: check the new text instead of sending unseen words.
      runCheck('send', trigger);
      return;
    }
    call(options.onSendAnyway, verdict);
    hide();
    ackText = text;
    try {
      if (options.send) options.send(text);
      else replay(trigger);
    } catch (e) {
      report(e);
    } finally {
      // Every event of this one send (click → submit) runs synchronously; then forget.
      win.setTimeout(() => {
        ackText = null;
      }, 0);
    }
    focusBox(false);
  }

  /**
   * Sends the way the pupil originally tried to (or the most likely way).
   * @param {Trigger | null} trigger
   */
  function replay(trigger) {
    const form = formOf();
    /** @type {Trigger} */
    const fallback = anyButton();
    const t = trigger ?? (fallback ? { type: 'click', button: fallback } : form ? { type: 'submit', submitter: null } : { type: 'enter' });
    if (t.type === 'click') {
      // The button clicked may have been replaced meanwhile (a re-rendered page): use its successor.
      const button = t.button.isConnected ? t.button : anyButton();
      button?.click();
    } else if (t.type === 'submit' && form) {
      const s = t.submitter;
      form.requestSubmit(s && /** @type {any} */ (s).form === form ? /** @type {HTMLButtonElement} */ (s) : undefined);
    } else if (element.tagName === 'INPUT' && form) {
      form.requestSubmit();
    } else {
      element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, composed: true }));
    }
  }

  /**
   * Classifies the current text and updates the nudge.
   * @param {'typing' | 'send'} trigger
   * @param {Trigger | null} sendTrigger
   * @returns {{verdict: TextVerdict | null, hold: boolean}} hold: stop this send
   */
  function runCheck(trigger, sendTrigger) {
    const text = readText(element);
    if (text.trim() === '') {
      if (!shown?.sticky) hide();
      return { verdict: null, hold: false };
    }
    const verdict = classify(text);
    if (!verdict) return { verdict: null, hold: false };
    const d = decide(verdict);
    if (d.kind === 'none') {
      if (!shown?.sticky) hide();
      return { verdict, hold: false };
    }
    if (trigger === 'send' && d.kind === 'warn' && ackText === text) return { verdict, hold: false };
    if (trigger === 'typing' && shown?.sticky && d.kind === 'support') return { verdict, hold: false };
    show(verdict, d, trigger, sendTrigger, text);
    return { verdict, hold: d.kind === 'warn' || d.kind === 'block' };
  }

  /** @type {{text: string, hold: boolean} | null} the send being checked (Enter → submit is one send) */
  let sending = null;

  /** A send is starting: hold it back if the message needs a nudge. */
  function onSendAttempt(e, sendTrigger) {
    if (destroyed) return;
    win.clearTimeout(timer);
    const text = readText(element);
    let hold;
    if (sending && sending.text === text) {
      hold = sending.hold; // a later event of the same send: decided already, don't nudge twice
    } else {
      hold = runCheck('send', sendTrigger).hold;
      sending = { text, hold };
      win.setTimeout(() => {
        sending = null;
      }, 0);
    }
    if (hold) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }

  const inBox = (e) => e.composedPath().includes(element);

  /** The Enter whose keydown was held: its keyup is held too, for VLEs that send on keyup. */
  let heldEnter = false;

  function onKeydown(e) {
    if (!enterSends || e.key !== 'Enter' || e.shiftKey || e.altKey) return;
    if (e.isComposing || e.keyCode === 229 || !inBox(e)) return;
    onSendAttempt(e, { type: 'enter' });
    heldEnter = e.defaultPrevented;
  }
  function onKeyup(e) {
    if (e.key !== 'Enter' || !heldEnter) return;
    heldEnter = false;
    if (inBox(e)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }
  function onSubmit(e) {
    const form = formOf();
    if (form && e.target === form) onSendAttempt(e, { type: 'submit', submitter: e.submitter ?? null });
  }
  function onClick(e) {
    const button = buttonOf(e);
    if (button) onSendAttempt(e, { type: 'click', button });
  }
  function onInput(e) {
    if (!inBox(e)) return;
    ackText = null;
    win.clearTimeout(timer);
    if (debounceMs <= 0) return;
    timer = win.setTimeout(() => {
      if (!destroyed) runCheck('typing', null);
    }, debounceMs);
  }

  win.addEventListener('keydown', onKeydown, true);
  win.addEventListener('keyup', onKeyup, true);
  win.addEventListener('submit', onSubmit, true);
  win.addEventListener('click', onClick, true);
  element.addEventListener('input', onInput);

  return {
    /** Checks the current text now, as if the pupil had paused typing. */
    check() {
      if (destroyed) return null;
      return runCheck('typing', null).verdict;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      win.clearTimeout(timer);
      win.removeEventListener('keydown', onKeydown, true);
      win.removeEventListener('keyup', onKeyup, true);
      win.removeEventListener('submit', onSubmit, true);
      win.removeEventListener('click', onClick, true);
      element.removeEventListener('input', onInput);
      hide();
      region.remove();
    },
  };
}

/**
 * At most `max` routes in the verdict's order, always keeping 999 and the school.
 * @param {TextVerdict['help']} help
 * @param {number} max
 */
function pickRoutes(help, max) {
  const must = help.filter((r) => r.id === 'emergency' || r.id === 'school');
  const rest = help.filter((r) => r.id !== 'emergency' && r.id !== 'school').slice(0, Math.max(0, max - must.length));
  const keep = new Set([...must, ...rest]);
  return help.filter((r) => keep.has(r));
}
