// Maps the classifier's UTF-16 spans back onto live DOM text nodes and wraps them in
// <mark>, without ever parsing markup: a message's text is read node by node, so nested
// markup (<b>, links, emoji images with alt text excluded) keeps its structure and nothing
// in a message can be turned into HTML (no innerHTML anywhere). Both JS strings and the
// classifier's spans count UTF-16 code units, so offsets line up after emoji too.

/** Elements whose text is not message text. */
const SKIP_TAGS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'TEXTAREA', 'SELECT', 'OPTION']);
/** Elements that start a new line: a separator keeps "a</p><p>b" from reading as "ab". */
const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL', 'DT', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'NAV', 'OL', 'P', 'PRE',
  'SECTION', 'TABLE', 'TD', 'TH', 'TR', 'UL',
]);

/**
 * @typedef {{node: Text, start: number}} Segment  a text node and where its data starts in the joined text
 * @typedef {{start: number, end: number, severity: string, categories: string[]}} Span
 */

/**
 * Reads the text under `roots` as one string, remembering which text node each part came
 * from. `skip(element)` returning true leaves that element's subtree out (our badges).
 * @param {Element[]} roots
 * @param {(e: Element) => boolean} skip
 * @returns {{text: string, segments: Segment[]}}
 */
export function collectText(roots, skip) {
  let text = '';
  /** @type {Segment[]} */
  const segments = [];
  const separate = () => {
    if (text !== '' && !/\s$/.test(text)) text += '\n';
  };
  for (const root of roots) {
    separate();
    const doc = root.ownerDocument;
    const filter = {
      acceptNode(/** @type {Node} */ n) {
        if (n.nodeType === 1) {
          const e = /** @type {Element} */ (n);
          return SKIP_TAGS.has(e.tagName) || skip(e) ? 2 /* REJECT */ : 1 /* ACCEPT */;
        }
        return 1;
      },
    };
    // SHOW_ELEMENT | SHOW_TEXT
    const walker = doc.createTreeWalker(root, 0x1 | 0x4, filter);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === 1) {
        if (BLOCK_TAGS.has(/** @type {Element} */ (n).tagName)) separate();
        continue;
      }
      const t = /** @type {Text} */ (n);
      if (t.data === '') continue;
      segments.push({ node: t, start: text.length });
      text += t.data;
    }
  }
  return { text, segments };
}

const RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

/**
 * Severity rank (none 0 … critical 4).
 * @param {string} severity
 */
export function severityRank(severity) {
  return RANK[/** @type {keyof typeof RANK} */ (severity)] ?? 0;
}

/**
 * Joins overlapping or touching matches into disjoint spans (the classifier may report
 * "are you alone" and "you alone?" over the same words), keeping the worst severity and
 * every category.
 * @param {{start: number, end: number, severity: string, category: string}[]} matches
 * @returns {Span[]}
 */
export function mergeSpans(matches) {
  const sorted = matches
    .filter((m) => Number.isInteger(m.start) && Number.isInteger(m.end) && m.end > m.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  /** @type {Span[]} */
  const out = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    if (last && m.start <= last.end) {
      last.end = Math.max(last.end, m.end);
      if (severityRank(m.severity) > severityRank(last.severity)) last.severity = m.severity;
      if (!last.categories.includes(m.category)) last.categories.push(m.category);
    } else {
      out.push({ start: m.start, end: m.end, severity: m.severity, categories: [m.category] });
    }
  }
  return out;
}

/**
 * Wraps each span's text in an element made by `makeMark(span)`. A span crossing several
 * text nodes (nested markup) gets one mark per node piece. Spans are applied from last to
 * first so that splitting a node never shifts an offset still to be used.
 * @param {Segment[]} segments
 * @param {Span[]} spans disjoint, in order
 * @param {(span: Span) => Element} makeMark
 * @returns {Element[]} the marks, in text order
 */
export function wrapSpans(segments, spans, makeMark) {
  /** @type {Element[]} */
  const marks = [];
  for (let s = spans.length - 1; s >= 0; s--) {
    const span = spans[s];
    for (let i = segments.length - 1; i >= 0; i--) {
      const seg = segments[i];
      const segEnd = seg.start + seg.node.data.length;
      if (segEnd <= span.start || seg.start >= span.end) continue;
      const a = Math.max(span.start, seg.start) - seg.start;
      const b = Math.min(span.end, segEnd) - seg.start;
      const node = seg.node;
      if (b < node.data.length) node.splitText(b);
      const middle = a > 0 ? node.splitText(a) : node;
      const mark = makeMark(span);
      middle.replaceWith(mark);
      mark.append(middle);
      marks.push(mark);
    }
  }
  return marks.reverse();
}

/**
 * Undoes wrapSpans: puts each mark's children back and merges the text nodes it split.
 * @param {Iterable<Element>} marks
 */
export function unwrap(marks) {
  for (const mark of marks) {
    const parent = mark.parentNode;
    if (!parent) continue;
    mark.replaceWith(...mark.childNodes);
    parent.normalize();
  }
}
