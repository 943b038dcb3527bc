// The helpers' CSS, attached as constructed style sheets (adoptedStyleSheets). That works
// under a strict Content-Security-Policy without 'unsafe-inline' (schools' VLEs often have
// one) and never touches the page's own <style> elements. Colours were chosen for WCAG AA
// contrast (4.5:1 or better for text); severity is always also written in words, never
// shown by colour alone. Class names are prefixed `esafety-` to stay out of the page's way.

const FOCUS = `outline: 3px solid #1a1a1a; outline-offset: 2px;`;

/** Route cards: shared by the nudge (document) and the report dialog (shadow root). */
const ROUTES_CSS = `
.esafety-visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px;
  padding: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
.esafety-routes { list-style: none; padding: 0; margin: .25rem 0; }
.esafety-route { margin: .5rem 0; padding: .5rem .75rem; border-radius: .4rem; background: #ffffff;
  border: 1px solid #6b6b6b; color: #1f1f1f; }
.esafety-route-name { display: block; }
.esafety-route-summary { margin: .2rem 0; }
.esafety-route-links { margin: .2rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.esafety-route-link { color: #0a4a85; text-decoration: underline; font-weight: 600; }
.esafety-route-link:focus-visible { ${FOCUS} }
`;

/** Nudge next to a message box, and teacher-view badges and marks. */
export const DOCUMENT_CSS = `${ROUTES_CSS}
.esafety-nudge { margin: .5rem 0; padding: .75rem 1rem; border: 2px solid #8a5a00; border-inline-start-width: .5rem;
  border-radius: .5rem; background: #fff8e6; color: #1f1f1f; font: inherit; line-height: 1.4; }
.esafety-nudge[hidden] { display: none; }
.esafety-nudge[data-kind="block"] { border-color: #a4262c; background: #fff1f0; }
.esafety-nudge[data-kind="support"] { border-color: #1b6e3a; background: #eefaf2; }
.esafety-nudge:focus { ${FOCUS} }
.esafety-nudge-heading { font-size: 1.05em; font-weight: 700; margin: 0 0 .25rem; }
.esafety-nudge p { margin: .25rem 0; }
.esafety-nudge-quote { font-style: italic; }
.esafety-nudge-actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: .5rem; }
.esafety-nudge button { font: inherit; padding: .4rem .9rem; border-radius: .4rem; border: 2px solid #0a4a85;
  background: #0a4a85; color: #ffffff; cursor: pointer; }
.esafety-nudge button.esafety-secondary { background: #ffffff; color: #0a4a85; }
.esafety-nudge button:focus-visible { ${FOCUS} }
.esafety-badge { display: inline-block; margin-inline-start: .5em; padding: 0 .45em; border-radius: .3em;
  border: 1px solid currentColor; font-size: .85em; font-weight: 700; line-height: 1.5; white-space: nowrap; }
.esafety-badge.esafety-sev-low { background: #e7f0fb; color: #174a7c; }
.esafety-badge.esafety-sev-medium { background: #fff3cd; color: #5c4503; }
.esafety-badge.esafety-sev-high { background: #fde4d4; color: #8a2c0d; }
.esafety-badge.esafety-sev-critical { background: #a4262c; color: #ffffff; }
.esafety-badge.esafety-help { background: #e3f4e9; color: #14532d; }
mark.esafety-mark { background: #fff1a8; color: #1f1f1f; text-decoration: underline; text-decoration-thickness: 2px;
  text-underline-offset: 2px; }
mark.esafety-mark.esafety-sev-high, mark.esafety-mark.esafety-sev-critical { background: #ffd3c4;
  text-decoration-style: double; }
`;

/** The report button and dialog, inside the custom element's shadow root. */
export const REPORT_CSS = `${ROUTES_CSS}
:host { display: inline-block; font: inherit; color: #1f1f1f; }
:host([hidden]) { display: none; }
button { font: inherit; cursor: pointer; }
button:focus-visible, a:focus-visible, textarea:focus-visible, [tabindex="-1"]:focus-visible { ${FOCUS} }
.open { font-weight: 700; padding: .5rem 1rem; border-radius: .5rem; border: 2px solid #0a4a85;
  background: #0a4a85; color: #ffffff; }
dialog { box-sizing: border-box; width: min(36rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem);
  overflow: auto; border: 2px solid #1f1f1f; border-radius: .75rem; padding: 1.25rem; color: #1f1f1f;
  background: #ffffff; line-height: 1.45; }
dialog::backdrop { background: rgb(0 0 0 / .6); }
h2 { font-size: 1.3em; margin: 0 0 .5rem; }
h3 { font-size: 1.1em; margin: .75rem 0 .25rem; }
p { margin: .4rem 0; }
.danger { position: sticky; top: -1.25rem; z-index: 1; box-shadow: 0 -1.25rem 0 .25rem #ffffff; margin: 0 0 .75rem; padding: .5rem .75rem; border-radius: .5rem; border: 2px solid #a4262c;
  background: #fdecea; color: #7a1a1a; font-weight: 700; }
.danger a { color: #7a1a1a; }
.choices { list-style: none; padding: 0; margin: .5rem 0; display: grid; gap: .5rem; }
.choice { width: 100%; text-align: start; padding: .6rem .8rem; border: 2px solid #0a4a85; background: #f2f7fd;
  color: #0a2f55; border-radius: .5rem; }
.choice:hover { background: #e0ecfa; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin-top: 1rem; }
.secondary { padding: .4rem .9rem; border-radius: .4rem; border: 2px solid #0a4a85; background: #ffffff; color: #0a4a85; }
.primary { padding: .4rem .9rem; border-radius: .4rem; border: 2px solid #0a4a85; background: #0a4a85; color: #ffffff; }
.primary[aria-disabled="true"] { cursor: wait; }
.send { margin-top: 1rem; padding-top: .5rem; border-top: 1px solid #6b6b6b; }
textarea { display: block; box-sizing: border-box; width: 100%; min-height: 5rem; margin: .25rem 0; padding: .4rem;
  font: inherit; color: #1f1f1f; background: #ffffff; border: 2px solid #555555; border-radius: .4rem; }
.status:empty { display: none; }
.status { margin-top: .5rem; padding: .4rem .6rem; border-radius: .4rem; font-weight: 600; }
.status[data-state="ok"] { background: #e3f4e9; color: #14532d; }
.status[data-state="error"] { background: #fdecea; color: #7a1a1a; }
.step[hidden] { display: none; }
`;

const adopted = new WeakMap();

/**
 * A constructed sheet made by the window that owns `doc` (sheets can't cross documents),
 * or null where constructed sheets are unsupported.
 * @param {Document} doc
 * @param {string} css
 */
function makeSheet(doc, css) {
  const Ctor = doc.defaultView?.CSSStyleSheet;
  if (!Ctor || !('replaceSync' in Ctor.prototype)) return null;
  const sheet = new Ctor();
  sheet.replaceSync(css);
  return sheet;
}

/**
 * Adds the document-level CSS once per document.
 * @param {Document} doc
 */
export function ensureDocumentStyles(doc) {
  if (adopted.has(doc)) return;
  const sheet = makeSheet(doc, DOCUMENT_CSS);
  if (sheet) {
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
  } else {
    const style = doc.createElement('style');
    style.textContent = DOCUMENT_CSS;
    doc.head.append(style);
  }
  adopted.set(doc, true);
}

/**
 * Gives a shadow root the report dialog's CSS.
 * @param {ShadowRoot} root
 */
export function styleShadowRoot(root) {
  const sheet = makeSheet(root.ownerDocument, REPORT_CSS);
  if (sheet) {
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = root.ownerDocument.createElement('style');
    style.textContent = REPORT_CSS;
    root.prepend(style);
  }
}
