// highlightMessages: the teacher's view of a class chat. Each message element is
// classified when highlighting starts and whenever one arrives (MutationObserver); a
// flagged message gets a badge that says the severity and categories in words (colour is
// only a second cue), `data-esafety-severity` for the VLE's own CSS or filters, a title,
// and <mark> over exactly the words that matched.
//
// Message text is only ever read from text nodes and written back as the same text nodes
// (see spans.js), so a message containing markup-like text cannot inject anything. Every
// message is handled inside its own try/catch: one odd message must not break the page or
// stop the others being checked.

import { collectText, mergeSpans, wrapSpans, unwrap, severityRank } from './spans.js';
import { STAFF, fill } from './words.js';
import { attach } from './attach.js';

/** Marks everything this module adds, so it is skipped when reading text and removed on destroy. */
const OWN = 'data-esafety-own';

/**
 * @typedef {import('../index.js').TextVerdict} TextVerdict
 * @typedef {import('../index.js').Classifier} Classifier
 * @typedef {import('./index.js').HighlightOptions} HighlightOptions
 * @typedef {{marks: Element[], badge: Element | null, title: string | null}} Applied
 */

/**
 * Highlights risky messages in a message list, now and as new ones arrive.
 * @param {Element} container the message list
 * @param {Classifier} classifier
 * @param {HighlightOptions} [options]
 * @returns {{ destroy(): void, refresh(): void }}
 */
export function highlightMessages(container, classifier, options = {}) {
  const { doc, win } = attach('highlightMessages', 'container', container, classifier);

  const selector = options.selector ?? null;
  const minRank = Math.max(1, severityRank(options.minSeverity ?? 'low'));
  const badgeAt = options.badgePosition ?? 'end';
  /** @type {Map<Element, Applied>} */
  const applied = new Map();
  let destroyed = false;

  const report = (e) => {
    try {
      options.onError?.(e);
    } catch {
      /* ignore: the page's error handler must not break highlighting */
    }
  };

  /** @param {Element} e */
  const isMessage = (e) =>
    e !== container &&
    container.contains(e) &&
    !e.hasAttribute(OWN) &&
    (selector ? e.matches(selector) : e.parentElement === container);

  /** Message elements in or at `node`. */
  function messagesIn(node) {
    if (node.nodeType !== 1) return [];
    const e = /** @type {Element} */ (node);
    if (e.hasAttribute(OWN)) return [];
    const found = isMessage(e) ? [e] : [];
    if (selector) found.push(...e.querySelectorAll(selector));
    return found.filter(isMessage);
  }

  /** The message a changed node belongs to, if any. */
  function messageOf(node) {
    for (let n = node.nodeType === 1 ? /** @type {Element} */ (node) : node.parentElement; n && n !== container; n = n.parentElement) {
      if (n.hasAttribute(OWN)) return null; // our own badge or mark changed
      if (applied.has(n) || isMessage(n)) return n;
    }
    return null;
  }

  /** Removes what we added to one message. */
  function clear(message) {
    const a = applied.get(message);
    if (!a) return;
    applied.delete(message);
    unwrap(a.marks);
    a.badge?.remove();
    message.removeAttribute('data-esafety-severity');
    message.removeAttribute('data-esafety-categories');
    if (a.title === null) message.removeAttribute('title');
    else message.setAttribute('title', a.title);
  }

  /** Classifies one message and decorates it. */
  function process(message) {
    try {
      clear(message);
      const roots = options.textSelector
        ? [...message.querySelectorAll(options.textSelector)]
        : [message];
      const { text, segments } = collectText(roots, (e) => e.hasAttribute(OWN));
      const a = /** @type {Applied} */ ({ marks: [], badge: null, title: message.getAttribute('title') });
      applied.set(message, a);
      if (text.trim() === '') return;
      const verdict = classifier.classifyText(text);
      const flagged = severityRank(verdict.severity) >= minRank || verdict.helpSeeking;
      if (!flagged) return;

      const cats = verdict.categories.map((c) => STAFF.category[c] ?? c);
      const sevWord = STAFF.severity[verdict.severity] ?? verdict.severity;
      const label = verdict.categories.length
        ? fill(STAFF.title, { severity: sevWord, categories: cats.join(', ') })
        : STAFF.helpSeeking;

      const spans = mergeSpans(verdict.matches.filter((m) => severityRank(m.severity) >= 1));
      a.marks = wrapSpans(segments, spans, (span) => {
        const mark = doc.createElement('mark');
        mark.className = `esafety-mark esafety-sev-${span.severity}`;
        mark.setAttribute(OWN, '');
        mark.dataset.esafetyCategory = span.categories.join(' ');
        mark.title = span.categories
          .map((c) => fill(STAFF.markTitle, { category: STAFF.category[c] ?? c, severity: STAFF.severity[span.severity] ?? span.severity }))
          .join('; ');
        return mark;
      });

      const badge = doc.createElement('span');
      badge.setAttribute(OWN, '');
      badge.dataset.esafetyBadge = '';
      if (verdict.categories.length) {
        badge.className = `esafety-badge esafety-sev-${verdict.severity}`;
        badge.textContent = `${sevWord}: ${cats.join(', ')}`;
      } else {
        badge.className = 'esafety-badge esafety-help';
        badge.textContent = STAFF.helpSeeking;
      }
      if (verdict.helpSeeking && verdict.categories.length) badge.textContent += ` (${STAFF.helpSeeking})`;
      if (badgeAt === 'start') message.prepend(badge);
      else message.append(badge);
      a.badge = badge;

      message.setAttribute('data-esafety-severity', verdict.severity);
      message.setAttribute('data-esafety-categories', verdict.categories.join(' '));
      message.setAttribute('title', label);
      try {
        options.onFlag?.(verdict, message);
      } catch (e) {
        report(e);
      }
    } catch (e) {
      report(e);
    }
  }

  /** @param {MutationRecord[]} records */
  function onMutations(records) {
    if (destroyed) return;
    /** @type {Set<Element>} */
    const todo = new Set();
    for (const r of records) {
      if (r.type === 'childList') {
        for (const n of r.addedNodes) {
          if (n.nodeType === 1 && /** @type {Element} */ (n).hasAttribute(OWN)) continue;
          const own = messageOf(r.target);
          if (own) todo.add(own); // a message's content changed
          for (const m of messagesIn(n)) todo.add(m);
        }
        for (const n of r.removedNodes) {
          if (n.nodeType === 1 && /** @type {Element} */ (n).hasAttribute(OWN)) continue;
          if (applied.has(/** @type {Element} */ (n))) applied.delete(/** @type {Element} */ (n));
          const own = messageOf(r.target);
          if (own) todo.add(own);
        }
      } else if (r.type === 'characterData') {
        const own = messageOf(r.target);
        if (own) todo.add(own);
      }
    }
    for (const m of todo) if (m.isConnected && container.contains(m)) process(m);
    // Our own edits (marks, badges) queued records: drop them, they are not news.
    observer.takeRecords();
  }

  const observer = new win.MutationObserver(onMutations);
  function start() {
    for (const m of selector ? [...container.querySelectorAll(selector)] : [...container.children]) {
      if (isMessage(m)) process(m);
    }
  }
  start();
  observer.observe(container, { childList: true, subtree: true, characterData: true });

  return {
    /** Re-checks every message (after changing options elsewhere, or a new classifier band). */
    refresh() {
      if (destroyed) return;
      onMutations(observer.takeRecords());
      start();
      observer.takeRecords();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      observer.disconnect();
      for (const m of [...applied.keys()]) {
        try {
          clear(m);
        } catch (e) {
          report(e);
        }
      }
    },
  };
}
