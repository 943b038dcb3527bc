// What every on-page helper does first: check it was given an element and a classifier
// (with a message naming the helper), and make sure the element's document has the
// helpers' styles.
import { ensureDocumentStyles } from './styles.js';

/**
 * @param {string} helper the exported function's name, for error messages
 * @param {string} what what the element is called in that function's signature
 * @param {Element} element
 * @param {{ classifyText?: unknown }} classifier
 * @returns {{ doc: Document, win: Window }}
 */
export function attach(helper, what, element, classifier) {
  if (!element || element.nodeType !== 1) throw new TypeError(`${helper}: ${what} must be an element`);
  if (!classifier || typeof classifier.classifyText !== 'function') {
    throw new TypeError(`${helper}: classifier must come from createClassifier()`);
  }
  const doc = element.ownerDocument;
  ensureDocumentStyles(doc);
  return { doc, win: doc.defaultView ?? window };
}
