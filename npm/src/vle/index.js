// esafety/vle: ready-made, framework-free helpers for a school's VLE or class chat, built
// on the esafety classifier: a kind nudge on the pupil's message box (guardInput), the
// teacher's highlighted message list (highlightMessages), and a "Report a worry" button
// (<esafety-report>). All child-facing words are in words.js for review.
//
// Importing this module defines <esafety-report> when custom elements exist (a page); in
// a worker or Node the import is harmless. Bundlers that drop "side-effect" imports can
// call defineReportElement() instead.

import { defineReportElement } from './report.js';

export { guardInput, decide } from './guard.js';
export { highlightMessages } from './highlight.js';
export { defineReportElement, postReport, MAX_REPORT_TEXT } from './report.js';
export { routesForConcern, routeFitsAge, CONCERN_ROUTES, CONCERNS } from './routes.js';
export { bandGroup } from './words.js';
export * as words from './words.js';

defineReportElement();
